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
     * The model was reached but nothing was committed (refused patch, invalid answer, diagnostics
     * with no budget left for the follow-up): the next step depends on the budget that remains.
     */
    record NoFix(String summary, long tokens) implements EscalationOutcome {
        @Override
        public String wire() {
            return "NoFix";
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
