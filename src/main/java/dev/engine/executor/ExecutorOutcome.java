package dev.engine.executor;

/** What an executor attempt led to; recorded in the audit trail as {@code source: executor}. */
public sealed interface ExecutorOutcome {
    String summary();

    /** No executor is configured: the attempt still counts and the stage is simply re-run. */
    record NotConfigured(String summary) implements ExecutorOutcome {}

    /** The executor ran and proposed no change. */
    record NoChange(String summary) implements ExecutorOutcome {}

    /** The executor's change was committed to the AI branch. */
    record Applied(String summary, String commit) implements ExecutorOutcome {}

    /** The executor's change broke a rule and was not applied. */
    record Refused(String summary) implements ExecutorOutcome {}
}
