package dev.engine.git;

import java.util.List;
import org.eclipse.jgit.lib.ObjectId;

/** What {@link AiBranch#syncWithMain()} did. On {@link Conflict} nothing was changed. */
public sealed interface SyncResult {
    /** Main has not moved past the AI branch (or there is no AI branch yet). */
    record UpToDate() implements SyncResult {}

    /** No pending commits: the AI branch was moved to main's tip. */
    record Followed(ObjectId newTip) implements SyncResult {}

    /** {@code count} pending commits were replayed onto main; commits main already had were dropped. */
    record Rebased(ObjectId newTip, int count) implements SyncResult {}

    /** Replaying {@code commitSha} onto main conflicts in {@code paths}; the AI branch is unchanged. */
    record Conflict(String commitSha, List<String> paths) implements SyncResult {
        public Conflict {
            paths = List.copyOf(paths);
        }
    }
}
