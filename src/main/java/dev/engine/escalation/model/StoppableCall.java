package dev.engine.escalation.model;

import dev.engine.stage.Cancellation;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A model call can take minutes; SIGTERM must not wait for it. The call runs on a daemon thread
 * and is abandoned when the engine is told to stop (a reserved API call stays counted).
 */
public final class StoppableCall {
    /** The engine was told to stop before the model answered. */
    public static final class Stopped extends Exception {
        Stopped(String why) {
            super("stopped (" + why + ") before the model answered");
        }
    }

    private StoppableCall() {}

    public static ModelReply ask(Supplier<ModelClient> client, String system, String user, Cancellation cancellation)
            throws ModelException, Stopped {
        CompletableFuture<ModelReply> call = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                call.complete(client.get().ask(system, user));
            } catch (Throwable t) {
                call.completeExceptionally(t);
            }
        }, "model-call");
        worker.setDaemon(true);
        try (AutoCloseable hook = cancellation.onCancel(() -> call.cancel(false))) {
            worker.start();
            return call.get();
        } catch (CancellationException e) {
            throw new Stopped(cancellation.reason());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ModelException m) {
                throw m;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped("interrupted");
        } catch (Exception closing) {
            throw new IllegalStateException(closing); // only closing the hook declares Exception
        }
    }
}
