package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.console.Console;
import dev.engine.control.ActionRequest;
import dev.engine.control.ActionResult;
import dev.engine.control.ControlClient;
import dev.engine.control.ControlSocket;
import dev.engine.redact.Redactor;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import dev.engine.watch.ActionQueue;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How the console and the control channel reach the CLI's parts: the stages as {@code status}
 * reads them, and the actions of {@link HumanActions}, either on watch's own thread between two
 * stages ({@link ActionQueue}) or, for {@code engine console}, under the engine lock.
 */
final class ConsoleWiring {
    private ConsoleWiring() {}

    /** The same redaction pass as case files: the home's key, the workspace's known secret values and the environment. */
    static Redactor redactor(Session s, EngineCommand root) throws IOException {
        return s.redactor();
    }

    /**
     * The board's rows, from the document {@code engine status} prints. {@code held} and
     * {@code holder} are given, never probed: probing the lock file from a process that holds
     * the lock would release it.
     */
    static Console.Source source(Session s, BooleanSupplier held, Supplier<String> holder) {
        return () -> StatusReport.build(s, held.getAsBoolean(), holder.get()).stages().stream()
                .map(r -> new Console.StageRow(r.name(), r.status(), r.reason(), r.attempts(), r.attemptCounter(),
                        r.lastFingerprint(), r.apiCalls(), r.apiCallBudget(), r.stageApiCalls(), r.stageApiCallCap(),
                        r.tokens(), r.lastRun(), r.lastLog()))
                .toList();
    }

    static Console.Parts parts(Session s, EngineCommand root, Redactor redactor, Console.Source source, Console.Actions actions,
                               boolean remote, String mode) {
        return Console.Parts.builder().layout(s.layout()).aiBranch(s.settings().aiBranch()).audit(s.audit())
                .redactor(redactor).source(source).actions(actions).remote(remote).mode(mode).clock(root.ctx.clock())
                .build();
    }

    // ---- inside watch ---------------------------------------------------------------------------

    /** The console's actions inside watch: queued, done by watch's thread between two stages. */
    static Console.Actions queued(Session s, ActionQueue queue) {
        return request -> submit(s, queue, request, () -> false);
    }

    /** The control channel's handler inside watch: the same queue; the client hears that it waits. */
    static ControlSocket.Handler controlHandler(Session s, ActionQueue queue, Supplier<Optional<String>> busyWith) {
        return (request, progress, clientGone) -> {
            CompletableFuture<ActionResult> done = submit(s, queue, request, clientGone);
            progress.accept("engine watch (pid " + ProcessHandle.current().pid() + ") holds the lock; it does `engine "
                    + request.describe() + "` between two stages"
                    + busyWith.get().map(st -> ": now when stage " + st + " ends (Ctrl-C leaves it undone)").orElse(""));
            try {
                return done.get();
            } catch (ExecutionException e) {
                return new ActionResult(Main.NOT_GREEN, "", "engine: " + e.getCause().getMessage() + "\n");
            }
        };
    }

    private static CompletableFuture<ActionResult> submit(Session s, ActionQueue queue, ActionRequest request, BooleanSupplier gone) {
        CompletableFuture<ActionResult> done = new CompletableFuture<>();
        try {
            queue.submit(new ActionQueue.Task() {
                @Override
                public void run() {
                    if (gone.getAsBoolean()) {
                        done.complete(new ActionResult(Main.LOCKED, "", "engine: the client went away before watch got to it; nothing was done\n"));
                        return;
                    }
                    done.complete(HumanActions.perform(s, request));
                }

                @Override
                public void abandon(String why) {
                    done.complete(new ActionResult(Main.LOCKED, "", "engine: " + why + "; `engine " + request.describe()
                            + "` was not done: run it again\n"));
                }
            });
        } catch (IllegalStateException stopping) {
            done.complete(new ActionResult(Main.LOCKED, "", "engine: " + stopping.getMessage() + "; run it again\n"));
        }
        return done;
    }

    // ---- engine console -------------------------------------------------------------------------

    /**
     * The console's actions when no watch runs: each takes the engine lock for as long as it
     * lasts. When another engine holds it and that is a watch, the action is handed to it over
     * the control channel; any other holder (a run) refuses it with exit 3.
     */
    static Console.Actions underLock(Session s, Executor executor) {
        Object oneAtATime = new Object(); // a second lock attempt in this JVM would release the first (POSIX locks)
        return request -> CompletableFuture.supplyAsync(() -> {
            String held;
            synchronized (oneAtATime) {
                try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine console: " + request.describe())) {
                    return HumanActions.perform(s, request);
                } catch (LockHeldException e) {
                    held = e.getMessage();
                } catch (IOException e) {
                    return new ActionResult(Main.NOT_GREEN, "", "engine: " + e.getMessage() + "\n");
                }
            }
            try {
                return ControlClient.handOff(s.layout().stateDir(), request, line -> { })
                        .orElse(new ActionResult(Main.LOCKED, "", "engine: " + held + "\n"));
            } catch (IOException e) {
                return new ActionResult(Main.LOCKED, "", "engine: " + held + " (and handing the action to it failed: "
                        + e.getMessage() + ")\n");
            }
        }, executor);
    }
}
