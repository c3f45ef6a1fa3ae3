package dev.engine.stage;

import java.time.Duration;
import java.util.Optional;

/**
 * How one command ended.
 *
 * @param exitCode empty when the command never started or was killed for a timeout or a stop request
 * @param startError why the command could not be started at all (empty when it started)
 * @param truncated whether its output reached the cap and was cut
 */
public record CommandOutcome(Optional<Integer> exitCode, boolean timedOut, boolean interrupted, Duration duration,
                             Optional<String> startError, boolean truncated) {
    public CommandOutcome(Optional<Integer> exitCode, boolean timedOut, boolean interrupted, Duration duration,
                          Optional<String> startError) {
        this(exitCode, timedOut, interrupted, duration, startError, false);
    }

    public boolean succeeded() {
        return exitCode.isPresent() && exitCode.get() == 0 && !timedOut && !interrupted;
    }
}
