package dev.engine.app;

import dev.engine.stage.Cancellation;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * What the engine takes from the process it runs in, passed in rather than read from globals so
 * tests can run it with their own environment, streams and clock.
 *
 * @param env the environment, API keys included (they never reach a child: see Wiring#stageEnv)
 * @param interactive whether to draw the progress line on {@code err}
 * @param verbose copy stage output to the terminal
 */
public record Io(Map<String, String> env, PrintStream out, PrintStream err, Clock clock, Cancellation cancellation,
                 boolean interactive, boolean verbose) {
    public Io {
        env = Map.copyOf(env);
    }
}
