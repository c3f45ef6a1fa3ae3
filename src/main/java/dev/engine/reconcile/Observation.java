package dev.engine.reconcile;

import dev.engine.state.StageStatus;
import java.util.Optional;

/**
 * Everything the decision looks at, gathered by the loop from state and the last attempt.
 *
 * @param status the stage's status before this run started
 * @param statusReason why it has that status (shown when a give_up stage is refused)
 * @param last the last attempt in this run; empty before the first
 */
public record Observation(String stage, StageStatus status, String statusReason, Optional<Attempt> last,
                          int attemptsThisRun) {

    /**
     * @param fingerprintAttempts failures recorded for this fingerprint, this one included
     * @param apiCallsForFingerprint model calls already spent on this fingerprint
     * @param apiCallsForStage model calls spent on the stage across fingerprints since green or reset
     */
    public record Attempt(Kind kind, String fingerprint, int fingerprintAttempts, int apiCallsForFingerprint,
                          int apiCallsForStage, String detail) {
        public enum Kind { PASSED, FAILED, INTERRUPTED }
    }
}
