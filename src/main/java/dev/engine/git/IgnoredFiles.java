package dev.engine.git;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The git-ignored local files of the user's working tree (env files, kubeconfig, talosconfig,
 * secrets): untracked, matched by the workspace's ignore rules (.gitignore files, info/exclude,
 * core.excludesFile, as JGit reads them). Only tracked and ignored directories are entered:
 * an untracked directory that is not ignored is work in progress, not local configuration.
 */
final class IgnoredFiles {
    /** Files taken from inside ignored directories (a stray node_modules must not cost minutes). */
    static final int MAX_IN_IGNORED_DIRS = 2_000;
    /** Ignored files directly in tracked directories: generous, they are what stages usually read. */
    static final int MAX_LOOSE = 10_000;

    private IgnoredFiles() {}

    /**
     * Workspace-relative path to absolute path of every ignored file to show in the checkout.
     *
     * @param excluded workspace-relative directories never entered nor linked (the engine's own folders)
     */
    static Map<String, Path> find(Repository repo, Path workspace, Set<String> excluded, Warnings warnings) throws IOException {
        Map<String, Path> found = new TreeMap<>();
        List<String> ignoredDirs = new ArrayList<>();
        boolean looseCapped = false;
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.addTree(new DirCacheIterator(repo.readDirCache()));
            walk.addTree(new FileTreeIterator(repo));
            walk.setRecursive(false);
            while (walk.next()) {
                WorkingTreeIterator file = walk.getTree(1, WorkingTreeIterator.class);
                if (file == null) continue; // tracked but missing from the working tree
                String path = walk.getPathString();
                if (isExcluded(path, excluded) || walk.getNameString().equals(Constants.DOT_GIT)) continue;
                boolean tracked = walk.getTree(0, DirCacheIterator.class) != null;
                FileMode mode = file.getEntryFileMode();
                if (mode == FileMode.TREE) {
                    if (tracked) walk.enterSubtree();
                    else if (file.isEntryIgnored() && !isBuildDir(walk.getNameString())) ignoredDirs.add(path);
                    continue;
                }
                if (tracked || mode == FileMode.GITLINK || !file.isEntryIgnored()) continue;
                Path abs = workspace.resolve(path);
                if (mode == FileMode.SYMLINK && !Files.isRegularFile(abs)) {
                    warnings.add("local ignored " + path + " is a symlink to a directory or to nothing; not visible to stages"
                            + " (only ignored files are linked into the checkout)");
                    continue;
                }
                if (found.size() >= MAX_LOOSE) {
                    looseCapped = true;
                    break;
                }
                found.put(path, abs);
            }
        }
        if (looseCapped) {
            warnings.add("more than " + MAX_LOOSE + " git-ignored files in the workspace; only the first " + MAX_LOOSE
                    + " are visible to stages");
        }
        // Shallow directories first: secrets/ matters more than a deep cache directory.
        ignoredDirs.sort(Comparator.comparingInt((String d) -> d.split("/").length).thenComparing(Comparator.naturalOrder()));
        int[] budget = {MAX_IN_IGNORED_DIRS};
        for (String dir : ignoredDirs) {
            if (budget[0] <= 0) {
                warnings.add("more than " + MAX_IN_IGNORED_DIRS + " files in git-ignored directories; " + dir
                        + " and later ones are not visible to stages");
                break;
            }
            collect(workspace, dir, excluded, found, budget, warnings);
        }
        return found;
    }

    private static void collect(Path workspace, String dir, Set<String> excluded, Map<String, Path> found, int[] budget,
            Warnings warnings) throws IOException {
        Path start = workspace.resolve(dir);
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (d.equals(start)) return FileVisitResult.CONTINUE;
                String name = d.getFileName().toString();
                if (name.equals(Constants.DOT_GIT) || isBuildDir(name) || isExcluded(rel(workspace, d), excluded)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                boolean file = attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(f));
                if (!file || f.getFileName().toString().equals(Constants.DOT_GIT)) return FileVisitResult.CONTINUE;
                if (budget[0] <= 0) {
                    warnings.add("more than " + MAX_IN_IGNORED_DIRS + " files in git-ignored directories; the rest of "
                            + dir + " is not visible to stages");
                    return FileVisitResult.TERMINATE;
                }
                budget[0]--;
                found.put(rel(workspace, f), f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // unreadable: nothing a stage could read either
            }
        });
    }

    /**
     * Whether {@code rel} (a path in the working tree) is untracked and ignored, or inside an
     * ignored directory; false when it is tracked, absent, or untracked and not ignored.
     */
    static boolean isIgnored(Repository repo, String rel) throws IOException {
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.addTree(new DirCacheIterator(repo.readDirCache()));
            walk.addTree(new FileTreeIterator(repo));
            walk.setFilter(PathFilter.create(rel));
            walk.setRecursive(false);
            while (walk.next()) {
                WorkingTreeIterator file = walk.getTree(1, WorkingTreeIterator.class);
                if (file == null) return false;
                boolean tracked = walk.getTree(0, DirCacheIterator.class) != null;
                if (!tracked && file.isEntryIgnored()) return true;
                if (walk.getPathString().equals(rel)) return false;
                if (walk.isSubtree()) walk.enterSubtree();
            }
            return false;
        }
    }

    static boolean isExcluded(String rel, Set<String> excluded) {
        if (excluded.contains(rel)) return true;
        for (int slash = rel.indexOf('/'); slash > 0; slash = rel.indexOf('/', slash + 1)) {
            if (excluded.contains(rel.substring(0, slash))) return true;
        }
        return false;
    }

    /** Maven output folders: big, rebuilt at will, never configuration a stage reads. */
    static boolean isBuildDir(String name) {
        return name.equals("target") || name.startsWith("target-");
    }

    private static String rel(Path workspace, Path p) {
        return workspace.relativize(p).toString().replace('\\', '/');
    }
}
