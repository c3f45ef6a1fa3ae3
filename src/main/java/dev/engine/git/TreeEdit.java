package dev.engine.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Applies a checked patch's file contents to a commit's tree, in memory: an in-core DirCache read
 * from the tree, never the repository's index, so the user's staging area cannot be touched.
 */
final class TreeEdit {
    private TreeEdit() {}

    /** The id of the new tree; blobs and trees are inserted but the inserter is not flushed. */
    static ObjectId apply(Repository repo, ObjectInserter inserter, RevTree base, Map<String, Optional<String>> changes)
            throws IOException {
        if (changes.isEmpty()) throw new AiBranchException("the patch changes no files; nothing to commit");
        try (ObjectReader reader = repo.newObjectReader()) {
            DirCache index = DirCache.read(reader, base);
            DirCacheEditor editor = index.editor();
            for (Map.Entry<String, Optional<String>> change : changes.entrySet()) {
                String path = change.getKey();
                check(reader, base, path, change.getValue().isPresent());
                if (change.getValue().isEmpty()) {
                    editor.add(new DirCacheEditor.DeletePath(path));
                } else {
                    ObjectId blob = inserter.insert(Constants.OBJ_BLOB, change.getValue().get().getBytes(StandardCharsets.UTF_8));
                    editor.add(new DirCacheEditor.PathEdit(path) {
                        @Override
                        public void apply(DirCacheEntry ent) {
                            // An existing entry keeps its mode (an executable script stays 100755).
                            if (ent.getRawMode() == 0) ent.setFileMode(FileMode.REGULAR_FILE);
                            ent.setObjectId(blob);
                        }
                    });
                }
            }
            editor.finish();
            return index.writeTree(inserter);
        }
    }

    /**
     * Refuses what a DirCache edit would do silently and wrongly: replace a directory or a parent
     * file, write through a symlink or submodule, or "delete" a file that is not there.
     */
    private static void check(ObjectReader reader, RevTree base, String path, boolean write) throws IOException {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("//") || path.indexOf('\0') >= 0
                || path.indexOf('\\') >= 0) {
            throw new AiBranchException("invalid path '" + path + "': paths are workspace-relative and use '/'");
        }
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..") || segment.equalsIgnoreCase(Constants.DOT_GIT)) {
                throw new AiBranchException("invalid path '" + path + "': no '.', '..' or '.git' segments");
            }
        }
        FileMode mode = mode(reader, base, path);
        if (mode == null) {
            if (!write) throw new AiBranchException("cannot delete " + path + ": it does not exist in the base commit");
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                FileMode parent = mode(reader, base, path.substring(0, slash));
                if (parent != null && parent != FileMode.TREE) {
                    throw new AiBranchException("cannot write " + path + ": " + path.substring(0, slash) + " is not a directory");
                }
            }
        } else if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
            String what = mode == FileMode.TREE ? "a directory" : mode == FileMode.SYMLINK ? "a symlink" : "a submodule";
            throw new AiBranchException("cannot " + (write ? "write " : "delete ") + path + ": it is " + what);
        }
    }

    private static FileMode mode(ObjectReader reader, RevTree base, String path) throws IOException {
        try (TreeWalk walk = TreeWalk.forPath(reader, path, base)) {
            return walk == null ? null : walk.getFileMode(0);
        }
    }
}
