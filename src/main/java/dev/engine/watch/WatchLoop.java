package dev.engine.watch;

import dev.engine.audit.AuditLog;
import dev.engine.audit.Event;
import dev.engine.config.Durations;
import dev.engine.config.StageSpec;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.reconcile.StageLifecycle;
import dev.engine.stage.Cancellation;
import dev.engine.state.StageInfo;
import dev.engine.state.StageStatus;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The cycles of {@code engine watch}. Each cycle re-reads stage_status.json and walks the stages
 * in dependency order:
 * <ul>
 *   <li>a stage whose dependency is not green this cycle is held back;</li>
 *   <li>give_up stages are skipped (and hold back their dependents) until their status changes;</li>
 *   <li>green stages get their success checks re-run; a failing check is drift: the stage is made
 *       failed, audited, notified, and converged right away;</li>
 *   <li>other stages are converged, unless a failing one is backing off ({@link Backoff}).</li>
 * </ul>
 * Between cycles the loop sleeps one interval, woken at once by a stop request. Everything kept
 * across cycles is bounded by the number of stages.
 */
public final class WatchLoop {

    /** Converges one stage as {@code engine run} does. */
    @FunctionalInterface
    public interface Converger {
        ConvergenceLoop.Report converge(StageSpec stage) throws IOException;
    }

    /** Re-runs a green stage's success checks. */
    @FunctionalInterface
    public interface Checks {
        Drift.Verdict verify(StageSpec stage) throws IOException;
    }

    /** Something that may fail with an I/O error, e.g. bringing the AI branch up to main. */
    @FunctionalInterface
    public interface Step {
        void run() throws IOException;
    }

    /**
     * What the watch loop drives; made with {@link #builder()}.
     *
     * @param order the stages in dependency order
     * @param beforeConverging run once in a cycle before its first converge (not in cycles that only verify)
     * @param pendingAiCommits AI branch commits waiting for review; empty when there is no AI branch
     * @param host this machine's name, for notifications
     */
    public record Parts(List<StageSpec> order, StateStore state, AuditLog audit, Converger converger, Checks checks,
                        Step beforeConverging, Supplier<Optional<Integer>> pendingAiCommits, Notifier notifier,
                        WatchMetrics metrics, Clock clock, Cancellation cancellation, PrintStream out, PrintStream err,
                        String host) {

        public static Builder builder() {
            return new Builder();
        }

        /** Every part is required except {@code beforeConverging}, {@code pendingAiCommits} and {@code notifier}. */
        public static final class Builder {
            private List<StageSpec> order;
            private StateStore state;
            private AuditLog audit;
            private Converger converger;
            private Checks checks;
            private Step beforeConverging = () -> { };
            private Supplier<Optional<Integer>> pendingAiCommits = Optional::empty;
            private Notifier notifier = Notifier.NONE;
            private WatchMetrics metrics;
            private Clock clock;
            private Cancellation cancellation;
            private PrintStream out;
            private PrintStream err;
            private String host;

            private Builder() {}

            /** The stages in dependency order. */
            public Builder order(List<StageSpec> order) {
                this.order = order;
                return this;
            }

            public Builder state(StateStore state) {
                this.state = state;
                return this;
            }

            public Builder audit(AuditLog audit) {
                this.audit = audit;
                return this;
            }

            public Builder converger(Converger converger) {
                this.converger = converger;
                return this;
            }

            public Builder checks(Checks checks) {
                this.checks = checks;
                return this;
            }

            /** Default: nothing. */
            public Builder beforeConverging(Step beforeConverging) {
                this.beforeConverging = beforeConverging;
                return this;
            }

            /** Default: always empty (no AI branch). */
            public Builder pendingAiCommits(Supplier<Optional<Integer>> pendingAiCommits) {
                this.pendingAiCommits = pendingAiCommits;
                return this;
            }

            /** Default: {@link Notifier#NONE}. */
            public Builder notifier(Notifier notifier) {
                this.notifier = notifier;
                return this;
            }

            public Builder metrics(WatchMetrics metrics) {
                this.metrics = metrics;
                return this;
            }

            public Builder clock(Clock clock) {
                this.clock = clock;
                return this;
            }

            public Builder cancellation(Cancellation cancellation) {
                this.cancellation = cancellation;
                return this;
            }

            public Builder out(PrintStream out) {
                this.out = out;
                return this;
            }

            public Builder err(PrintStream err) {
                this.err = err;
                return this;
            }

            public Builder host(String host) {
                this.host = host;
                return this;
            }

            public Parts build() {
                return new Parts(required(order, "order"), required(state, "state"), required(audit, "audit"),
                        required(converger, "converger"), required(checks, "checks"),
                        required(beforeConverging, "beforeConverging"), required(pendingAiCommits, "pendingAiCommits"),
                        required(notifier, "notifier"), required(metrics, "metrics"), required(clock, "clock"),
                        required(cancellation, "cancellation"), required(out, "out"), required(err, "err"),
                        required(host, "host"));
            }

            private static <T> T required(T part, String name) {
                if (part == null) {
                    throw new IllegalStateException("WatchLoop.Parts: " + name + " is required");
                }
                return part;
            }
        }
    }

    /** @param maxCycles stop after this many cycles; 0 runs until stopped */
    public record Options(Duration interval, long maxCycles) {}

    /** How the loop ended. */
    public record Outcome(long cycles, boolean stoppedBySignal, boolean allGreen) {}

    private final Parts p;
    private final Options options;
    private final Instant startedAt;
    private final List<String> unverifiable;
    private final Map<String, Backoff> backoff = new LinkedHashMap<>();
    private final Set<String> announcedGiveUp = new HashSet<>();
    /** Stage and reason of each wait for review already notified, so a webhook hears of it once. */
    private final Set<String> announcedAwaiting = new HashSet<>();
    private final ActionQueue actions;
    private Map<String, String> heldBack = Map.of();
    private int pendingAiCommits;
    private long cycles;
    private String lastCycleFinishedAt;
    private volatile WatchView view;

    public WatchLoop(Parts parts, Options options) {
        this(parts, options, new ActionQueue());
    }

    /** @param actions human actions handed in by the CLI or the console, performed between stages */
    public WatchLoop(Parts parts, Options options, ActionQueue actions) {
        this.p = parts;
        this.actions = actions;
        this.options = options;
        this.startedAt = parts.clock().instant();
        this.unverifiable = parts.order().stream().filter(s -> s.successChecks().isEmpty()).map(StageSpec::name).toList();
        publish(false, null, null);
    }

    /** Stages without success_checks, whose drift cannot be seen. */
    public List<String> unverifiable() {
        return unverifiable;
    }

    /** The latest state of the loop, for /api/status; safe from any thread. */
    public WatchView view() {
        return view;
    }

    public Outcome run() {
        pendingAiCommits = p.pendingAiCommits().get().orElse(0);
        try (AutoCloseable wake = p.cancellation().onCancel(actions::wake)) {
            while (!p.cancellation().isCancelled() && (options.maxCycles() == 0 || cycles < options.maxCycles())) {
                cycles++;
                publish(true, null, null);
                try {
                    cycle(cycles);
                } catch (IOException | RuntimeException e) {
                    // A daemon outlives a bad moment (a state file edited by hand, a full disk):
                    // the error is reported and the next cycle tries again.
                    p.err().println("engine watch: cycle " + cycles + " failed: " + e.getMessage() + "; trying again next cycle");
                    auditQuietly(null, Event.WATCH_ERROR, Map.of("cycle", cycles, "error", String.valueOf(e.getMessage())));
                }
                p.metrics().cycleFinished();
                lastCycleFinishedAt = p.clock().instant().toString();
                if (p.cancellation().isCancelled() || (options.maxCycles() != 0 && cycles >= options.maxCycles())) {
                    publish(false, null, null);
                    break;
                }
                publish(false, null, p.clock().instant().plus(options.interval()).toString());
                // Asleep, watch takes handed-in actions at once; one that ran starts the next cycle now.
                actions.sleep(options.interval(), p.cancellation()::isCancelled);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // only closing the wake-up hook declares Exception
        }
        return new Outcome(cycles, p.cancellation().isCancelled(), allGreen());
    }

    private boolean allGreen() {
        try {
            Map<String, StageStatus> statuses = p.state().statuses();
            return p.order().stream().allMatch(s -> statuses.getOrDefault(s.name(), StageStatus.IDLE) == StageStatus.GREEN);
        } catch (IOException e) {
            return false; // the cycles already reported why the state cannot be read
        }
    }

    /** One pass over the stages. Package-private so tests can drive cycles one at a time. */
    void cycle(long n) throws IOException {
        Map<String, StageStatus> statuses = p.state().statuses();
        Set<String> notGreen = new HashSet<>();
        Map<String, String> held = new LinkedHashMap<>();
        boolean prepared = false;
        try {
            for (int i = 0; i < p.order().size(); i++) {
                if (p.cancellation().isCancelled()) {
                    return;
                }
                if (actions.runPending() > 0) {
                    // A reset, approve or reject just ran: what it changed counts from this stage on,
                    // and the AI branch is brought up to a main an approval moved before the next converge.
                    statuses = p.state().statuses();
                    prepared = false;
                }
                StageSpec stage = p.order().get(i);
                String name = stage.name();
                Optional<String> waitsFor = Dependencies.blockedBy(p.order(), i, notGreen);
                if (waitsFor.isPresent()) {
                    notGreen.add(name);
                    held.put(name, "waits for " + waitsFor.get() + ", which is not green");
                    continue;
                }
                try {
                    StageStatus status = statuses.getOrDefault(name, StageStatus.IDLE);
                    if (status == StageStatus.GIVE_UP) {
                        giveUpSkipped(name);
                        notGreen.add(name);
                        held.put(name, "give_up: skipped until `engine reset " + name + "` or the console's Reset");
                        continue;
                    }
                    announcedGiveUp.remove(name);
                    if (status != StageStatus.AWAITING_REVIEW) {
                        announcedAwaiting.removeIf(a -> a.startsWith(name + " "));
                    }
                    if (status == StageStatus.GREEN) {
                        backoff.remove(name);
                        if (stage.successChecks().isEmpty()) {
                            continue;
                        }
                        publish(true, name, null);
                        Drift.Verdict v = p.checks().verify(stage);
                        if (v instanceof Drift.Verdict.Interrupted) {
                            return;
                        }
                        if (v instanceof Drift.Verdict.Holds) {
                            continue;
                        }
                        drifted(name, (Drift.Verdict.Drifted) v);
                    } else if (status == StageStatus.IDLE && backoff.remove(name) != null) {
                        // Only a human puts a failed stage back to idle while watch holds the lock (an
                        // edit of stage_status.json): a fresh start, so the backoff goes with it.
                        p.out().println(name + ": idle again (reset by hand); backoff cleared");
                    }
                    Backoff b = backoff.get(name);
                    if (b != null && !b.due(n)) {
                        notGreen.add(name);
                        held.put(name, "backing off after " + b.failures() + " failure(s); next attempt in cycle " + b.nextAttemptCycle());
                        continue;
                    }
                    if (!prepared) {
                        p.beforeConverging().run();
                        prepared = true;
                    }
                    publish(true, name, null);
                    ConvergenceLoop.Report r = p.converger().converge(stage);
                    if (!r.green()) {
                        notGreen.add(name);
                    }
                    converged(name, r, n);
                    reviewPending(name);
                } catch (IOException | RuntimeException e) {
                    // One stage's trouble (a damaged checkout, an unreadable file) is its own: it
                    // counts as not green, so what depends on it waits, and the cycle goes on.
                    notGreen.add(name);
                    p.err().println("engine watch: " + name + ": " + e.getMessage() + "; the other stages go on, " + name
                            + " is tried again next cycle");
                    auditQuietly(name, Event.WATCH_ERROR, Map.of("cycle", n, "error", String.valueOf(e.getMessage())));
                }
            }
        } finally {
            heldBack = held;
        }
    }

    private void giveUpSkipped(String name) throws IOException {
        backoff.remove(name);
        if (announcedGiveUp.add(name)) {
            StageInfo info = p.state().info(name);
            p.out().println(name + ": give_up" + (info.reason() == null ? "" : " (" + info.reason() + ")")
                    + "; skipped until reset: `engine reset " + name + "` (watch does it between stages) or the console's Reset");
        }
    }

    private void drifted(String name, Drift.Verdict.Drifted d) throws IOException {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("check", d.check());
        details.put("exit_code", d.exitCode());
        details.put("reason", d.reason());
        details.put("log", d.log());
        new StageLifecycle(p.state(), p.audit()).drifted(name, details, d.reason());
        p.metrics().drift(name);
        p.out().println(name + ": " + d.reason() + "; converging it again (log " + d.log() + ")");
        notify(Notification.DRIFT, name, d.reason());
    }

    private void converged(String name, ConvergenceLoop.Report r, long n) throws IOException {
        if (r.green()) {
            if (backoff.remove(name) != null) {
                p.out().println(name + ": green again; backoff cleared");
            }
        } else if (r.status() == StageStatus.GIVE_UP) {
            backoff.remove(name);
            announcedGiveUp.add(name);
            notify(Notification.GIVE_UP, name, r.reason());
        } else if (r.status() == StageStatus.AWAITING_REVIEW) {
            // Nothing to back off from: the stage waits for a human, and each cycle only checks
            // whether the commit it waits on was approved or rejected. Said once per wait.
            backoff.remove(name);
            if (announcedAwaiting.add(name + " " + r.reason())) {
                notify(Notification.AWAITING_REVIEW, name, r.reason());
            }
        } else if (!p.cancellation().isCancelled()) {
            Backoff before = backoff.get(name);
            Backoff next = Backoff.after(before == null ? 1 : before.failures() + 1, n, p.clock().instant(), options.interval(), r.reason());
            backoff.put(name, next);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("failures", next.failures());
            details.put("delay_ms", next.delay().toMillis());
            details.put("next_attempt_cycle", next.nextAttemptCycle());
            details.put("reason", r.reason());
            p.audit().append(name, Event.BACKOFF, details);
            p.out().println(name + ": " + r.status().wire() + " " + next.failures() + " time(s) in a row; next attempt in "
                    + Durations.format(next.delay()) + " (cycle " + next.nextAttemptCycle() + ")");
        }
    }

    /** New AI commits can only appear while a stage converges, so this is asked after each converge. */
    private void reviewPending(String stage) {
        int now = p.pendingAiCommits().get().orElse(0);
        if (now > pendingAiCommits) {
            int added = now - pendingAiCommits;
            notify(Notification.REVIEW_PENDING, stage, added + " new AI commit(s) wait for review (" + now
                    + " pending); see `engine review`");
        }
        pendingAiCommits = now;
    }

    private void notify(String event, String stage, String reason) {
        p.notifier().send(new Notification(event, stage, reason, p.clock().instant().toString(), p.host()));
    }

    private void auditQuietly(String stage, Event event, Map<String, Object> details) {
        try {
            p.audit().append(stage, event, details);
        } catch (IOException | RuntimeException e) {
            p.err().println("engine watch: could not write the audit trail: " + e.getMessage());
        }
    }

    private void publish(boolean running, String stage, String nextCycleAt) {
        Map<String, WatchView.BackoffView> b = new LinkedHashMap<>();
        backoff.forEach((k, v) -> b.put(k, WatchView.BackoffView.of(v)));
        view = new WatchView(Durations.format(options.interval()), options.interval().toMillis(), startedAt.toString(), cycles,
                running, stage, lastCycleFinishedAt, nextCycleAt, unverifiable, b, heldBack, p.notifier().stats());
    }

    /** The stages that are held back now; for tests. */
    Set<String> heldBack() {
        return new LinkedHashSet<>(heldBack.keySet());
    }

    /** The backoff of a stage, if it is backing off; for tests. */
    Optional<Backoff> backoff(String stage) {
        return Optional.ofNullable(backoff.get(stage));
    }
}
