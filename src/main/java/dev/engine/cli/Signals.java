package dev.engine.cli;

import dev.engine.stage.Cancellation;
import java.io.PrintStream;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT become a cancellation request instead of killing the JVM, so the running
 * stage is stopped, state is written and the lock released before the engine exits 0 (DESIGN.md §3).
 * sun.misc.Signal is the JDK's only way to handle a signal without dying; it lives in the
 * supported jdk.unsupported module.
 */
final class Signals {
    private Signals() {}

    static void install(Cancellation cancellation, PrintStream err) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    err.println("\nengine: SIG" + name + " received; stopping cleanly");
                    cancellation.cancel("SIG" + name);
                });
            } catch (IllegalArgumentException e) {
                // signal not available on this platform (or reserved by the JVM): default handling stays
            }
        }
    }
}
