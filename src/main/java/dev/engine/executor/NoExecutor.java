package dev.engine.executor;

/** Used when no executor is configured, or the configured kind is not available in this version. */
public final class NoExecutor implements Executor {
    private final String why;

    public NoExecutor(String why) {
        this.why = why;
    }

    @Override
    public ExecutorOutcome attempt(ExecutorRequest request) {
        return new ExecutorOutcome.NotConfigured(why);
    }
}
