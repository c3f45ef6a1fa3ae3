package dev.engine.reconcile;

import dev.engine.escalation.Budget;
import dev.engine.escalation.EscalationOutcome;
import dev.engine.executor.ExecutorOutcome;
import dev.engine.reconcile.Observation.Attempt;
import dev.engine.state.StageStatus;
import java.util.Optional;

/**
 * The reconcile decision as a pure function, in the manner of controller-runtime's
 * {@code Reconcile -> Result}: the loop gathers an {@link Observation}, this decides, the loop
 * carries the decision out. No I/O here, so every path is testable with plain values.
 */
public final class Reconciler {
    private Reconciler() {}

    public static Decision decide(Observation o, Policy p) {
        if (o.last().isEmpty()) {
            if (o.status() == StageStatus.GIVE_UP) {
                return new Decision.Refuse("stage " + o.stage() + " is give_up"
                        + (o.statusReason() == null || o.statusReason().isBlank() ? "" : " (" + o.statusReason() + ")")
                        + "; a human must look at it, then run `engine reset " + o.stage() + "`");
            }
            if (o.status() == StageStatus.AWAITING_REVIEW) {
                return new Decision.Refuse("stage " + o.stage() + " is awaiting review"
                        + (o.statusReason() == null || o.statusReason().isBlank() ? "" : ": " + o.statusReason()));
            }
            return new Decision.RunStage();
        }
        Attempt a = o.last().get();
        switch (a.kind()) {
            case PASSED:
                return new Decision.Green();
            case INTERRUPTED:
                return new Decision.Stop("interrupted: " + a.detail());
            default:
                break;
        }
        Decision tier = afterFailure(a, p);
        if (tier instanceof Decision.GiveUp) {
            return tier;
        }
        if (o.attemptsThisRun() >= p.maxAttemptsPerRun()) {
            return new Decision.Stop("attempt limit of this run reached (" + p.maxAttemptsPerRun()
                    + " attempts); the stage stays failed and the next run continues");
        }
        return tier;
    }

    /**
     * The next step once an escalation step (one model call) has returned. {@code refreshed} is
     * the failed attempt with the call counters as they are on disk now. A patch is run (unless it
     * waits for review: see {@link #afterPatch}); "a human is needed" gives up; an unreachable
     * model stops the run. After diagnostics, or an answer that led nowhere, the next case
     * version is sent only while the budget allows.
     */
    public static Decision afterEscalation(EscalationOutcome outcome, Attempt refreshed, Policy p) {
        if (outcome instanceof EscalationOutcome.PatchApplied) {
            return new Decision.RunStage();
        }
        if (outcome instanceof EscalationOutcome.NeedsHuman h) {
            return new Decision.GiveUp("the model says a human is needed: " + h.summary());
        }
        if (outcome instanceof EscalationOutcome.Unreachable u) {
            return new Decision.Stop("the model could not be reached (" + u.summary()
                    + "); the stage stays failed and the next run escalates again");
        }
        return afterFailure(refreshed, p);
    }

    /**
     * The next step once the executor has had its try: a committed fix is run (unless it waits
     * for review); otherwise the stage runs again all the same, because a new failure's first
     * attempts also tell a flake from a real failure, and each one moves it toward escalation.
     */
    public static Decision afterExecutor(ExecutorOutcome outcome, Optional<String> held) {
        if (outcome instanceof ExecutorOutcome.Applied a) {
            return afterPatch(a.commit(), held);
        }
        return new Decision.RunStage();
    }

    /**
     * The next step once a fix was committed to the AI branch: run it, unless it waits for
     * review ({@code held} says why), in which case nothing runs it until a human approves.
     */
    public static Decision afterPatch(String commit, Optional<String> held) {
        return held.<Decision>map(why -> new Decision.AwaitReview(commit, why)).orElseGet(Decision.RunStage::new);
    }

    private static Decision afterFailure(Attempt a, Policy p) {
        if (a.fingerprintAttempts() < p.executorRetryThreshold()) {
            return new Decision.RunExecutor(a.fingerprint(), a.fingerprintAttempts());
        }
        if (p.escalationUnavailable().isPresent()) {
            return new Decision.GiveUp("failure " + a.fingerprint() + " seen " + a.fingerprintAttempts()
                    + " times and escalation is unavailable: " + p.escalationUnavailable().get());
        }
        Optional<String> spent = new Budget(p.apiCallBudget(), p.stageApiCallCap())
                .spent(a.fingerprint(), a.apiCallsForFingerprint(), a.apiCallsForStage());
        if (spent.isPresent()) {
            return new Decision.GiveUp(spent.get());
        }
        return new Decision.Escalate(a.fingerprint(), a.apiCallsForFingerprint());
    }
}
