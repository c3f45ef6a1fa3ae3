package dev.engine.cli;

import dev.engine.stage.Cancellation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Everything the CLI takes from its surroundings, passed in rather than read from globals so tests
 * can run the real commands in-process with their own environment and streams.
 *
 * @param interactive stdout is a terminal (progress line is drawn)
 * @param signals install SIGTERM/SIGINT handlers (only the real process does)
 */
public record CliContext(Map<String, String> env, Path cwd, PrintStream out, PrintStream err, Clock clock,
                         boolean interactive, boolean signals, Cancellation cancellation) {
    public CliContext {
        env = Map.copyOf(env);
    }

    /** The same context printing to other streams. */
    public CliContext withStreams(PrintStream newOut, PrintStream newErr) {
        return new CliContext(env, cwd, newOut, newErr, clock, interactive, signals, cancellation);
    }

    public static CliContext forTest(Map<String, String> env, Path cwd, PrintStream out, PrintStream err) {
        return new CliContext(env, cwd, out, err, Clock.systemUTC(), false, false, new Cancellation());
    }
}
