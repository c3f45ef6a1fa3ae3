package dev.engine.git;

import dev.engine.git.CheckoutManifest.FileState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.IndexDiff;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.submodule.SubmoduleWalk;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The directory stages run in: a checkout of the AI branch tip (main's while there is no AI
 * branch) kept under the engine home, so a fix committed to the AI branch takes effect before a
 * human merges it, while the user's working tree, index, HEAD and main stay untouched (I1).
 *
 * <p>{@link #sync()} is incremental: it writes only what differs from what it materialized last
 * (a manifest beside the directory records blob, mode and stat data per path, like git's index),
 * deletes what left the tree, and leaves files a stage created alone. The user's git-ignored
 * local files (env files, kubeconfig, secrets) are made visible through symlinks to the originals,
 * so a stage reads the same local configuration it would in the working tree. Uncommitted edits
 * are not visible: {@link #uncommittedChanges} lists them so the caller can say so.
 *
 * <p>One sync at a time: the caller holds the engine lock, and no stage runs during a sync.
 */
public final class StageCheckout {
    /** The home's runtime folders (DESIGN §2): never linked into the checkout, never reported as uncommitted. */
    static final List<String> RUNTIME_DIRS = List.of("state", "logs", "escalations", "patches");
    static final int MAX_UNCOMMITTED = 50;

    private final Path workspace;
    private final Path dir;
    private final String aiBranch;
    private final String mainBranch;
    private final Path home;
    private final WriteHook beforeWrite;
    private boolean ignoreChecked;

    /** Runs before each tracked path is written, so tests can kill a sync midway. */
    @FunctionalInterface
    interface WriteHook {
        void run(String path) throws IOException;
    }

    private StageCheckout(Path workspace, Path dir, String aiBranch, String mainBranch, Path home, WriteHook beforeWrite) {
        this.beforeWrite = beforeWrite;
        this.workspace = workspace.toAbsolutePath().normalize();
        this.dir = dir.toAbsolutePath().normalize();
        this.aiBranch = Objects.requireNonNull(aiBranch, "aiBranch");
        this.mainBranch = Objects.requireNonNull(mainBranch, "mainBranch");
        this.home = home == null ? null : home.toAbsolutePath().normalize();
        if (this.dir.getParent() == null) throw new IllegalArgumentException("the checkout cannot be the file system root");
    }

    /**
     * A checkout in {@code dir} (e.g. {@code <home>/state/checkout}). The home, whose runtime
     * folders are never linked, is taken to be the parent of {@code dir}'s {@code state} folder;
     * the runtime folders of the workspace root and of {@code <workspace>/ai} are excluded too.
     */
    public static StageCheckout at(Path workspace, Path dir, String aiBranch, String mainBranch) {
        Path parent = dir.toAbsolutePath().normalize().getParent();
        Path home = parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("state")
                ? parent.getParent() : null;
        return new StageCheckout(workspace, dir, aiBranch, mainBranch, home, p -> { });
    }

    /** As {@link #at(Path, Path, String, String)} with the engine home given explicitly. */
    public static StageCheckout at(Path workspace, Path dir, String aiBranch, String mainBranch, Path home) {
        return new StageCheckout(workspace, dir, aiBranch, mainBranch, home, p -> { });
    }

    static StageCheckout at(Path workspace, Path dir, String aiBranch, String mainBranch, Path home, WriteHook beforeWrite) {
        return new StageCheckout(workspace, dir, aiBranch, mainBranch, home, beforeWrite);
    }

    public Path dir() {
        return dir;
    }

    /** The manifest lives beside the checkout, out of a stage's way (a stage runs with the checkout as cwd). */
    Path manifestFile() {
        return dir.resolveSibling(dir.getFileName() + ".manifest.json");
    }

    /**
     * What a sync did: the commit now checked out, how many tracked paths were (re)written and
     * deleted, how many local ignored files are linked in, and what it could not do.
     */
    public record Result(String commit, int written, int deleted, int linked, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    /** Materializes the tip of the AI branch (or of main when there is none yet) into {@link #dir()}. */
    public Result sync() throws IOException {
        Warnings warnings = new Warnings();
        Files.createDirectories(dir);
        try (Repository repo = CheckoutSource.open(workspace);
                ObjectReader reader = repo.newObjectReader();
                RevWalk revWalk = new RevWalk(reader)) {
            RevCommit commit = revWalk.parseCommit(CheckoutSource.tip(repo, aiBranch, mainBranch));
            TreeEntries.Tree tree = TreeEntries.read(reader, commit.getTree(), warnings);
            CheckoutManifest.Loaded loaded = CheckoutManifest.load(manifestFile(), warnings);
            CheckoutManifest old = loaded.manifest();
            Map<String, String> wantLinks = wantedLinks(repo, tree, warnings);
            return new Run(reader, tree, old, loaded.writtenAt(), wantLinks, warnings).apply(commit.name());
        }
    }

    /** One sync: plan by comparing tree, manifest and disk; then delete, write, link, record. */
    private final class Run {
        private final ObjectReader reader;
        private final TreeEntries.Tree tree;
        private final CheckoutManifest old;
        private final long manifestWrittenAt;
        private final Map<String, String> wantLinks;
        private final Warnings warnings;
        private final SafeTree safe = new SafeTree(dir);
        private final ObjectInserter.Formatter hasher = new ObjectInserter.Formatter();
        /** Entries confirmed by content rather than stat: the manifest must be rewritten so they are trusted next time. */
        private int checkedByContent;

        Run(ObjectReader reader, TreeEntries.Tree tree, CheckoutManifest old, long manifestWrittenAt,
                Map<String, String> wantLinks, Warnings warnings) {
            this.reader = reader;
            this.tree = tree;
            this.old = old;
            this.manifestWrittenAt = manifestWrittenAt;
            this.wantLinks = wantLinks;
            this.warnings = warnings;
        }

        Result apply(String commit) throws IOException {
            Map<String, FileState> next = new TreeMap<>();
            List<TreeEntries.Entry> toWrite = new ArrayList<>();
            for (TreeEntries.Entry e : tree.entries().values()) {
                FileState current;
                try {
                    current = currentState(e, old.files().get(e.path()));
                } catch (InvalidPathException ex) {
                    warnings.add(unrepresentable(e.path(), ex));
                    continue;
                }
                if (current != null) next.put(e.path(), current);
                else toWrite.add(e);
            }
            List<String> toDelete = new ArrayList<>();
            for (String path : old.files().keySet()) {
                if (!tree.entries().containsKey(path)) toDelete.add(path);
            }
            boolean changing = !toWrite.isEmpty() || !toDelete.isEmpty() || !old.links().equals(wantLinks) || !old.complete();
            if (changing) {
                // Every path about to change is recorded as unknown first: a sync killed from here on
                // leaves a manifest that makes the next one re-check (or delete) exactly those paths.
                Map<String, FileState> pending = new TreeMap<>(next);
                toWrite.forEach(e -> pending.put(e.path(), FileState.unknown()));
                toDelete.forEach(p -> pending.put(p, FileState.unknown()));
                Map<String, String> links = new TreeMap<>(old.links());
                links.putAll(wantLinks);
                new CheckoutManifest(CheckoutManifest.VERSION, commit, false, pending, links).store(manifestFile());
            }

            int deleted = 0;
            for (String path : toDelete) {
                try {
                    if (deleteTracked(path)) deleted++;
                } catch (InvalidPathException ex) {
                    warnings.add("cannot remove " + path + " from the checkout: " + ex.getMessage());
                }
            }
            Materializer writer = new Materializer(safe, reader, warnings,
                    p -> old.files().containsKey(p) || old.links().containsKey(p));
            int written = 0;
            for (TreeEntries.Entry e : toWrite) {
                beforeWrite.run(e.path());
                try {
                    next.put(e.path(), FileState.of(e, writer.write(e)));
                    written++;
                } catch (InvalidPathException ex) {
                    warnings.add(unrepresentable(e.path(), ex));
                } catch (IOException ex) {
                    throw new IOException("cannot write " + e.path() + " in the stage checkout " + dir + ": " + ex.getMessage()
                            + "; the next sync retries it", ex);
                }
            }
            Map<String, String> links = refreshLinks();

            CheckoutManifest now = new CheckoutManifest(CheckoutManifest.VERSION, commit, true, next, links);
            if (changing || checkedByContent > 0 || !now.equals(old)) now.store(manifestFile());
            return new Result(commit, written, deleted, links.size(), warnings.list());
        }

        /**
         * The state to record when the path already holds {@code e}, or null when it must be
         * written. Trusts stat data only when it matches what was recorded right after writing and
         * the file is not racily clean (modified in the same clock tick the manifest was written);
         * otherwise compares content hashes, so a lost manifest costs time, never correctness.
         */
        private FileState currentState(TreeEntries.Entry e, FileState recorded) throws IOException {
            String rel = e.path();
            Path p = safe.resolve(rel);
            if (!safe.parentsAreDirs(rel)) return null;
            PosixFileAttributes a = SafeTree.lstat(p);
            switch (e.kind()) {
                case GITLINK:
                    return a != null && a.isDirectory() && !a.isSymbolicLink() ? FileState.of(e, null) : null;
                case SYMLINK:
                    if (a != null && a.isSymbolicLink() && Files.readSymbolicLink(p).equals(Path.of(e.linkTarget()))) {
                        return FileState.of(e, null);
                    }
                    noteRestore(e, recorded);
                    return null;
                default:
                    break;
            }
            boolean executable = e.kind() == TreeEntries.Kind.EXECUTABLE;
            if (a == null || !a.isRegularFile()) {
                noteRestore(e, recorded);
                return null;
            }
            if (recorded != null && recorded.known() && recorded.id().equals(e.id().name()) && recorded.mode() == e.rawMode()
                    && recorded.sameStat(a, executable) && recorded.mtime() < manifestWrittenAt) {
                return recorded;
            }
            if (a.permissions().contains(PosixFilePermission.OWNER_EXECUTE) != executable
                    || a.size() != reader.getObjectSize(e.id(), Constants.OBJ_BLOB) || !e.id().equals(hash(p, a.size()))) {
                noteRestore(e, recorded);
                return null;
            }
            checkedByContent++;
            return FileState.of(e, a);
        }

        private ObjectId hash(Path p, long size) {
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                return hasher.idFor(Constants.OBJ_BLOB, size, in);
            } catch (IOException e) {
                return null; // changed or vanished while read: rewrite it
            }
        }

        /** A tracked file the last sync wrote exactly like this and that is no longer so was changed in the checkout. */
        private void noteRestore(TreeEntries.Entry e, FileState recorded) {
            if (recorded != null && recorded.known() && recorded.id().equals(e.id().name())) {
                warnings.add("restored " + e.path() + ": it was changed in the checkout since the last sync"
                        + " (stages must not edit tracked files; fixes belong on the AI branch)");
            }
        }

        /** Deletes a path that left the tree; true when something was removed. */
        private boolean deleteTracked(String path) throws IOException {
            if (!safe.parentsAreDirs(path)) return false;
            Path p = safe.resolve(path);
            PosixFileAttributes a = SafeTree.lstat(p);
            if (a == null) return false;
            if (a.isDirectory() && !a.isSymbolicLink()) {
                // A former submodule directory (or a stage's): removed only when empty, a stage may keep files there.
                try (var list = Files.list(p)) {
                    if (list.findAny().isPresent()) return false;
                }
            }
            Files.delete(p);
            safe.pruneEmptyParents(path);
            return true;
        }

        /**
         * Removes links whose local file went away (only links this checkout made, still pointing
         * where it made them) and creates the missing ones, never over something a stage wrote.
         */
        private Map<String, String> refreshLinks() throws IOException {
            for (Map.Entry<String, String> link : old.links().entrySet()) {
                String rel = link.getKey();
                if (link.getValue().equals(wantLinks.get(rel)) || tree.entries().containsKey(rel)) continue;
                if (isOurLink(rel, link.getValue())) {
                    Files.delete(safe.resolve(rel));
                    safe.pruneEmptyParents(rel);
                }
            }
            Map<String, String> made = new TreeMap<>();
            for (Map.Entry<String, String> link : wantLinks.entrySet()) {
                String rel = link.getKey();
                String target = link.getValue();
                Path p;
                try {
                    p = safe.resolve(rel);
                } catch (InvalidPathException ex) {
                    warnings.add("local ignored file " + target + " is not visible to stages: " + ex.getMessage());
                    continue;
                }
                String[] blocker = new String[1];
                if (!safe.makeParents(rel, (d, what) -> {
                    blocker[0] = d;
                    return false;
                })) {
                    warnings.add("local ignored file " + rel + " is not visible to stages: " + blocker[0]
                            + " is not a directory in the checkout");
                    continue;
                }
                PosixFileAttributes a = SafeTree.lstat(p);
                if (a == null) {
                    Files.createSymbolicLink(p, Path.of(target));
                    made.put(rel, target);
                } else if (a.isSymbolicLink() && Files.readSymbolicLink(p).toString().equals(target)) {
                    made.put(rel, target);
                } else if (a.isSymbolicLink() && Files.readSymbolicLink(p).toString().equals(old.links().get(rel))) {
                    Files.delete(p); // ours, from a workspace that has since moved
                    Files.createSymbolicLink(p, Path.of(target));
                    made.put(rel, target);
                } else {
                    warnings.add("local ignored file " + rel + " is not linked into the checkout: a stage left a "
                            + Materializer.describe(a) + " there, which is kept");
                }
            }
            return made;
        }

        private boolean isOurLink(String rel, String target) throws IOException {
            if (!safe.parentsAreDirs(rel)) return false;
            Path p = safe.resolve(rel);
            PosixFileAttributes a = SafeTree.lstat(p);
            return a != null && a.isSymbolicLink() && Files.readSymbolicLink(p).toString().equals(target);
        }
    }

    /** Java maps file names through the locale: under LANG=C a non-ASCII name cannot be written at all. */
    static String unrepresentable(String rel, InvalidPathException e) {
        return "not checked out: " + rel + " cannot be a file name here (" + e.getMessage()
                + "); run the engine with a UTF-8 locale, e.g. LANG=C.UTF-8";
    }

    /** Ignored local files to link: workspace path to absolute target, minus paths the tree itself has. */
    private Map<String, String> wantedLinks(Repository repo, TreeEntries.Tree tree, Warnings warnings) throws IOException {
        Set<String> excluded = excludedPaths();
        checkCheckoutIgnored(repo, warnings);
        Map<String, String> want = new TreeMap<>();
        for (Map.Entry<String, Path> f : IgnoredFiles.find(repo, workspace, excluded, warnings).entrySet()) {
            String rel = f.getKey();
            if (tree.entries().containsKey(rel) || tree.skipped().contains(rel) || hasTrackedParent(rel, tree)) continue;
            want.put(rel, f.getValue().toString());
        }
        return want;
    }

    private static boolean hasTrackedParent(String rel, TreeEntries.Tree tree) {
        for (int slash = rel.indexOf('/'); slash > 0; slash = rel.indexOf('/', slash + 1)) {
            String parent = rel.substring(0, slash);
            if (tree.entries().containsKey(parent) || tree.skipped().contains(parent)) return true;
        }
        return false;
    }

    /** Workspace-relative folders the link walk must not enter: the engine's own output and this checkout. */
    Set<String> excludedPaths() {
        Set<Path> homes = new LinkedHashSet<>();
        if (home != null) homes.add(home);
        homes.add(workspace);
        homes.add(workspace.resolve("ai"));
        Set<String> out = new TreeSet<>();
        for (Path h : homes) {
            for (String runtime : RUNTIME_DIRS) relative(h.resolve(runtime)).ifPresent(out::add);
        }
        relative(dir).ifPresent(out::add);
        relative(manifestFile()).ifPresent(out::add);
        return out;
    }

    private Optional<String> relative(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (!abs.startsWith(workspace) || abs.equals(workspace)) return Optional.empty();
        return Optional.of(workspace.relativize(abs).toString());
    }

    /** A checkout inside the workspace that git does not ignore would flood the user's {@code git status}. */
    private void checkCheckoutIgnored(Repository repo, Warnings warnings) throws IOException {
        // Once per engine process is enough for an advice; the check walks the ignore rules.
        if (ignoreChecked) return;
        ignoreChecked = true;
        Optional<String> rel = relative(dir);
        if (rel.isPresent() && !IgnoredFiles.isIgnored(repo, rel.get())) {
            warnings.add("the stage checkout " + rel.get() + " is not git-ignored in the workspace, so its files show up in"
                    + " `git status`; ignore the home's state/ folder in .gitignore");
        }
    }

    /**
     * What stages do not see: tracked files modified or staged relative to HEAD, and untracked
     * files that are not ignored, sorted; at most {@value #MAX_UNCOMMITTED} paths, then one
     * {@code "... and N more"} line. The engine's runtime folders are left out.
     */
    public static List<String> uncommittedChanges(Path workspace) throws IOException {
        Path ws = workspace.toAbsolutePath().normalize();
        Set<String> runtime = new TreeSet<>();
        for (String r : RUNTIME_DIRS) {
            runtime.add(r);
            runtime.add("ai/" + r);
        }
        try (Repository repo = CheckoutSource.open(ws)) {
            // The runtime folders grow with every attempt (logs, patches); they are never walked.
            IndexDiff status = new IndexDiff(repo, Constants.HEAD, new FileTreeIterator(repo));
            status.setFilter(new SkipPaths(runtime));
            status.setIgnoreSubmoduleMode(SubmoduleWalk.IgnoreSubmoduleMode.ALL);
            status.diff();
            Set<String> all = new TreeSet<>();
            all.addAll(status.getAdded());
            all.addAll(status.getChanged());
            all.addAll(status.getRemoved());
            all.addAll(status.getMissing());
            all.addAll(status.getModified());
            all.addAll(status.getConflicting());
            all.addAll(status.getUntracked());
            List<String> out = new ArrayList<>();
            int more = 0;
            for (String path : all) {
                if (IgnoredFiles.isExcluded(path, runtime)) continue;
                if (out.size() < MAX_UNCOMMITTED) out.add(path);
                else more++;
            }
            if (more > 0) out.add("... and " + more + " more");
            return List.copyOf(out);
        }
    }

    /**
     * Leaves out the given paths and everything under them (a left-out folder is never entered).
     * Not PathFilterGroup negated: that one ends the whole walk once it is past its last path.
     */
    private static final class SkipPaths extends TreeFilter {
        private final Set<String> paths;

        SkipPaths(Set<String> paths) {
            this.paths = Set.copyOf(paths);
        }

        @Override
        public boolean include(TreeWalk walker) {
            return !paths.contains(walker.getPathString());
        }

        @Override
        public boolean shouldBeRecursive() {
            return false;
        }

        @Override
        public TreeFilter clone() {
            return this;
        }
    }
}
