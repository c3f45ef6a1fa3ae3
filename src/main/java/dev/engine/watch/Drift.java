package dev.engine.watch;

import dev.engine.config.Durations;
import dev.engine.stage.CommandOutcome;
import java.time.Duration;
import java.util.Optional;

/** What re-running a green stage's success checks says about it. Decisions only; {@link SuccessChecks} runs them. */
public final class Drift {
    private Drift() {}

    /** The outcome of one verification of a green stage. */
    public sealed interface Verdict {
        /** Every check passed: the stage is still green. */
        record Holds() implements Verdict {}

        /**
         * A check failed: the stage drifted from green.
         *
         * @param exitCode the check's exit code; null when it timed out or could not start
         * @param log the home-relative log of the checks' output, once written
         */
        record Drifted(String check, Integer exitCode, String reason, String log) implements Verdict {
            Drifted withLog(String path) {
                return new Drifted(check, exitCode, reason, path);
            }
        }

        /** The engine is stopping; the checks say nothing about the stage. */
        record Interrupted() implements Verdict {}
    }

    /**
     * The verdict of one check's outcome, or empty when it passed and the next check decides.
     * The reason reads {@code drift: <check> exited N} (or timed out / could not be started).
     */
    public static Optional<Verdict> judge(String check, CommandOutcome o, Duration timeout) {
        if (o.interrupted()) {
            return Optional.of(new Verdict.Interrupted());
        }
        if (o.startError().isPresent()) {
            return Optional.of(new Verdict.Drifted(check, null, "drift: " + check + " could not be started: " + o.startError().get(), null));
        }
        if (o.timedOut()) {
            return Optional.of(new Verdict.Drifted(check, null, "drift: " + check + " timed out after " + Durations.format(timeout), null));
        }
        int exit = o.exitCode().orElse(-1);
        if (exit != 0) {
            return Optional.of(new Verdict.Drifted(check, exit, "drift: " + check + " exited " + exit, null));
        }
        return Optional.empty();
    }
}
