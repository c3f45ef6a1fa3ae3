package dev.engine.patch;

import java.util.Objects;

/** The result of applying one file's patch to its text. */
public sealed interface ApplyResult {
    /** The file's new content. */
    record Applied(String newText) implements ApplyResult {
        public Applied { Objects.requireNonNull(newText, "newText"); }
    }

    /** The file is to be removed (its content matched the deletion exactly). */
    record Deleted() implements ApplyResult {}

    /** Nothing may be produced; {@code reason} names the hunk and what went wrong. */
    record Refused(String reason) implements ApplyResult {
        public Refused { Objects.requireNonNull(reason, "reason"); }
    }
}
