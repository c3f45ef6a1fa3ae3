package dev.engine.git;

import java.util.List;
import org.eclipse.jgit.lib.ObjectId;

/** What {@link AiBranch#reject} did. On {@link Conflict} nothing was changed. */
public sealed interface RejectResult {
    /** {@code rejectedSha} is gone from the AI branch, whose tip is now {@code newTip}. */
    record Rejected(String rejectedSha, ObjectId newTip, int replayed) implements RejectResult {}

    /** A later commit ({@code commitSha}) depends on the rejected one: replaying it conflicts in {@code paths}. */
    record Conflict(String commitSha, List<String> paths) implements RejectResult {
        public Conflict {
            paths = List.copyOf(paths);
        }
    }
}
