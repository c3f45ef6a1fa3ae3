package dev.engine.reconcile;

import dev.engine.audit.AuditLog;
import dev.engine.audit.Event;
import dev.engine.config.Durations;
import dev.engine.config.StageSpec;
import dev.engine.escalation.CaseThread;
import dev.engine.escalation.EscalationOutcome;
import dev.engine.escalation.EscalationRequest;
import dev.engine.escalation.Escalator;
import dev.engine.executor.Executor;
import dev.engine.executor.ExecutorOutcome;
import dev.engine.executor.ExecutorRequest;
import dev.engine.fingerprint.Fingerprinter;
import dev.engine.reconcile.Observation.Attempt;
import dev.engine.stage.Attempts;
import dev.engine.stage.Cancellation;
import dev.engine.stage.ProcessTree;
import dev.engine.stage.StageResult;
import dev.engine.state.ErrorRecord;
import dev.engine.state.StageInfo;
import dev.engine.state.StageStatus;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries out {@link Reconciler} decisions for one stage: runs attempts, records fingerprints,
 * state and audit events, and calls the executor and escalation tiers. All side effects of
 * converging live here or behind the interfaces it is given.
 */
public final class ConvergenceLoop {

    /**
     * The parts the loop drives; tests replace any of them. Made with {@link #builder()}.
     *
     * @param beforeAttempt brings the directory the stage runs in up to the AI branch tip, so a fix
     *                      committed a moment ago is what the next attempt runs
     */
    public record Parts(StateStore state, AuditLog audit, Attempts runner, Fingerprinter fingerprinter,
                        Executor executor, Escalator escalator, Clock clock, Cancellation cancellation,
                        PrintStream out, Path logsDir, Path home, List<String> allStages, BeforeAttempt beforeAttempt,
                        Holds holds) {

        public static Builder builder() {
            return new Builder();
        }

        /** Every part is required except {@code beforeAttempt} and {@code holds}. */
        public static final class Builder {
            private StateStore state;
            private AuditLog audit;
            private Attempts runner;
            private Fingerprinter fingerprinter;
            private Executor executor;
            private Escalator escalator;
            private Clock clock;
            private Cancellation cancellation;
            private PrintStream out;
            private Path logsDir;
            private Path home;
            private List<String> allStages;
            private BeforeAttempt beforeAttempt = BeforeAttempt.NOTHING;
            private Holds holds = commit -> Optional.empty();

            private Builder() {}

            public Builder state(StateStore state) {
                this.state = state;
                return this;
            }

            public Builder audit(AuditLog audit) {
                this.audit = audit;
                return this;
            }

            /** Runs one attempt of a stage. */
            public Builder runner(Attempts runner) {
                this.runner = runner;
                return this;
            }

            public Builder fingerprinter(Fingerprinter fingerprinter) {
                this.fingerprinter = fingerprinter;
                return this;
            }

            public Builder executor(Executor executor) {
                this.executor = executor;
                return this;
            }

            public Builder escalator(Escalator escalator) {
                this.escalator = escalator;
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

            public Builder logsDir(Path logsDir) {
                this.logsDir = logsDir;
                return this;
            }

            public Builder home(Path home) {
                this.home = home;
                return this;
            }

            public Builder allStages(List<String> allStages) {
                this.allStages = allStages;
                return this;
            }

            /** Default: nothing (the stage runs where it is). */
            public Builder beforeAttempt(BeforeAttempt beforeAttempt) {
                this.beforeAttempt = beforeAttempt;
                return this;
            }

            /** Default: no review gate, every commit may run (tests of the loop that land no code). */
            public Builder holds(Holds holds) {
                this.holds = holds;
                return this;
            }

            public Parts build() {
                return new Parts(required(state, "state"), required(audit, "audit"), required(runner, "runner"),
                        required(fingerprinter, "fingerprinter"), required(executor, "executor"),
                        required(escalator, "escalator"), required(clock, "clock"),
                        required(cancellation, "cancellation"), required(out, "out"), required(logsDir, "logsDir"),
                        required(home, "home"), required(allStages, "allStages"),
                        required(beforeAttempt, "beforeAttempt"), required(holds, "holds"));
            }

            private static <T> T required(T part, String name) {
                if (part == null) {
                    throw new IllegalStateException("ConvergenceLoop.Parts: " + name + " is required");
                }
                return part;
            }
        }
    }

    /** The review gate as the loop asks it: why an AI commit waits for review, empty when it may run. */
    @FunctionalInterface
    public interface Holds {
        Optional<String> whyHeld(String commit) throws IOException;
    }

    /** Runs before every attempt; an IOException fails the run with its message. */
    @FunctionalInterface
    public interface BeforeAttempt {
        BeforeAttempt NOTHING = stage -> {};

        void prepare(StageSpec stage) throws IOException;
    }

    /** Where a stage ended up after {@link #converge}. */
    public record Report(String stage, StageStatus status, String reason) {
        public boolean green() {
            return status == StageStatus.GREEN;
        }
    }

    private final Parts p;
    private final StageLifecycle lifecycle;

    public ConvergenceLoop(Parts parts) {
        this.p = parts;
        this.lifecycle = new StageLifecycle(parts.state(), parts.audit());
    }

    public Report converge(StageSpec stage, Policy policy) throws IOException {
        String name = stage.name();
        StageStatus before = p.state().status(name);
        StageInfo info = p.state().info(name);
        if (before == StageStatus.AWAITING_REVIEW && p.holds().whyHeld(info.heldCommit()).isEmpty()) {
            // Approved (merged into main) or rejected since: the stage may run again.
            String why = "AI commit " + abbrev(info.heldCommit()) + " no longer waits for review";
            lifecycle.reviewSettled(name, info.heldCommit(), null, why);
            before = StageStatus.FAILED;
            info = p.state().info(name);
        }
        Decision d = Reconciler.decide(new Observation(name, before, info.reason(), Optional.empty(), 0), policy);
        if (d instanceof Decision.Refuse refuse) {
            if (before != StageStatus.AWAITING_REVIEW) {
                // (A wait for review was audited when it began; watch asks again every cycle.)
                audit(name, Event.REFUSED, Map.of("reason", refuse.reason()));
            }
            p.out().println(name + ": not run: " + refuse.reason());
            return new Report(name, before, refuse.reason());
        }
        int attemptsThisRun = 0;
        while (true) {
            attemptsThisRun++;
            int attempt = lifecycle.attemptStarting(name);
            p.beforeAttempt().prepare(stage);
            lifecycle.attemptRunning(name, attempt, stage.command());
            StageResult result = p.runner().run(stage, attempt, p.logsDir(), p.cancellation(), pgid -> recordGroup(name, pgid));
            String log = p.home().relativize(result.log()).toString();
            audit(name, Event.ATTEMPT_FINISHED, AuditLog.details("attempt", attempt, "outcome", result.outcome().name().toLowerCase(),
                    "exit_code", result.exitCode().orElse(null), "duration_ms", result.duration().toMillis(),
                    "log", log, "detail", result.detail()));

            Attempt observed = observe(stage, result, log);
            p.state().updateInfo(name, i -> i.withRun(observed.fingerprint(), p.clock().instant().toString(),
                    result.duration().toMillis(), result.exitCode().orElse(null), log));
            d = Reconciler.decide(new Observation(name, before, info.reason(), Optional.of(observed), attemptsThisRun), policy);
            audit(name, Event.DECISION, decisionDetails(d));
            say(name, attempt, result, observed, log);

            if (d instanceof Decision.RunExecutor x) {
                lifecycle.failing(name, result.detail());
                ExecutorOutcome o = runExecutor(stage, x, result.log());
                d = Reconciler.afterExecutor(o, o instanceof ExecutorOutcome.Applied a ? p.holds().whyHeld(a.commit()) : Optional.empty());
                if (d instanceof Decision.AwaitReview) {
                    audit(name, Event.DECISION, decisionDetails(d));
                }
            } else if (d instanceof Decision.Escalate e) {
                lifecycle.failing(name, result.detail());
                d = escalateUntilSettled(stage, e, observed, result.log(), policy);
            }
            Optional<Report> end = conclude(name, attempt, observed, d);
            if (end.isPresent()) {
                return end.get();
            }
            if (p.cancellation().isCancelled()) {
                lifecycle.interruptedBetweenAttempts(name, result.detail(), p.cancellation().reason());
                return new Report(name, StageStatus.FAILED, result.detail());
            }
        }
    }

    /** Carries out a decision that ends the stage's convergence; empty when the stage is to be run again. */
    private Optional<Report> conclude(String name, int attempt, Attempt observed, Decision d) throws IOException {
        if (d instanceof Decision.Green) {
            lifecycle.green(name, attempt, p.allStages());
            p.out().println(name + ": green");
            return Optional.of(new Report(name, StageStatus.GREEN, null));
        } else if (d instanceof Decision.GiveUp g) {
            lifecycle.giveUp(name, g.reason());
            p.out().println(name + ": give_up: " + g.reason());
            return Optional.of(new Report(name, StageStatus.GIVE_UP, g.reason()));
        } else if (d instanceof Decision.Stop s) {
            StageStatus status = lifecycle.stopped(name, s.reason(), observed.kind() == Attempt.Kind.INTERRUPTED);
            p.out().println(name + ": " + status.wire() + ": " + s.reason());
            return Optional.of(new Report(name, status, s.reason()));
        } else if (d instanceof Decision.AwaitReview w) {
            lifecycle.awaitReview(name, w.commit(), w.reason());
            p.out().println(name + ": awaiting_review: " + w.reason());
            return Optional.of(new Report(name, StageStatus.AWAITING_REVIEW, w.reason()));
        } else if (d instanceof Decision.RunStage) {
            return Optional.empty();
        }
        throw new IllegalStateException("unexpected decision after an attempt: " + d);
    }

    /**
     * Escalates, and escalates again without re-running the stage while the model answered but
     * nothing was committed and the budget allows; re-running an unchanged stage would only
     * reproduce the same failure.
     */
    private Decision escalateUntilSettled(StageSpec stage, Decision.Escalate first, Attempt observed, Path log,
                                          Policy policy) throws IOException {
        Decision next = first;
        // Each step is one model call; after diagnostics the next step continues the same case
        // thread (v2 with their output), otherwise a new escalation starts.
        Optional<CaseThread> thread = Optional.empty();
        while (next instanceof Decision.Escalate e) {
            if (p.cancellation().isCancelled()) {
                if (thread.isPresent()) {
                    // A stop during the diagnostics of a step: the next version is never sent.
                    audit(stage.name(), Event.ESCALATION_SKIPPED, AuditLog.details("fingerprint", e.fingerprint(),
                            "version", thread.get().version(), "reason", "stopped (" + p.cancellation().reason()
                                    + ") before case v" + thread.get().version() + " was sent"));
                }
                return new Decision.Stop("stopped before escalating: " + p.cancellation().reason());
            }
            EscalationOutcome outcome = p.escalator().escalate(new EscalationRequest(stage, e.fingerprint(), e.apiCallsUsed(), log, thread));
            Map<String, Object> details = AuditLog.details("fingerprint", e.fingerprint(), "outcome", outcome.wire(),
                    "summary", outcome.summary(), "tokens", outcome.tokens());
            if (outcome instanceof EscalationOutcome.PatchApplied a) {
                details.put("commit", a.commit());
            }
            audit(stage.name(), Event.ESCALATION, details);
            p.out().println(stage.name() + ": escalation: " + outcome.summary());
            thread = outcome instanceof EscalationOutcome.DiagnosticsCollected dc ? Optional.of(dc.next()) : Optional.empty();
            next = outcome instanceof EscalationOutcome.PatchApplied a
                    ? Reconciler.afterPatch(a.commit(), p.holds().whyHeld(a.commit()))
                    : Reconciler.afterEscalation(outcome, refreshed(stage.name(), observed), policy);
            audit(stage.name(), Event.DECISION, decisionDetails(next));
        }
        return next;
    }

    /** The attempt with the call counters as they are on disk now (the escalator reserves calls there). */
    private Attempt refreshed(String stage, Attempt a) throws IOException {
        Map<String, ErrorRecord> errors = p.state().errorsOf(stage, p.allStages());
        int stageCalls = errors.values().stream().mapToInt(ErrorRecord::apiCalls).sum();
        int fpCalls = errors.values().stream().filter(r -> a.fingerprint().equals(r.fingerprint()))
                .mapToInt(ErrorRecord::apiCalls).findFirst().orElse(a.apiCallsForFingerprint());
        return new Attempt(a.kind(), a.fingerprint(), a.fingerprintAttempts(), fpCalls, stageCalls, a.detail());
    }

    /** Best effort: the record only helps clean up after a crash, so failing to write it must not fail the stage. */
    private void recordGroup(String stage, long pgid) {
        try {
            p.state().updateInfo(stage, i -> i.withProcessGroup(pgid, ProcessTree.bootId()));
        } catch (IOException e) {
            p.out().println(stage + ": warning: could not record the stage's process group: " + e.getMessage());
        }
    }

    private Attempt observe(StageSpec stage, StageResult result, String log) throws IOException {
        if (result.passed()) {
            return new Attempt(Attempt.Kind.PASSED, null, 0, 0, 0, "");
        }
        if (result.outcome() == StageResult.Outcome.INTERRUPTED) {
            return new Attempt(Attempt.Kind.INTERRUPTED, null, 0, 0, 0, result.detail());
        }
        String fp = p.fingerprinter().of(result.log()).hash();
        String now = p.clock().instant().toString();
        ErrorRecord rec = p.state().updateError(stage.name(), fp, now, r -> r.withFailure(now, log));
        int stageCalls = p.state().errorsOf(stage.name(), p.allStages()).values().stream().mapToInt(ErrorRecord::apiCalls).sum();
        audit(stage.name(), Event.FINGERPRINT, AuditLog.details("fingerprint", fp, "attempts", rec.attempts(), "api_calls", rec.apiCalls(), "log", log));
        return new Attempt(Attempt.Kind.FAILED, fp, rec.attempts(), rec.apiCalls(), stageCalls, result.detail());
    }

    private ExecutorOutcome runExecutor(StageSpec stage, Decision.RunExecutor x, Path log) throws IOException {
        ExecutorOutcome outcome = p.executor().attempt(new ExecutorRequest(stage, x.fingerprint(), x.attempts(), log));
        String now = p.clock().instant().toString();
        p.state().updateError(stage.name(), x.fingerprint(), now, r -> r.withSource("executor", now));
        Map<String, Object> details = AuditLog.details("fingerprint", x.fingerprint(), "outcome", outcome.wire(), "summary", outcome.summary());
        if (outcome instanceof ExecutorOutcome.Applied a) {
            details.put("commit", a.commit());
        }
        audit(stage.name(), Event.EXECUTOR, details);
        p.out().println(stage.name() + ": executor: " + outcome.summary());
        return outcome;
    }

    private static String abbrev(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(10, commit.length()));
    }


    private void say(String stage, int attempt, StageResult r, Attempt a, String log) {
        String how = switch (r.outcome()) {
            case PASSED -> "passed";
            case INTERRUPTED -> "interrupted";
            default -> "failed (" + r.detail() + ")";
        };
        String fp = a.fingerprint() == null ? "" : "  fingerprint " + a.fingerprint() + " seen " + a.fingerprintAttempts() + "x";
        p.out().println(stage + ": attempt " + attempt + " " + how + " in " + Durations.format(r.duration()) + fp + "  log " + log);
    }

    private static Map<String, Object> decisionDetails(Decision d) {
        Map<String, Object> m = AuditLog.details("decision", d.wire());
        if (d instanceof Decision.RunExecutor x) {
            m.put("fingerprint", x.fingerprint());
            m.put("attempts", x.attempts());
        } else if (d instanceof Decision.Escalate e) {
            m.put("fingerprint", e.fingerprint());
            m.put("api_calls_used", e.apiCallsUsed());
        } else if (d instanceof Decision.GiveUp g) {
            m.put("reason", g.reason());
        } else if (d instanceof Decision.Stop s) {
            m.put("reason", s.reason());
        } else if (d instanceof Decision.AwaitReview w) {
            m.put("commit", w.commit());
            m.put("reason", w.reason());
        }
        return m;
    }


    private void audit(String stage, Event event, Map<String, Object> details) throws IOException {
        p.audit().append(stage, event, details);
    }

}
