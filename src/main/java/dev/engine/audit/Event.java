package dev.engine.audit;

import java.util.Locale;
import java.util.Optional;

/**
 * Every event the engine writes to {@code state/audit.jsonl}, with the name it has there. The
 * names are a file format that users and tools parse: they are spelled here, once, and each is
 * described (with its fields) in docs/audit-events.md; a test keeps the two in step.
 */
public enum Event {
    // a run or a watch
    RUN_STARTED, RUN_FINISHED, WATCH_STARTED, WATCH_FINISHED, WATCH_ERROR, BACKOFF, DRIFT, NOTIFY_FAILED,
    // one stage's convergence
    ATTEMPT_STARTED, ATTEMPT_FINISHED, FINGERPRINT, DECISION, GREEN, GIVE_UP, STOPPED, INTERRUPTED, REFUSED,
    AWAITING_REVIEW, REVIEW_SETTLED,
    // the executor tier
    EXECUTOR, EXECUTOR_MODEL_CALL,
    // the escalation tier
    ESCALATION, ESCALATION_SKIPPED, MODEL_CALL, MODEL_UNREACHABLE, DIAGNOSTICS_RUN, DIAGNOSTICS_REFUSED,
    // the AI branch
    PATCH_APPLIED, PATCH_REFUSED, AI_BRANCH_SYNC,
    // what humans do
    RESET, APPROVED, APPROVE_REFUSED, REJECTED, REJECT_REFUSED, ADOPTED_GIT, ADOPTED_STATE,
    // recovery after a crash
    RECOVERED, ORPHANS_STOPPED, SCRATCH_REMOVED;

    /** The name in audit.jsonl: the constant in lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The event named {@code wire} in a trail; empty for a name this engine does not write. */
    public static Optional<Event> fromWire(String wire) {
        for (Event e : values()) {
            if (e.wire().equals(wire)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
