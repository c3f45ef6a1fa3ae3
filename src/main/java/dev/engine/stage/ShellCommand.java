package dev.engine.stage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;
import org.zeroturnaround.exec.StartedProcess;

/**
 * Runs a command line through bash, as the bash loop did (stage commands in context_map.yaml are
 * shell command lines). The environment is exactly the one given, not the engine's own plus
 * additions, so callers decide what a child sees.
 */
public final class ShellCommand {
    private static final Duration KILL_GRACE = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(50);
    /** How long output may keep arriving after the command exited (buffers, a slow pipe). */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

    private ShellCommand() {}

    public static CommandOutcome run(String commandLine, Path cwd, Map<String, String> env, Duration timeout,
                                     OutputStream sink, Cancellation cancellation) {
        return run(commandLine, cwd, env, timeout, sink, cancellation, pgid -> { });
    }

    /** @param onStart told the command's process group id as soon as it runs (so a crash can be cleaned up after) */
    public static CommandOutcome run(String commandLine, Path cwd, Map<String, String> env, Duration timeout,
                                     OutputStream sink, Cancellation cancellation, java.util.function.LongConsumer onStart) {
        List<String> argv = new ArrayList<>(ProcessTree.sessionPrefix());
        argv.add(shell());
        argv.add("-c");
        argv.add(commandLine);
        long start = System.nanoTime();
        StartedProcess started;
        try {
            started = new ProcessExecutor()
                    .command(argv)
                    .directory(cwd.toFile())
                    .environment(exactly(env))
                    .redirectInput(InputStream.nullInputStream())
                    .redirectOutput(sink)
                    .redirectErrorStream(true)
                    .exitValueAny()
                    .start();
        } catch (IOException e) {
            return new CommandOutcome(Optional.empty(), false, false, elapsed(start), Optional.of(e.getMessage()));
        }
        Process process = started.getProcess();
        onStart.accept(process.pid());
        Future<ProcessResult> future = started.getFuture();
        boolean[] stopRequested = {false};
        try (AutoCloseable unregister = cancellation.onCancel(() -> {
            synchronized (stopRequested) {
                stopRequested[0] = true;
            }
            ProcessTree.stop(process, KILL_GRACE);
        })) {
            long deadline = start + timeout.toNanos();
            // Wait for the command itself, not for its output pipe: a background child it left
            // behind (`kubectl port-forward &`) keeps the pipe open long after the command ended.
            while (!process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - deadline > 0) {
                    ProcessTree.stop(process, KILL_GRACE);
                    waitQuietly(future, OUTPUT_DRAIN);
                    return new CommandOutcome(Optional.empty(), true, false, elapsed(start), Optional.empty());
                }
            }
            int exit = process.exitValue();
            Duration took = elapsed(start);
            // What is left in the command's process group (a background child) belongs to the
            // attempt, as with a timeout: it is stopped so the attempt really ends here.
            if (ProcessTree.groupHasLiveMembers(process.pid())) {
                sink.write(("[engine] command exited; stopping the background processes it left running\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ProcessTree.stopGroup(process.pid(), KILL_GRACE);
            }
            drained(future, OUTPUT_DRAIN);
            boolean interrupted;
            synchronized (stopRequested) {
                interrupted = stopRequested[0];
            }
            return new CommandOutcome(interrupted ? Optional.empty() : Optional.of(exit), false, interrupted, took, Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTree.stop(process, KILL_GRACE);
            return new CommandOutcome(Optional.empty(), false, true, elapsed(start), Optional.empty());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the output pump finished (the pipe reached end of file) within {@code wait}. */
    private static boolean drained(Future<ProcessResult> future, Duration wait) throws InterruptedException {
        try {
            future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** zt-exec adds to the inherited environment; a null value removes a variable, which makes it exact. */
    private static Map<String, String> exactly(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        System.getenv().keySet().forEach(k -> out.put(k, null));
        out.putAll(env);
        return out;
    }

    private static String shell() {
        return Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh";
    }

    private static void waitQuietly(Future<ProcessResult> future, Duration wait) {
        try {
            future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // killed; its result no longer matters
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
