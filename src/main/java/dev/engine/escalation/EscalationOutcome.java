package dev.engine.escalation;

/** What one escalation led to; {@code tokens} is what the model calls of this escalation used. */
public sealed interface EscalationOutcome {
    String summary();

    /** The name the audit trail records for this outcome (never derived from a class name). */
    String wire();

    long tokens();

    /** A model patch passed every check and is committed to the AI branch: re-run the stage. */
    record PatchApplied(String summary, String commit, long tokens) implements EscalationOutcome {
        @Override
        public String wire() {
            return "PatchApplied";
        }
    }

    /** The model answered that a human is needed: the stage gives up at once. */
    record NeedsHuman(String summary, long tokens) implements EscalationOutcome {
        @Override
        public String wire() {
            return "NeedsHuman";
        }
    }

    /**
     * The model asked for diagnostics; they ran (or were refused) and {@code next} carries their
     * output into the next case version, if the reconciler decides one is sent.
     */
    record DiagnosticsCollected(String summary, long tokens, CaseThread next) implements EscalationOutcome {
        @Override
        public String wire() {
            return "DiagnosticsCollected";
        }
    }

    /**
     * The model was reached but nothing was committed (a refused patch, an unusable answer, or the
     * reservation refused): the next step depends on the budget that remains.
     */
    record Refused(String summary, long tokens) implements EscalationOutcome {
        @Override
        public String wire() {
            return "Refused";
        }
    }

    /** The model could not be reached after the transport retries; the run stops and a later run tries again. */
    record Unreachable(String summary, long tokens) implements EscalationOutcome {
        @Override
        public String wire() {
            return "Unreachable";
        }
    }
}
