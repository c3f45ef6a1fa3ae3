package dev.engine.stage;

import dev.engine.sandbox.Containment;
import dev.engine.sandbox.Sandbox;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The one way the engine starts a process on a stage's behalf (I9): the stage command, its
 * success checks, the executor and diagnostics. Each run gets exactly the environment given,
 * a working directory, a timeout, an optional output cap and a containment profile; every
 * segment is the leader of its own process group ({@code setsid}) so a stop reaches everything it
 * started, and runs in bubblewrap when the profile asks for it and the sandbox works.
 *
 * <p>A command line is a pipeline of one or more argv segments joined by pipes, with no shell in
 * between; a shell line is the one segment {@code bash -c <line>}. stdout and stderr of the last
 * segment and stderr of the earlier ones go to one sink, in arrival order.
 */
public final class ProcessRunner {
    private static final Duration KILL_GRACE = Duration.ofSeconds(3);
    private static final long POLL_MILLIS = 25;
    /** How long output may keep arriving after the command ended (buffers, a slow pipe). */
    private static final Duration DRAIN = Duration.ofSeconds(2);
    /** How long a later pipeline segment may take to end by itself once the one before it was stopped. */
    private static final Duration FLUSH_WAIT = Duration.ofMillis(500);

    /** What happens when the output reaches the cap. */
    public enum OnCap {
        /** Keep running; what is over the cap is dropped and one note says so. */
        DROP,
        /** Stop the whole pipeline at once (diagnostics: a flood of output is an answer in itself). */
        STOP
    }

    /**
     * One command to run.
     *
     * @param pipeline argv segments joined by pipes; one segment for a single command
     * @param env the complete environment (nothing of the engine's own is added)
     * @param outputCap bytes of output kept; 0 for no cap
     * @param capNote the setting named when output is cut, e.g. "executor_output_cap"
     */
    public record Spec(List<List<String>> pipeline, Path cwd, Map<String, String> env, Duration timeout,
                       long outputCap, OnCap onCap, String capNote, Containment containment) {
        public Spec {
            pipeline = pipeline.stream().map(List::copyOf).toList();
            env = Map.copyOf(env);
            if (pipeline.isEmpty() || pipeline.stream().anyMatch(List::isEmpty)) {
                throw new IllegalArgumentException("empty command");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
        }

        /** A command line run by bash (stage commands and success checks are shell command lines). */
        public static Spec shell(String commandLine, Path cwd, Map<String, String> env, Duration timeout, Containment c) {
            return new Spec(List.of(List.of(shellPath(), "-c", commandLine)), cwd, env, timeout, 0, OnCap.DROP, "", c);
        }

        public Spec withCap(long bytes, OnCap how, String note) {
            return new Spec(pipeline, cwd, env, timeout, bytes, how, note, containment);
        }
    }

    private final Sandbox sandbox;

    public ProcessRunner(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** Whether {@code c} will really be contained here (it wants a sandbox and bubblewrap works). */
    public boolean contains(Containment c) {
        return c.wanted() && sandbox.available();
    }

    public CommandOutcome run(Spec spec, OutputStream sink, Cancellation cancellation) {
        return run(spec, sink, cancellation, pgid -> { });
    }

    /** @param onStart told the first segment's process group id as soon as it runs (so a crash can be cleaned up after) */
    public CommandOutcome run(Spec spec, OutputStream sink, Cancellation cancellation, LongConsumer onStart) {
        long start = System.nanoTime();
        List<ProcessBuilder> builders = new ArrayList<>();
        int n = spec.pipeline().size();
        for (int i = 0; i < n; i++) {
            List<String> argv = new ArrayList<>(ProcessTree.sessionPrefix());
            argv.addAll(sandbox.wrap(spec.pipeline().get(i), spec.containment(), spec.cwd()));
            ProcessBuilder b = new ProcessBuilder(argv).directory(spec.cwd().toFile());
            b.environment().clear();
            b.environment().putAll(spec.env());
            // The last segment's stderr joins its stdout; earlier segments' stderr is read on its
            // own, because their stdout feeds the next segment.
            b.redirectErrorStream(i == n - 1);
            if (i == 0) {
                b.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            builders.add(b);
        }
        List<Process> processes;
        try {
            processes = ProcessBuilder.startPipeline(builders);
        } catch (IOException e) {
            return new CommandOutcome(Optional.empty(), false, false, elapsed(start), Optional.of(e.getMessage()));
        }
        onStart.accept(processes.get(0).pid());
        Output out = new Output(sink, spec.outputCap(), spec.onCap(), spec.capNote());
        List<Pump> pumps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Process p = processes.get(i);
            pumps.add(Pump.start(i == n - 1 ? p.getInputStream() : p.getErrorStream(), out));
        }
        Process last = processes.get(n - 1);
        boolean[] stopRequested = {false};
        try (AutoCloseable unregister = cancellation.onCancel(() -> {
            synchronized (stopRequested) {
                stopRequested[0] = true;
            }
            stopAll(processes);
        })) {
            long deadline = start + spec.timeout().toNanos();
            boolean timedOut = false;
            boolean capped = false;
            boolean lastStopped = false;
            // Wait for the commands themselves, not for their output pipe: a background child
            // (`kubectl port-forward &`) keeps the pipe open long after the command ended.
            while (processes.stream().anyMatch(Process::isAlive)) {
                if (out.mustStop()) {
                    capped = true;
                    lastStopped = last.isAlive();
                    stopInOrder(processes);
                    break;
                }
                if (System.nanoTime() - deadline > 0) {
                    timedOut = true;
                    stopInOrder(processes);
                    break;
                }
                last.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
            Duration took = elapsed(start);
            if (!timedOut && !capped) {
                // What is left in a segment's process group (a background child) belongs to the
                // command, as with a timeout: it is stopped so the run really ends here.
                boolean left = false;
                for (Process p : processes) {
                    if (ProcessTree.groupHasLiveMembers(p.pid())) {
                        left = true;
                        ProcessTree.stopGroup(p.pid(), KILL_GRACE);
                    }
                }
                if (left) {
                    out.note("[engine] command exited; stopping the background processes it left running\n");
                }
            }
            Pump.drainAll(pumps, DRAIN);
            boolean interrupted;
            synchronized (stopRequested) {
                interrupted = stopRequested[0];
            }
            // A command stopped at the cap has no exit status of its own: -1, as a killed diagnostic.
            Optional<Integer> exit = timedOut || interrupted ? Optional.empty()
                    : lastStopped ? Optional.of(-1) : Optional.of(last.exitValue());
            return new CommandOutcome(exit, timedOut, interrupted, took, Optional.empty(), out.truncated(), exits(processes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopAll(processes);
            return new CommandOutcome(Optional.empty(), false, true, elapsed(start), Optional.empty(), out.truncated(), exits(processes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Integer> exits(List<Process> processes) {
        return processes.stream().map(p -> p.isAlive() ? -1 : p.exitValue()).toList();
    }

    /**
     * Stops the pipeline from its first segment on, giving each later one a moment to finish on
     * the end of its input: a stuck {@code talosctl dmesg | tail -100} still yields its last
     * 100 lines, which a filter only writes out when it ends.
     */
    private static void stopInOrder(List<Process> processes) throws InterruptedException {
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (i > 0) {
                p.waitFor(FLUSH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            ProcessTree.stop(p, KILL_GRACE);
        }
    }

    private static void stopAll(List<Process> processes) {
        List<Thread> stoppers = processes.stream()
                .map(p -> new Thread(() -> ProcessTree.stop(p, KILL_GRACE), "process-stop"))
                .toList();
        stoppers.forEach(Thread::start);
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String shellPath() {
        return Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh";
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The sink all segments write to, one writer at a time, holding to the cap. */
    private static final class Output {
        private final OutputStream sink;
        private final long cap;
        private final OnCap onCap;
        private final String capNote;
        private long written;
        private boolean truncated;

        Output(OutputStream sink, long cap, OnCap onCap, String capNote) {
            this.sink = sink;
            this.cap = cap;
            this.onCap = onCap;
            this.capNote = capNote;
        }

        /** Writes what fits; false once the cap is reached and the pipeline is to stop, so the reader stops reading. */
        synchronized boolean write(byte[] b, int len) throws IOException {
            if (cap <= 0) {
                sink.write(b, 0, len);
                return true;
            }
            long room = cap - written;
            if (room > 0) {
                int k = (int) Math.min(room, len);
                sink.write(b, 0, k);
                written += k;
            }
            if (len > room && !truncated) {
                truncated = true;
                sink.write(("\n[engine] output cut at " + cap + " bytes" + (capNote.isEmpty() ? "" : " (" + capNote + ")") + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return !(truncated && onCap == OnCap.STOP);
        }

        synchronized void note(String text) throws IOException {
            sink.write(text.getBytes(StandardCharsets.UTF_8));
        }

        synchronized boolean mustStop() {
            return truncated && onCap == OnCap.STOP;
        }

        synchronized boolean truncated() {
            return truncated;
        }
    }

    /** Copies one process stream into the output on its own thread. */
    private static final class Pump {
        private final Thread thread;
        private final InputStream in;

        private Pump(Thread thread, InputStream in) {
            this.thread = thread;
            this.in = in;
        }

        static Pump start(InputStream in, Output out) {
            Thread t = new Thread(() -> {
                byte[] chunk = new byte[8192];
                try {
                    int k;
                    while ((k = in.read(chunk)) >= 0) {
                        if (!out.write(chunk, k)) {
                            // Stop reading but keep the pipe open: the command blocks on it until
                            // it is stopped, instead of dying of SIGPIPE with an exit code of its own.
                            return;
                        }
                    }
                } catch (IOException e) {
                    // the process was stopped or the sink failed; what was read so far is kept
                }
            }, "process-output");
            // A grandchild outside the process group may hold the pipe open forever: the pump is
            // then abandoned after the drain period and must not keep the engine alive.
            t.setDaemon(true);
            t.start();
            return new Pump(t, in);
        }

        static void drainAll(List<Pump> pumps, Duration wait) throws InterruptedException {
            long until = System.nanoTime() + wait.toNanos();
            for (Pump p : pumps) {
                p.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            }
            for (Pump p : pumps) {
                if (!p.thread.isAlive()) {
                    try {
                        p.in.close();
                    } catch (IOException e) {
                        // nothing left to read from it anyway
                    }
                }
            }
        }
    }
}
