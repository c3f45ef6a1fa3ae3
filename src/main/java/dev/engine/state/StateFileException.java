package dev.engine.state;

import java.io.IOException;
import java.nio.file.Path;

/** A state file exists but cannot be understood; the message names the file and what is wrong. */
public final class StateFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public StateFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem + " (fix or move the file away; the engine never overwrites state it cannot read)", cause);
    }
}
