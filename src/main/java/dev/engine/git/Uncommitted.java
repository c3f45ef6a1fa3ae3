package dev.engine.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.IndexDiff;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.submodule.SubmoduleWalk;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** The user's edits that stages do not see, because stages run from committed content. */
public final class Uncommitted {
    static final int MAX_UNCOMMITTED = 50;

    private Uncommitted() {}

    /**
     * What stages do not see: tracked files modified or staged relative to HEAD, and untracked
     * files that are not ignored, sorted; at most {@value #MAX_UNCOMMITTED} paths, then one
     * {@code "... and N more"} line. The engine's runtime folders are left out.
     */
    public static List<String> of(Path workspace) throws IOException {
        Path ws = workspace.toAbsolutePath().normalize();
        Set<String> runtime = new TreeSet<>();
        for (String r : StageClone.RUNTIME_DIRS) {
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
