package dev.engine.watch;

import java.time.Duration;
import java.time.Instant;

/**
 * When watch converges a failing stage again: after {@code k} consecutive converges that did not
 * end green it waits interval × 2^k, at most 12 intervals or one hour (whichever is shorter, but
 * never less than one interval). The wait is counted in whole cycles, so the schedule does not
 * depend on how long the cycles themselves took, and is the same on a slow machine.
 *
 * @param failures consecutive converges of the stage that ended not green
 * @param delay the wait, interval × 2^failures capped
 * @param nextAttemptCycle the first cycle in which the stage is converged again
 * @param notBefore when that cycle is expected (failure time plus delay); for people, not for the decision
 * @param reason why the last converge ended not green
 */
public record Backoff(int failures, Duration delay, long nextAttemptCycle, Instant notBefore, String reason) {
    static final Duration MAX_DELAY = Duration.ofHours(1);
    static final int MAX_INTERVALS = 12;

    /** The longest wait for {@code interval}: min(1 h, 12 × interval), but at least one interval. */
    public static Duration cap(Duration interval) {
        if (interval.compareTo(MAX_DELAY) >= 0) {
            return interval;
        }
        Duration twelve = interval.multipliedBy(MAX_INTERVALS);
        return twelve.compareTo(MAX_DELAY) < 0 ? twelve : MAX_DELAY;
    }

    /** interval × 2^failures, capped; {@code failures} 0 is one interval. */
    public static Duration delay(Duration interval, int failures) {
        Duration cap = cap(interval);
        Duration d = interval;
        for (int i = 0; i < failures && d.compareTo(cap) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(cap) > 0 ? cap : d;
    }

    /** Whole cycles covering {@code delay}, at least one. */
    public static long cycles(Duration interval, Duration delay) {
        long n = delay.dividedBy(interval);
        if (interval.multipliedBy(n).compareTo(delay) < 0) {
            n++;
        }
        return Math.max(1, n);
    }

    /** The backoff after the {@code failures}-th consecutive failure, which happened in cycle {@code cycle}. */
    public static Backoff after(int failures, long cycle, Instant failedAt, Duration interval, String reason) {
        Duration d = delay(interval, failures);
        return new Backoff(failures, d, cycle + cycles(interval, d), failedAt.plus(d), reason);
    }

    /** Whether the stage may be converged in {@code cycle}. */
    public boolean due(long cycle) {
        return cycle >= nextAttemptCycle;
    }
}
