package dev.engine.stage;

import dev.engine.config.Durations;
import dev.engine.config.StageSpec;
import dev.engine.sandbox.Containment;
import dev.engine.sandbox.Sandbox;
import dev.engine.stage.ssh.SshException;
import dev.engine.stage.ssh.SshOptions;
import dev.engine.stage.ssh.SshResult;
import dev.engine.stage.ssh.SshRunner;
import dev.engine.stage.ssh.SshTarget;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Runs one attempt of a stage: the command with the workspace as working directory, its output
 * (stdout and stderr together) into a fresh log file, then the stage's success checks. The log
 * ends with the engine's trailer lines, which the fingerprint normalizes.
 *
 * <p>A stage with {@code host:} runs its command over SSH instead ({@link SshRunner}): in the
 * remote user's home directory, with the remote user's environment. Its success checks still run
 * here, with the workspace as working directory, so they can use the operator's tools
 * (kubectl, talosctl) against what the remote command built.
 */
public final class StageRunner implements Attempts {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * How stages run; made with {@link #builder()}.
     *
     * @param cwd where stage commands run (the workspace, later the AI branch checkout)
     * @param env the complete environment of stage commands
     * @param interactive whether to draw the progress line on {@code console}
     * @param verbose whether to copy stage output to {@code console}
     * @param ssh how stages with {@code host:} connect
     */
    public record Options(Path cwd, Map<String, String> env, Duration defaultTimeout, boolean interactive,
                          boolean verbose, PrintStream console, Clock clock, SshOptions ssh, ProcessRunner processes,
                          Function<StageSpec, Containment> containment) {
        public Options {
            env = Map.copyOf(env);
        }

        public static Builder builder() {
            return new Builder();
        }

        /**
         * Every part is required except {@code interactive}, {@code verbose} and {@code ssh}. Containment
         * has no default: {@link #uncontained()} says so out loud.
         */
        public static final class Builder {
            private Path cwd;
            private Map<String, String> env;
            private Duration defaultTimeout;
            private Boolean interactive = false;
            private Boolean verbose = false;
            private PrintStream console;
            private Clock clock;
            private SshOptions ssh;
            private ProcessRunner processes;
            private Function<StageSpec, Containment> containment;

            private Builder() {}

            public Builder cwd(Path cwd) {
                this.cwd = cwd;
                return this;
            }

            public Builder env(Map<String, String> env) {
                this.env = env;
                return this;
            }

            /** For stages without a timeout of their own. */
            public Builder defaultTimeout(Duration defaultTimeout) {
                this.defaultTimeout = defaultTimeout;
                return this;
            }

            /** Default: false. */
            public Builder interactive(boolean interactive) {
                this.interactive = interactive;
                return this;
            }

            /** Default: false. */
            public Builder verbose(boolean verbose) {
                this.verbose = verbose;
                return this;
            }

            public Builder console(PrintStream console) {
                this.console = console;
                return this;
            }

            public Builder clock(Clock clock) {
                this.clock = clock;
                return this;
            }

            /** Default: {@link SshOptions#defaults()} (the user's known_hosts and keys). */
            public Builder ssh(SshOptions ssh) {
                this.ssh = ssh;
                return this;
            }

            public Builder processes(ProcessRunner processes) {
                this.processes = processes;
                return this;
            }

            public Builder containment(Function<StageSpec, Containment> containment) {
                this.containment = containment;
                return this;
            }

            /** Stages run uncontained: for tests of the runner itself. */
            public Builder uncontained() {
                this.processes = new ProcessRunner(Sandbox.unavailable("not used"));
                this.containment = s -> Containment.off("not contained");
                return this;
            }

            public Options build() {
                return new Options(required(cwd, "cwd"), required(env, "env"),
                        required(defaultTimeout, "defaultTimeout"), required(interactive, "interactive"),
                        required(verbose, "verbose"), required(console, "console"), required(clock, "clock"),
                        ssh == null ? SshOptions.defaults() : ssh, required(processes, "processes"),
                        required(containment, "containment"));
            }

            private static <T> T required(T part, String name) {
                if (part == null) {
                    throw new IllegalStateException("StageRunner.Options: " + name + " is required");
                }
                return part;
            }
        }
    }

    private final Options options;

    public StageRunner(Options options) {
        this.options = options;
    }

    public static Path logPath(Path logsDir, String stage, int attempt, LocalDateTime at) {
        Path dir = logsDir.resolve(stage);
        String base = stage + "_" + STAMP.format(at) + "_attempt" + attempt;
        Path candidate = dir.resolve(base + ".log");
        for (int i = 2; Files.exists(candidate); i++) {
            candidate = dir.resolve(base + "-" + i + ".log");
        }
        return candidate;
    }

    /** The log as the other lines of a run name it: relative to the home (the folder that holds logs/). */
    private static Path shown(Path logsDir, Path log) {
        Path home = logsDir.toAbsolutePath().getParent();
        return home == null ? log : home.relativize(log.toAbsolutePath());
    }

    public StageResult run(StageSpec stage, int attempt, Path logsDir, Cancellation cancellation) throws IOException {
        return run(stage, attempt, logsDir, cancellation, pgid -> { });
    }

    /** @param started told the process group of the stage command and of each success check as they start */
    @Override
    public StageResult run(StageSpec stage, int attempt, Path logsDir, Cancellation cancellation,
                           LongConsumer started) throws IOException {
        Clock clock = options.clock();
        Path log = logPath(logsDir, stage.name(), attempt, LocalDateTime.now(clock));
        Files.createDirectories(log.getParent());
        Duration timeout = stage.timeoutOr(options.defaultTimeout());
        long startNanos = System.nanoTime();
        LineTracker tracker = new LineTracker();
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
             AutoCloseable progress = Progress.start(options.interactive(), options.console(), stage.name(),
                     stage.name() + ": attempt " + attempt + " started, log " + shown(logsDir, log), tracker::lastLine)) {
            List<OutputStream> sinks = new ArrayList<>(List.of(file, tracker));
            if (options.verbose()) {
                sinks.add(new NonClosing(options.console()));
            }
            OutputStream out = new Tee(sinks);
            line(out, "[engine] stage " + stage.name() + " started " + clock.instant() + ": " + stage.command());
            StageResult result = runCommandAndChecks(stage, timeout, out, cancellation, log, startNanos, started);
            line(out, trailer(result, clock));
            out.flush();
            return result;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private StageResult runCommandAndChecks(StageSpec stage, Duration timeout, OutputStream out, Cancellation cancellation,
                                            Path log, long started, LongConsumer groups) throws IOException {
        CommandOutcome main;
        String killed;
        if (stage.host().isPresent()) {
            SshTarget target;
            try {
                target = SshTarget.parse(stage.host().get());
            } catch (IllegalArgumentException e) {
                line(out, "[engine] ssh: invalid host: " + e.getMessage());
                return result(StageResult.Outcome.NOT_STARTED, Optional.empty(), log, started,
                        "invalid host of stage " + stage.name() + ": " + e.getMessage());
            }
            line(out, "[engine] ssh: running on " + target + " (remote user's home directory and environment)");
            try {
                main = remote(target, stage.command(), timeout, out, cancellation);
            } catch (SshException e) {
                // One fixed phrase per kind of failure starts this line, so each kind fingerprints apart.
                line(out, "[engine] ssh: " + e.getMessage());
                return result(StageResult.Outcome.FAILED, Optional.empty(), log, started, "ssh: " + e.summary());
            }
            killed = "remote command sent SIGTERM, then SIGKILL, and the SSH channel closed";
        } else {
            main = options.processes().run(ProcessRunner.Spec.shell(stage.command(), options.cwd(), options.env(), timeout,
                    options.containment().apply(stage)), out, cancellation, groups);
            killed = "process tree killed";
        }
        out.flush();
        Optional<StageResult> ended = ended(main, timeout, log, started, "stage command", killed);
        if (ended.isPresent()) {
            return ended.get();
        }
        if (main.exitCode().orElse(-1) != 0) {
            return result(StageResult.Outcome.FAILED, main.exitCode(), log, started, "exit code " + main.exitCode().orElse(-1));
        }
        for (String check : stage.successChecks()) {
            line(out, "[engine] success check: " + check);
            CommandOutcome c = options.processes().run(ProcessRunner.Spec.shell(check, options.cwd(), options.env(), timeout,
                    options.containment().apply(stage)), out, cancellation, groups);
            out.flush();
            Optional<StageResult> checkEnded = ended(c, timeout, log, started, "success check '" + check + "'",
                    "process tree killed");
            if (checkEnded.isPresent()) {
                return checkEnded.get();
            }
            if (c.exitCode().orElse(-1) != 0) {
                line(out, "[engine] success check failed with exit code " + c.exitCode().orElse(-1) + ": " + check);
                return result(StageResult.Outcome.CHECK_FAILED, main.exitCode(), log, started,
                        "success check failed (exit code " + c.exitCode().orElse(-1) + "): " + check);
            }
        }
        return result(StageResult.Outcome.PASSED, main.exitCode(), log, started, "");
    }

    private CommandOutcome remote(SshTarget target, String command, Duration timeout, OutputStream out,
                                  Cancellation cancellation) throws SshException, IOException {
        long start = System.nanoTime();
        SshResult r = new SshRunner(options.ssh()).run(target, command, out, timeout, cancellation);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        boolean ended = !r.timedOut() && !r.cancelled();
        if (ended && r.exitCode() == SshResult.NO_EXIT_STATUS) {
            line(out, "[engine] ssh: the remote command ended without an exit status (killed by a signal?)");
        }
        return new CommandOutcome(ended ? Optional.of(r.exitCode()) : Optional.empty(), r.timedOut(), r.cancelled(),
                took, Optional.empty());
    }

    /** A command that did not run to a normal end: never started, timed out, or stopped on request. */
    private static Optional<StageResult> ended(CommandOutcome c, Duration timeout, Path log, long started, String what,
                                               String killed) {
        if (c.startError().isPresent()) {
            return Optional.of(result(StageResult.Outcome.NOT_STARTED, Optional.empty(), log, started,
                    what + " could not be started: " + c.startError().get()));
        }
        if (c.interrupted()) {
            return Optional.of(result(StageResult.Outcome.INTERRUPTED, Optional.empty(), log, started,
                    what + " stopped because the engine was asked to stop"));
        }
        if (c.timedOut()) {
            return Optional.of(result(StageResult.Outcome.TIMED_OUT, Optional.empty(), log, started,
                    what + " timed out after " + Durations.format(timeout) + "; " + killed));
        }
        return Optional.empty();
    }

    private static StageResult result(StageResult.Outcome o, Optional<Integer> exit, Path log, long started, String detail) {
        return new StageResult(o, exit, Duration.ofNanos(System.nanoTime() - started), log, detail);
    }

    /** Exit codes are meaningful to the fingerprint; times and durations are normalized away. */
    static String trailer(StageResult r, Clock clock) {
        String exit = switch (r.outcome()) {
            case TIMED_OUT -> "timeout";
            case INTERRUPTED -> "interrupted";
            case NOT_STARTED -> "not-started";
            default -> String.valueOf(r.exitCode().orElse(-1));
        };
        String head = r.outcome() == StageResult.Outcome.TIMED_OUT ? "[engine] " + r.detail() + "\n" : "";
        String check = r.outcome() == StageResult.Outcome.CHECK_FAILED ? " check=failed" : "";
        return head + "[engine] finished " + clock.instant() + " exit=" + exit + check + " duration=" + Durations.format(r.duration());
    }

    private static void line(OutputStream out, String text) throws IOException {
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The console belongs to the CLI; a stage's end must not close it. */
    private static final class NonClosing extends OutputStream {
        private final PrintStream target;

        NonClosing(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target.write(b, off, len);
        }

        @Override
        public void flush() {
            target.flush();
        }
    }
}
