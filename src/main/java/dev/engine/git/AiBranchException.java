package dev.engine.git;

import java.io.IOException;

/** A refused AI-branch operation; the message says what to do next. Nothing was changed. */
public class AiBranchException extends IOException {
    public AiBranchException(String message) {
        super(message);
    }

    public AiBranchException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A ref moved between reading it and updating it (another engine run, or a human). Kept
     * distinct so a caller can re-read and retry instead of treating it as a broken repository.
     */
    public static final class RefMoved extends AiBranchException {
        public RefMoved(String message) {
            super(message);
        }
    }
}
