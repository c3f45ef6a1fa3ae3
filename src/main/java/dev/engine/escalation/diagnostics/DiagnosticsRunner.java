package dev.engine.escalation.diagnostics;

import dev.engine.stage.ProcessTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Runs an allowed diagnostic (DESIGN.md §6 I7): no shell (a pipeline is a chain of processes
 * joined by pipes), exactly the environment and directory given, a timeout and an output cap
 * after which the whole pipeline is stopped, stdout and stderr of every segment merged. The
 * output is redacted before it is returned or written to {@code outDir}.
 */
public final class DiagnosticsRunner {
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    /** How long output may keep arriving after the processes ended (a grandchild holding the pipe). */
    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 25;
    /** How long a later pipeline segment may take to end by itself once the one before it was stopped. */
    private static final Duration FLUSH_WAIT = Duration.ofMillis(500);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path cwd;
    private final Map<String, String> env;
    private final Duration timeout;
    private final int outputCapBytes;
    private final Path outDir;
    private final UnaryOperator<String> redact;
    private final RemoteShell remote;

    /**
     * Runs a diagnostic somewhere else (over SSH for a {@code host:} stage). It gets the pipeline
     * as one POSIX command line whose every word is single-quoted, so the remote shell only
     * splits at the pipes the allowlist already accepted.
     */
    @FunctionalInterface
    public interface RemoteShell {
        record Result(int exitCode, boolean timedOut) {}

        Result run(String commandLine, java.io.OutputStream sink, Duration timeout) throws IOException;
    }

    public DiagnosticsRunner(Path cwd, Map<String, String> env, Duration timeout, int outputCapBytes, Path outDir,
                             UnaryOperator<String> redact, RemoteShell remote) {
        this(cwd, env, timeout, outputCapBytes, outDir, redact, Objects.requireNonNull(remote, "remote"), true);
    }

    public DiagnosticsRunner(Path cwd, Map<String, String> env, Duration timeout, int outputCapBytes, Path outDir,
                             UnaryOperator<String> redact) {
        this(cwd, env, timeout, outputCapBytes, outDir, redact, null, false);
    }

    private DiagnosticsRunner(Path cwd, Map<String, String> env, Duration timeout, int outputCapBytes, Path outDir,
                             UnaryOperator<String> redact, RemoteShell remote, boolean remoteGiven) {
        this.remote = remoteGiven ? remote : null;
        this.cwd = Objects.requireNonNull(cwd, "cwd");
        Map<String, String> copy = new HashMap<>();
        env.forEach((k, v) -> {
            if (k != null && v != null) {
                copy.put(k, v);
            }
        });
        this.env = Map.copyOf(copy);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("diagnostics timeout must be positive, got " + timeout);
        }
        if (outputCapBytes <= 0) {
            throw new IllegalArgumentException("diagnostics output cap must be positive, got " + outputCapBytes);
        }
        this.timeout = timeout;
        this.outputCapBytes = outputCapBytes;
        this.outDir = Objects.requireNonNull(outDir, "outDir");
        this.redact = Objects.requireNonNull(redact, "redact");
    }

    /** A command that is not found or cannot start is a result (exit 127/126), not an exception. */
    public DiagnosticResult run(Verdict.Allowed allowed, String stage) throws IOException {
        Execution ex = remote == null ? execute(allowed.pipeline()) : executeRemote(allowed.pipeline());
        String command = redact.apply(allowed.requested());
        String output = redact.apply(ex.output());
        Path file = write(stage, allowed, command, ex, output);
        return new DiagnosticResult(command, ex.exitCode(), ex.timedOut(), ex.truncated(), output, file);
    }

    private record Execution(int exitCode, boolean timedOut, boolean truncated, String output, String note) {
        static Execution failed(int exitCode, String message) {
            return new Execution(exitCode, false, false, "[engine] " + message + "\n", message);
        }
    }

    private Execution executeRemote(List<List<String>> pipeline) {
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        boolean[] cut = {false};
        java.io.OutputStream capped = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                int room = outputCapBytes - kept.size();
                if (len > room) {
                    cut[0] = true;
                }
                kept.write(b, off, Math.max(0, Math.min(room, len)));
            }
        };
        try {
            RemoteShell.Result r = remote.run(posix(pipeline), capped, timeout);
            String note = r.timedOut() ? "timed out after " + human(timeout) : "";
            return new Execution(r.timedOut() ? -1 : r.exitCode(), r.timedOut(), cut[0], decode(kept.toByteArray()), note);
        } catch (IOException e) {
            return Execution.failed(255, "remote run failed: " + e.getMessage());
        }
    }

    private Execution execute(List<List<String>> pipeline) throws InterruptedIOException {
        List<ProcessBuilder> builders = new ArrayList<>();
        for (int i = 0; i < pipeline.size(); i++) {
            List<String> argv = pipeline.get(i);
            Optional<Path> program = Executables.resolve(argv.get(0), env, cwd);
            if (program.isEmpty()) {
                return Execution.failed(127, "command not found: '" + argv.get(0) + "' is not an executable on the PATH of the diagnostics environment");
            }
            List<String> command = new ArrayList<>(ProcessTree.sessionPrefix());
            command.add(program.get().toString());
            command.addAll(argv.subList(1, argv.size()));
            ProcessBuilder b = new ProcessBuilder(command).directory(cwd.toFile());
            b.environment().clear();
            b.environment().putAll(env);
            // The last segment's stderr joins its stdout; earlier segments' stderr is read
            // separately, because their stdout feeds the next segment.
            b.redirectErrorStream(i == pipeline.size() - 1);
            builders.add(b);
        }
        List<Process> processes;
        try {
            processes = ProcessBuilder.startPipeline(builders);
        } catch (IOException e) {
            return Execution.failed(126, "could not start '" + pipeline.get(0).get(0) + "': " + e.getMessage());
        }
        try {
            processes.get(0).getOutputStream().close(); // no stdin: nothing can wait for input
        } catch (IOException e) {
            // the process already exited
        }
        CappedBuffer buffer = new CappedBuffer(outputCapBytes);
        List<Thread> readers = new ArrayList<>();
        List<InputStream> streams = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            streams.add(i == processes.size() - 1 ? p.getInputStream() : p.getErrorStream());
            readers.add(reader(streams.get(i), buffer));
        }
        Process last = processes.get(processes.size() - 1);
        boolean timedOut = false;
        boolean stopped = false;
        boolean lastStopped = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (processes.stream().anyMatch(Process::isAlive)) {
                boolean full = buffer.truncated();
                timedOut = !full && System.nanoTime() - deadline > 0;
                if (full || timedOut) {
                    lastStopped = timedOut || last.isAlive();
                    stopInOrder(processes);
                    stopped = true;
                    break;
                }
                last.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (!stopped) {
                // Background processes a segment left in its group belong to this diagnostic.
                for (Process p : processes) {
                    if (ProcessTree.groupHasLiveMembers(p.pid())) {
                        ProcessTree.stopGroup(p.pid(), KILL_GRACE);
                    }
                }
            }
            long drainUntil = System.nanoTime() + DRAIN.toNanos();
            for (Thread t : readers) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(drainUntil - System.nanoTime()));
                t.join(left);
            }
            for (int i = 0; i < readers.size(); i++) {
                if (!readers.get(i).isAlive()) {
                    closeQuietly(streams.get(i));
                }
            }
        } catch (InterruptedException e) {
            stopAll(processes);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("diagnostic interrupted: " + String.join(" ", pipeline.get(0)));
        }
        int exit = lastStopped ? -1 : last.exitValue();
        String note = timedOut ? "timed out after " + human(timeout) + "; stopped"
                : buffer.truncated() ? "output reached the cap of " + outputCapBytes + " bytes; stopped"
                : failedSegments(processes, pipeline);
        return new Execution(exit, timedOut, buffer.truncated(), decode(buffer.snapshot()), note);
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** A shell reports only the last segment's status; an earlier failure is worth a note. */
    private static String failedSegments(List<Process> processes, List<List<String>> pipeline) {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < processes.size() - 1; i++) {
            Process p = processes.get(i);
            if (!p.isAlive() && p.exitValue() != 0) {
                failed.add("segment " + (i + 1) + " '" + pipeline.get(i).get(0) + "' exited " + p.exitValue());
            }
        }
        return String.join("; ", failed);
    }

    private static Thread reader(InputStream in, CappedBuffer buffer) {
        Thread t = new Thread(() -> {
            byte[] chunk = new byte[8192];
            try {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    if (!buffer.write(chunk, n)) {
                        // Stop reading but keep the pipe open: the command blocks on it until it
                        // is stopped, instead of dying of SIGPIPE with an exit code of its own.
                        return;
                    }
                }
            } catch (IOException e) {
                // the process was stopped; what was read so far is kept
            }
        }, "diagnostics-output");
        // A grandchild outside the process group may hold the pipe open forever: the reader is
        // then abandoned after the drain period and must not keep the engine alive.
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing left to read from it anyway
        }
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
                .map(p -> new Thread(() -> ProcessTree.stop(p, KILL_GRACE), "diagnostics-stop"))
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

    /** Lossy UTF-8; control characters other than tab and line ends become U+FFFD so binary output cannot drive a terminal. */
    static String decode(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r' ? '\uFFFD' : c);
        }
        return out.toString();
    }

    private Path write(String stage, Verdict.Allowed allowed, String command, Execution ex, String output) throws IOException {
        Files.createDirectories(outDir);
        StringBuilder text = new StringBuilder();
        text.append("# command: ").append(oneLine(command)).append('\n');
        text.append("# rule: ").append(oneLine(redact.apply(allowed.rule()))).append('\n');
        text.append("# ran: ").append(oneLine(redact.apply(display(allowed.pipeline())))).append('\n');
        text.append("# exit: ").append(ex.exitCode());
        if (!ex.note().isEmpty()) {
            text.append(" (").append(oneLine(redact.apply(ex.note()))).append(')');
        }
        text.append("\n\n").append(output);
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        String prefix = safe(stage) + "_" + LocalDateTime.now().format(STAMP) + "_";
        for (int n = 1; ; n++) {
            Path file = outDir.resolve(prefix + n + ".log");
            try {
                Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return file;
            } catch (FileAlreadyExistsException e) {
                // another diagnostic of the same second; take the next number
            }
        }
    }

    private static String display(List<List<String>> pipeline) {
        return pipeline.stream()
                .map(argv -> argv.stream().map(DiagnosticsRunner::quote).collect(Collectors.joining(" ")))
                .collect(Collectors.joining(" | "));
    }

    private static String quote(String word) {
        return !word.isEmpty() && word.matches("[A-Za-z0-9_./=:,@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** Every word single-quoted: a remote shell expands nothing and splits only at the pipes. */
    static String posix(List<List<String>> pipeline) {
        return pipeline.stream()
                .map(argv -> argv.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" ")))
                .collect(Collectors.joining(" | "));
    }

    private static String oneLine(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8)).replace('\n', ' ').replace('\r', ' ');
    }

    /** A stage name from the config, made safe as part of a file name. */
    private static String safe(String stage) {
        String s = stage == null ? "" : stage.replaceAll("[^A-Za-z0-9_-]", "_");
        return s.isEmpty() ? "stage" : s;
    }
}
