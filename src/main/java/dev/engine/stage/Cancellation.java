package dev.engine.stage;

import java.util.ArrayList;
import java.util.List;

/**
 * A stop request shared between a signal handler and the work in progress. Whatever is running
 * registers how to stop itself; {@link #cancel} runs those hooks once, from any thread.
 */
public final class Cancellation {
    private final List<Runnable> hooks = new ArrayList<>();
    private boolean cancelled;
    private String reason = "";

    public void cancel(String why) {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            reason = why;
            toRun = new ArrayList<>(hooks);
        }
        toRun.forEach(Runnable::run);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    public synchronized String reason() {
        return reason;
    }

    /** Registers {@code hook}; runs it at once if cancellation already happened. Close the result to unregister. */
    public AutoCloseable onCancel(Runnable hook) {
        boolean runNow;
        synchronized (this) {
            hooks.add(hook);
            runNow = cancelled;
        }
        if (runNow) {
            hook.run();
        }
        return () -> {
            synchronized (this) {
                hooks.remove(hook);
            }
        };
    }
}
