package dev.engine.stage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How one command ended.
 *
 * @param exitCode empty when the command never started or was killed for a timeout or a stop request
 * @param startError why the command could not be started at all (empty when it started)
 * @param truncated whether its output reached the cap and was cut
 * @param segmentExits the exit status of each pipeline segment (-1 for one that was stopped), for
 *                     the note a shell would not give: an earlier segment that failed
 */
public record CommandOutcome(Optional<Integer> exitCode, boolean timedOut, boolean interrupted, Duration duration,
                             Optional<String> startError, boolean truncated, List<Integer> segmentExits) {
    public CommandOutcome {
        segmentExits = List.copyOf(segmentExits);
    }

    public CommandOutcome(Optional<Integer> exitCode, boolean timedOut, boolean interrupted, Duration duration,
                          Optional<String> startError) {
        this(exitCode, timedOut, interrupted, duration, startError, false, List.of());
    }

    public boolean succeeded() {
        return exitCode.isPresent() && exitCode.get() == 0 && !timedOut && !interrupted;
    }
}
