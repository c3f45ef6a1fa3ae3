package dev.engine.watch;

import dev.engine.config.Durations;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code watch} object of /api/status: what the loop is doing and plans to do. Immutable; the
 * loop publishes a new one whenever something changes, and the HTTP thread reads the latest.
 *
 * @param cycles cycles started so far (the current one included while it runs)
 * @param currentStage the stage being verified or converged; null between cycles
 * @param nextCycleAt when the next cycle starts; null while a cycle runs
 * @param unverifiable stages without success_checks: a green one is never re-checked
 * @param backoff failing stages and when they are converged again
 * @param heldBack stages left alone in the last cycle and why (a dependency not green, give_up, backoff)
 */
public record WatchView(String interval, long intervalMs, String startedAt, long cycles, boolean cycleRunning,
                        String currentStage, String lastCycleFinishedAt, String nextCycleAt, List<String> unverifiable,
                        Map<String, BackoffView> backoff, Map<String, String> heldBack, Notifier.Stats notifications) {

    public WatchView {
        unverifiable = List.copyOf(unverifiable);
        backoff = Collections.unmodifiableMap(new LinkedHashMap<>(backoff));
        heldBack = Collections.unmodifiableMap(new LinkedHashMap<>(heldBack));
    }

    /** A {@link Backoff} as JSON wants it (no java.time types in the engine's JSON dialect). */
    public record BackoffView(int failures, long delayMs, String delay, long nextAttemptCycle, String notBefore, String reason) {
        static BackoffView of(Backoff b) {
            return new BackoffView(b.failures(), b.delay().toMillis(), Durations.format(b.delay()),
                    b.nextAttemptCycle(), b.notBefore().toString(), b.reason());
        }
    }
}
