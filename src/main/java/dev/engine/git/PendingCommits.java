package dev.engine.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Counts AI branch commits that a human has not merged into main yet (for {@code status}). */
public final class PendingCommits {
    private PendingCommits() {}

    /**
     * Engine commits (with Engine-* trailers) on {@code aiBranch} not reachable from main (or
     * master); empty when either branch is missing. A commit someone else put on the branch is not
     * waiting for review: {@code review list} reports it as an error instead.
     */
    public static Optional<Integer> count(Path workspace, String aiBranch) {
        try (Repository repo = new FileRepositoryBuilder().findGitDir(workspace.toFile()).setMustExist(true).build()) {
            ObjectId ai = repo.resolve("refs/heads/" + aiBranch);
            ObjectId main = Optional.ofNullable(repo.resolve("refs/heads/main")).orElse(repo.resolve("refs/heads/master"));
            if (ai == null || main == null) {
                return Optional.empty();
            }
            try (RevWalk walk = new RevWalk(repo)) {
                walk.markStart(walk.parseCommit(ai));
                walk.markUninteresting(walk.parseCommit(main));
                int n = 0;
                for (RevCommit c = walk.next(); c != null; c = walk.next()) {
                    if (CommitMessage.madeByEngine(c)) {
                        n++;
                    }
                }
                return Optional.of(n);
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
