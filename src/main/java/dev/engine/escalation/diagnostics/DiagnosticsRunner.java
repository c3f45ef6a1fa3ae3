package dev.engine.escalation.diagnostics;

import dev.engine.sandbox.Containment;
import dev.engine.sandbox.Sandbox;
import dev.engine.stage.Cancellation;
import dev.engine.stage.CommandOutcome;
import dev.engine.stage.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs an allowed diagnostic (DESIGN.md §6 I7): no shell (a pipeline is a chain of processes
 * joined by pipes), exactly the environment and directory given, a timeout and an output cap
 * after which the whole pipeline is stopped, stdout and stderr of every segment merged. The
 * output is redacted before it is returned or written to {@code outDir}.
 */
public final class DiagnosticsRunner {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path cwd;
    private final Map<String, String> env;
    private final Duration timeout;
    private final int outputCapBytes;
    private final Path outDir;
    private final UnaryOperator<String> redact;
    private final RemoteShell remote;
    private static final Pattern ENGINE_NOTES = Pattern.compile(
            "(?:\n\\[engine\\] output cut at \\d+ bytes \\(diagnostics_output_cap\\)\n"
                    + "|(?<=\n|^)\\[engine\\] command exited; stopping the background processes it left running\n)+$");
    private final ProcessRunner processes;
    private final Containment containment;
    private final Cancellation cancellation;

    /**
     * Runs a diagnostic somewhere else (over SSH for a {@code host:} stage). It gets the pipeline
     * as one POSIX command line whose every word is single-quoted, so the remote shell only
     * splits at the pipes the allowlist already accepted.
     */
    @FunctionalInterface
    public interface RemoteShell {
        record Result(int exitCode, boolean timedOut) {}

        Result run(String commandLine, OutputStream sink, Duration timeout) throws IOException;
    }

    public DiagnosticsRunner(Path cwd, Map<String, String> env, Duration timeout, int outputCapBytes, Path outDir,
                             UnaryOperator<String> redact, RemoteShell remote) {
        this(cwd, env, timeout, outputCapBytes, outDir, redact, Objects.requireNonNull(remote, "remote"),
                new ProcessRunner(Sandbox.unavailable("remote")), Containment.off("runs on the stage's host"), new Cancellation());
    }

    /** Uncontained: for tests of the runner itself. */
    public DiagnosticsRunner(Path cwd, Map<String, String> env, Duration timeout, int outputCapBytes, Path outDir,
                             UnaryOperator<String> redact) {
        this(cwd, env, timeout, outputCapBytes, outDir, redact, null, new ProcessRunner(Sandbox.unavailable("not used")),
                Containment.off("not contained"), new Cancellation());
    }

    /**
     * Local diagnostics as the engine runs them: through {@code processes}, contained as
     * {@code containment} says (the stage's profile with its clone read-only).
     */
    public DiagnosticsRunner(Path cwd, Map<String, String> env, Duration timeout, int outputCapBytes, Path outDir,
                             UnaryOperator<String> redact, ProcessRunner processes, Containment containment,
                             Cancellation cancellation) {
        this(cwd, env, timeout, outputCapBytes, outDir, redact, null, processes, containment, cancellation);
    }

    private DiagnosticsRunner(Path cwd, Map<String, String> env, Duration timeout, int outputCapBytes, Path outDir,
                             UnaryOperator<String> redact, RemoteShell remote, ProcessRunner processes,
                             Containment containment, Cancellation cancellation) {
        this.remote = remote;
        this.processes = processes;
        this.containment = containment;
        this.cancellation = cancellation;
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
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean[] cut = {false};
        OutputStream capped = new OutputStream() {
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

    /** Locally, through the engine's one process runner: no shell, contained like the stage's own processes. */
    private Execution execute(List<List<String>> pipeline) {
        List<List<String>> resolved = new ArrayList<>();
        for (List<String> argv : pipeline) {
            Optional<Path> program = Executables.resolve(argv.get(0), env, cwd);
            if (program.isEmpty()) {
                return Execution.failed(127, "command not found: '" + argv.get(0) + "' is not an executable on the PATH of the diagnostics environment");
            }
            List<String> command = new ArrayList<>();
            command.add(program.get().toString());
            command.addAll(argv.subList(1, argv.size()));
            resolved.add(command);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProcessRunner.Spec spec = new ProcessRunner.Spec(resolved, cwd, env, timeout, outputCapBytes, ProcessRunner.OnCap.STOP,
                "diagnostics_output_cap", containment);
        CommandOutcome o = processes.run(spec, out, cancellation);
        if (o.startError().isPresent()) {
            return Execution.failed(126, "could not start '" + pipeline.get(0).get(0) + "': " + o.startError().get());
        }
        String note = o.timedOut() ? "timed out after " + human(timeout) + "; stopped"
                : o.truncated() ? "output reached the cap of " + outputCapBytes + " bytes; stopped"
                : o.interrupted() ? "stopped because the engine was asked to stop"
                : failedSegments(o.segmentExits(), pipeline);
        // The runner's own notes (the cut, stopped background processes) are not what the command printed.
        String text = ENGINE_NOTES.matcher(decode(out.toByteArray())).replaceFirst("");
        return new Execution(o.exitCode().orElse(-1), o.timedOut(), o.truncated(), text, note);
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** A shell reports only the last segment's status; an earlier failure is worth a note. */
    private static String failedSegments(List<Integer> exits, List<List<String>> pipeline) {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < exits.size() - 1 && i < pipeline.size(); i++) {
            if (exits.get(i) != 0) {
                failed.add("segment " + (i + 1) + " '" + pipeline.get(i).get(0) + "' exited " + exits.get(i));
            }
        }
        return String.join("; ", failed);
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
