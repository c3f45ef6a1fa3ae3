package dev.engine.patch;

import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A {@link TreeView} over a committed git tree, so a patch is checked against exactly the revision
 * it will be committed on top of, whatever is in the working directory. Submodules (gitlinks) are
 * reported as symlinks: like a symlink, writing "through" one lands outside this repository.
 */
public final class GitTreeView implements TreeView {
    private final Repository repo;
    private final RevTree tree;

    /** @param treeish a commit or tree id, e.g. {@code repo.resolve("HEAD")} */
    public GitTreeView(Repository repo, ObjectId treeish) throws IOException {
        this.repo = repo;
        try (RevWalk walk = new RevWalk(repo)) {
            this.tree = walk.parseTree(treeish);
        }
    }

    @Override
    public Optional<String> read(String path) throws IOException {
        Optional<FileMode> mode = mode(path);
        if (mode.isEmpty() || !isRegular(mode.get())) return Optional.empty();
        try (TreeWalk walk = TreeWalk.forPath(repo, path, tree)) {
            byte[] bytes = repo.open(walk.getObjectId(0)).getBytes();
            return Optional.of(StrictUtf8.decode(path, bytes));
        }
    }

    @Override
    public boolean exists(String path) {
        return mode(path).isPresent();
    }

    @Override
    public boolean isSymlink(String path) {
        return mode(path).map(m -> m == FileMode.SYMLINK || m == FileMode.GITLINK).orElse(false);
    }

    @Override
    public boolean isDirectory(String path) {
        return mode(path).map(m -> m == FileMode.TREE).orElse(false);
    }

    @Override
    public Set<String> topLevelEntries() {
        return list("");
    }

    @Override
    public Set<String> list(String dir) {
        if (!dir.isEmpty() && !isDirectory(dir)) return Set.of();
        Set<String> names = new HashSet<>();
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            if (dir.isEmpty()) {
                walk.addTree(tree);
            } else {
                try (TreeWalk at = TreeWalk.forPath(reader, dir, tree)) {
                    walk.addTree(at.getObjectId(0));
                }
            }
            walk.setRecursive(false);
            while (walk.next()) names.add(walk.getNameString());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
        return Set.copyOf(names);
    }

    private static boolean isRegular(FileMode m) {
        return m == FileMode.REGULAR_FILE || m == FileMode.EXECUTABLE_FILE;
    }

    private Optional<FileMode> mode(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("//")
                || path.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        try (TreeWalk walk = TreeWalk.forPath(repo, path, tree)) {
            return walk == null ? Optional.empty() : Optional.of(walk.getFileMode(0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or malformed: treat as absent, the checker refuses such paths anyway
        }
    }
}
