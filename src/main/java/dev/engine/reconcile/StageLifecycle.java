package dev.engine.reconcile;

import dev.engine.audit.AuditLog;
import dev.engine.audit.Event;
import dev.engine.state.ErrorRecord;
import dev.engine.state.StageInfo;
import dev.engine.state.StageStatus;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one owner of a stage's state: every change of status goes through a transition here, which
 * writes the status, its reason and stage info, then the audit event that says so. Each file
 * write is atomic as before; the order (state first, then the event) means the trail never
 * claims a status the state files do not hold. The convergence loop, watch (drift), recovery and
 * the human actions (reset, review) all use it, the way Flux's controllers write status,
 * conditions and events in one place per reconcile.
 */
public final class StageLifecycle {
    private final StateStore state;
    private final AuditLog audit;

    public StageLifecycle(StateStore state, AuditLog audit) {
        this.state = state;
        this.audit = audit;
    }

    public StateStore state() {
        return state;
    }

    /** An attempt begins: the counter that numbers its log, then {@code running}. */
    public int attemptStarting(String stage) throws IOException {
        return state.updateInfo(stage, StageInfo::withAttemptStarted).attemptCounter();
    }

    public void attemptRunning(String stage, int attempt, String command) throws IOException {
        state.setStatus(stage, StageStatus.RUNNING);
        audit.append(stage, Event.ATTEMPT_STARTED, AuditLog.details("attempt", attempt, "command", command));
    }

    /** The stage stays failed while a tier works on it (executor, escalation). */
    public void failing(String stage, String reason) throws IOException {
        set(stage, StageStatus.FAILED, reason);
    }

    /** Green: the failure episode's spend is kept in stage info, its error entries cleared. */
    public void green(String stage, int attempt, Collection<String> allStages) throws IOException {
        Map<String, ErrorRecord> episode = state.errorsOf(stage, allStages);
        long tokens = episode.values().stream().mapToLong(ErrorRecord::tokens).sum();
        int calls = episode.values().stream().mapToInt(ErrorRecord::apiCalls).sum();
        state.updateInfo(stage, i -> i.withSpent(tokens, calls));
        int cleared = state.clearErrors(stage, allStages);
        set(stage, StageStatus.GREEN, null);
        audit.append(stage, Event.GREEN, AuditLog.details("attempt", attempt, "error_entries_cleared", cleared));
    }

    public void giveUp(String stage, String reason) throws IOException {
        set(stage, StageStatus.GIVE_UP, reason);
        audit.append(stage, Event.GIVE_UP, Map.of("reason", reason));
    }

    /**
     * The run ends with the stage not converged: {@code interrupted} (the engine was asked to
     * stop; the attempt says nothing about the stage, which goes back to idle, uncounted) or
     * stopped (attempt cap, unreachable model; it stays failed).
     */
    public StageStatus stopped(String stage, String reason, boolean interrupted) throws IOException {
        StageStatus status = interrupted ? StageStatus.IDLE : StageStatus.FAILED;
        set(stage, status, reason);
        audit.append(stage, interrupted ? Event.INTERRUPTED : Event.STOPPED, Map.of("reason", reason));
        return status;
    }

    /** Stopped between attempts by a stop request: the stage stays failed with its last reason. */
    public void interruptedBetweenAttempts(String stage, String lastDetail, String why) throws IOException {
        set(stage, StageStatus.FAILED, lastDetail);
        audit.append(stage, Event.INTERRUPTED, Map.of("reason", why));
    }

    public void awaitReview(String stage, String commit, String reason) throws IOException {
        state.awaitReview(stage, commit, reason);
        audit.append(stage, Event.AWAITING_REVIEW, AuditLog.details("commit", commit, "reason", reason));
    }

    /** The commit a stage waited on is no longer pending: it may run again. {@code how} may be null. */
    public void reviewSettled(String stage, String commit, String how, String reason) throws IOException {
        set(stage, StageStatus.FAILED, reason);
        audit.append(stage, Event.REVIEW_SETTLED, how == null ? AuditLog.details("commit", commit)
                : AuditLog.details("commit", commit, "how", how));
    }

    /** A green stage's success check failed: it is converged again. */
    public void drifted(String stage, Map<String, Object> details, String reason) throws IOException {
        set(stage, StageStatus.FAILED, reason);
        audit.append(stage, Event.DRIFT, details);
    }

    /** A stage an engine that died left running: failed, uncounted. */
    public void recovered(String stage, String reason) throws IOException {
        set(stage, StageStatus.FAILED, reason);
        audit.append(stage, Event.RECOVERED, Map.of("previous_status", "running", "reason", reason));
    }

    /** A human puts the stage back to idle: counters, budgets and stage info cleared. Returns what it was. */
    public StageStatus reset(String stage, Collection<String> allStages, String via) throws IOException {
        StageStatus before = state.status(stage);
        int cleared = state.clearErrors(stage, allStages);
        state.removeInfo(stage);
        state.setStatus(stage, StageStatus.IDLE);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("previous_status", before.wire());
        details.put("error_entries_cleared", cleared);
        details.put("via", via);
        audit.append(stage, Event.RESET, details);
        return before;
    }

    private void set(String stage, StageStatus status, String reason) throws IOException {
        state.updateInfo(stage, i -> i.withReason(reason));
        state.setStatus(stage, status);
    }

    /** For tests and callers that list several: the stages of {@code all} that are awaiting review. */
    public List<String> awaitingReview(Collection<String> all) throws IOException {
        Map<String, StageStatus> statuses = state.statuses();
        return all.stream().filter(s -> statuses.get(s) == StageStatus.AWAITING_REVIEW).toList();
    }
}
