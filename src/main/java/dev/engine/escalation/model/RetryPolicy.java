package dev.engine.escalation.model;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How transport retries wait: exponential backoff with jitter, or what the server asks for in
 * {@code Retry-After}/{@code Retry-After-Ms}, capped so a hostile or confused server cannot park
 * the engine for hours. Package-private so tests can record the waits instead of sleeping.
 */
record RetryPolicy(Duration backoffBase, Duration backoffCap, Duration retryAfterCap, Pause pause) {

    static final RetryPolicy DEFAULT =
            new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60), RetryPolicy::sleep);

    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    /** Wait before retry number {@code retry} (1 for the first retry) when the server gave no hint. */
    Duration backoff(int retry) {
        double factor = Math.pow(2, Math.max(0, retry - 1));
        double millis = Math.min(backoffBase.toMillis() * factor, backoffCap.toMillis());
        // Up to a quarter less, so clients that failed together do not come back together.
        double jitter = 1.0 - 0.25 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (millis * jitter));
    }

    Duration capRetryAfter(Duration requested) {
        if (requested.isNegative()) {
            return Duration.ZERO;
        }
        return requested.compareTo(retryAfterCap) > 0 ? retryAfterCap : requested;
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
