package dev.engine.escalation;

import java.util.Optional;

/**
 * The model-call budget as one pure rule (I6), shared by the reconcile decision (whether to
 * escalate) and by the reservation made on disk before a call ({@link CallBudget}), so the two
 * can never disagree.
 */
public record Budget(int perFingerprint, int perStage) {
    /** Why no call may be made, or empty when one may. */
    public Optional<String> spent(String fingerprint, int callsForFingerprint, int callsForStage) {
        if (callsForFingerprint >= perFingerprint) {
            return Optional.of("API call budget spent for failure " + fingerprint + " (" + callsForFingerprint + "/"
                    + perFingerprint + " calls)");
        }
        if (callsForStage >= perStage) {
            return Optional.of("per-stage API call cap reached (" + callsForStage + "/" + perStage
                    + " calls since the stage was last green or reset)");
        }
        return Optional.empty();
    }
}
