package dev.engine.it;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polling instead of sleeping: integration tests wait for an observable condition (a pid file, a
 * status in a state file) with a generous deadline, so a slow machine only makes them slower,
 * never red.
 */
final class Await {
    private static final Duration POLL = Duration.ofMillis(50);

    private Await() {}

    /** Waits until {@code condition} holds; fails with {@code what} and {@code context} when it never does. */
    static void until(Duration timeout, String what, java.util.function.BooleanSupplier condition, Supplier<String> context) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // a file half-way through being created, say; try again until the deadline
            }
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toSeconds() + "s waiting for " + what + "\n" + context.get());
            }
            sleep(POLL);
        }
    }

    static void until(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        until(timeout, what, condition, () -> "");
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
