package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration FIVE_MIN = Duration.ofMinutes(5);

    @Test
    void theDelayDoublesWithEachConsecutiveFailure() {
        assertThat(Backoff.delay(FIVE_MIN, 0)).isEqualTo(FIVE_MIN);
        assertThat(Backoff.delay(FIVE_MIN, 1)).isEqualTo(Duration.ofMinutes(10));
        assertThat(Backoff.delay(FIVE_MIN, 2)).isEqualTo(Duration.ofMinutes(20));
        assertThat(Backoff.delay(FIVE_MIN, 3)).isEqualTo(Duration.ofMinutes(40));
    }

    @Test
    void theDelayStopsAtTwelveIntervalsOrOneHourWhicheverIsShorter() {
        assertThat(Backoff.delay(FIVE_MIN, 4)).isEqualTo(Duration.ofHours(1));
        assertThat(Backoff.delay(FIVE_MIN, 1000)).isEqualTo(Duration.ofHours(1));
        // a short interval: 12 intervals come before the hour
        assertThat(Backoff.delay(Duration.ofMillis(10), 50)).isEqualTo(Duration.ofMillis(120));
        assertThat(Backoff.delay(Duration.ofSeconds(30), 10)).isEqualTo(Duration.ofMinutes(6));
        // the hour comes first for a 10-minute interval (12 x 10m = 2h)
        assertThat(Backoff.delay(Duration.ofMinutes(10), 10)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anIntervalLongerThanTheCapIsNeverShortenedNorOverflows() {
        assertThat(Backoff.delay(Duration.ofHours(2), 5)).isEqualTo(Duration.ofHours(2));
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE / 4);
        assertThat(Backoff.delay(huge, 3)).isEqualTo(huge);
        assertThat(Backoff.cycles(huge, huge)).isEqualTo(1);
    }

    @Test
    void theWaitIsCountedInWholeCyclesRoundedUp() {
        assertThat(Backoff.cycles(FIVE_MIN, Duration.ofMinutes(10))).isEqualTo(2);
        assertThat(Backoff.cycles(Duration.ofMinutes(7), Duration.ofHours(1))).isEqualTo(9); // 60/7 = 8.6
        assertThat(Backoff.cycles(FIVE_MIN, Duration.ofSeconds(1))).isEqualTo(1);
    }

    @Test
    void afterAFailureTheStageIsDueAgainOnlyFromTheComputedCycle() {
        Instant t = Instant.parse("2026-11-22T03:00:00Z");
        Backoff first = Backoff.after(1, 1, t, FIVE_MIN, "exit code 1");
        assertThat(first.nextAttemptCycle()).isEqualTo(3);
        assertThat(first.notBefore()).isEqualTo(t.plus(Duration.ofMinutes(10)));
        assertThat(first.due(2)).isFalse();
        assertThat(first.due(3)).isTrue();

        Backoff second = Backoff.after(2, 3, t, FIVE_MIN, "exit code 1");
        assertThat(second.nextAttemptCycle()).isEqualTo(7);
        Backoff capped = Backoff.after(9, 100, t, FIVE_MIN, "exit code 1");
        assertThat(capped.nextAttemptCycle()).isEqualTo(112);
        assertThat(capped.reason()).isEqualTo("exit code 1");
    }
}
