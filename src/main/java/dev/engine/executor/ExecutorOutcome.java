package dev.engine.executor;

/** What an executor attempt led to; recorded in the audit trail as {@code source: executor}. */
public sealed interface ExecutorOutcome {
    String summary();

    /** The name the audit trail records for this outcome (never derived from a class name). */
    String wire();

    /** No executor is configured: the attempt still counts and the stage is simply re-run. */
    record NotConfigured(String summary) implements ExecutorOutcome {
        @Override
        public String wire() {
            return "NotConfigured";
        }
    }

    /** The executor ran and proposed no change. */
    record NoChange(String summary) implements ExecutorOutcome {
        @Override
        public String wire() {
            return "NoChange";
        }
    }

    /** The executor's change was committed to the AI branch. */
    record Applied(String summary, String commit) implements ExecutorOutcome {
        @Override
        public String wire() {
            return "Applied";
        }
    }

    /** The executor's change broke a rule and was not applied. */
    record Refused(String summary) implements ExecutorOutcome {
        @Override
        public String wire() {
            return "Refused";
        }
    }
}
