package dev.engine.state;

import java.nio.file.Path;

/** Another engine owns this home. Exit code 3. */
public final class LockHeldException extends Exception {
    private static final long serialVersionUID = 1L;

    public LockHeldException(Path lockFile, String holder) {
        super("another engine holds " + lockFile + (holder.isBlank() ? "" : " (" + holder.strip() + ")")
                + "; wait for it to finish or stop it, then try again");
    }
}
