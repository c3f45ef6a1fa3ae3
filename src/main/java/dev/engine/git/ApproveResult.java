package dev.engine.git;

import java.util.List;
import org.eclipse.jgit.lib.ObjectId;

/** What {@link AiBranch#approve} did. On {@link Conflict} nothing was changed. */
public sealed interface ApproveResult {
    /** Main now contains {@code approved} more AI commits; {@code fastForward} when no merge commit was needed. */
    record Merged(ObjectId newMain, int approved, boolean fastForward) implements ApproveResult {}

    /** Merging into main would conflict in {@code paths}; resolve by hand (git merge) or sync first. */
    record Conflict(List<String> paths) implements ApproveResult {
        public Conflict {
            paths = List.copyOf(paths);
        }
    }
}
