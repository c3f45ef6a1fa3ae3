package dev.engine.stage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of one attempt at a stage.
 *
 * @param exitCode the stage command's exit code, when it ran to an end
 * @param detail a human-readable reason for anything but PASSED (the failed check, the timeout...)
 */
public record StageResult(Outcome outcome, Optional<Integer> exitCode, Duration duration, Path log, String detail) {
    public enum Outcome {
        PASSED,
        FAILED,
        TIMED_OUT,
        CHECK_FAILED,
        /** The engine was asked to stop (signal) while the stage ran; says nothing about the stage. */
        INTERRUPTED,
        /** The command could not even be started (e.g. the working directory vanished). */
        NOT_STARTED
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }
}
