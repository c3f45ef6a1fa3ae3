package dev.engine.git;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.merge.ThreeWayMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Cherry-picks commits onto a new parent purely in objects (an in-core merger: no index, no
 * working tree), as {@code git rebase} would. The caller moves a ref only if every pick was clean,
 * so a conflict leaves nothing behind but unreferenced objects.
 */
final class Replay {
    private Replay() {}

    sealed interface Outcome {}

    /** The new tip and how many commits were kept; a pick that changes nothing (main already has it) is dropped. */
    record Done(ObjectId tip, int kept) implements Outcome {}

    record Conflict(String commitSha, List<String> paths) implements Outcome {}

    static Outcome onto(Repository repo, ObjectId newBase, List<RevCommit> commits, PersonIdent committer) throws IOException {
        ObjectId current = newBase;
        int kept = 0;
        try (RevWalk walk = new RevWalk(repo); ObjectInserter inserter = repo.newObjectInserter()) {
            for (RevCommit commit : commits) {
                if (commit.getParentCount() != 1) {
                    throw new AiBranchException("commit " + commit.abbreviate(7).name() + " on the AI branch is a merge or root commit;"
                            + " the engine only replays plain commits, rebase the branch by hand");
                }
                ThreeWayMerger merger = (ThreeWayMerger) MergeStrategy.RECURSIVE.newMerger(repo, true);
                // The commit's own parent as base turns the merge into "apply this commit's change".
                merger.setBase(commit.getParent(0));
                if (!merger.merge(current, commit)) {
                    return new Conflict(commit.name(), conflictPaths(merger));
                }
                ObjectId tree = merger.getResultTreeId();
                RevCommit parent = walk.parseCommit(current);
                if (tree.equals(parent.getTree())) continue;
                CommitBuilder cb = new CommitBuilder();
                cb.setTreeId(tree);
                cb.setParentId(current);
                cb.setAuthor(commit.getAuthorIdent());
                cb.setCommitter(committer);
                cb.setMessage(commit.getFullMessage());
                current = inserter.insert(cb);
                // The next merger reads through its own reader; it must see this commit.
                inserter.flush();
                kept++;
            }
        }
        return new Done(current, kept);
    }

    static List<String> conflictPaths(ThreeWayMerger merger) {
        Set<String> paths = new LinkedHashSet<>();
        if (merger instanceof ResolveMerger resolve) {
            paths.addAll(resolve.getUnmergedPaths());
            if (resolve.getFailingPaths() != null) paths.addAll(resolve.getFailingPaths().keySet());
        }
        return List.copyOf(paths);
    }
}
