package dev.engine.watch;

import dev.engine.config.StageSpec;
import dev.engine.sandbox.Containment;
import dev.engine.sandbox.Sandbox;
import dev.engine.stage.Cancellation;
import dev.engine.stage.CommandOutcome;
import dev.engine.stage.ProcessRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Re-runs a green stage's {@code success_checks} the way {@code StageRunner} runs them after the
 * stage command (same shell, working directory, environment and timeout), without running the
 * command. Output is kept in memory and written to
 * {@code logs/<stage>/<stage>_<yyyyMMdd-HHmmss>_drift.log} only when a check fails, so a healthy
 * cluster checked every few minutes does not fill the disk with logs.
 */
public final class SuccessChecks implements WatchLoop.Checks {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final int TAIL_BYTES = 16 * 1024;

    private final Path cwd;
    private final Map<String, String> env;
    private final Duration defaultTimeout;
    private final Path logsDir;
    private final Path home;
    private final Clock clock;
    private final Cancellation cancellation;
    private final ProcessRunner processes;
    private final Function<StageSpec, Containment> containment;

    /** Uncontained: for tests of the checks themselves. */
    public SuccessChecks(Path cwd, Map<String, String> env, Duration defaultTimeout, Path logsDir, Path home, Clock clock,
                         Cancellation cancellation) {
        this(cwd, env, defaultTimeout, logsDir, home, clock, cancellation, new ProcessRunner(Sandbox.unavailable("not used")),
                s -> Containment.off("not contained"));
    }

    /**
     * @param cwd where checks run: the same directory stage commands run in
     * @param containment the sandbox profile of a stage's processes, the same as its attempts get
     */
    public SuccessChecks(Path cwd, Map<String, String> env, Duration defaultTimeout, Path logsDir, Path home, Clock clock,
                         Cancellation cancellation, ProcessRunner processes,
                         Function<StageSpec, Containment> containment) {
        this.processes = processes;
        this.containment = containment;
        this.cwd = cwd;
        this.env = Map.copyOf(env);
        this.defaultTimeout = defaultTimeout;
        this.logsDir = logsDir;
        this.home = home;
        this.clock = clock;
        this.cancellation = cancellation;
    }

    @Override
    public Drift.Verdict verify(StageSpec stage) throws IOException {
        Duration timeout = stage.timeoutOr(defaultTimeout);
        TailBuffer out = new TailBuffer(TAIL_BYTES);
        for (String check : stage.successChecks()) {
            line(out, "[engine] drift check of stage " + stage.name() + " at " + clock.instant() + ": " + check);
            CommandOutcome o = processes.run(ProcessRunner.Spec.shell(check, cwd, env, timeout, containment.apply(stage)),
                    out, cancellation);
            Optional<Drift.Verdict> v = Drift.judge(check, o, timeout);
            if (v.isEmpty()) {
                continue;
            }
            if (v.get() instanceof Drift.Verdict.Drifted d) {
                line(out, "[engine] " + d.reason());
                return d.withLog(home.relativize(writeLog(stage.name(), out)).toString());
            }
            return v.get();
        }
        return new Drift.Verdict.Holds();
    }

    private Path writeLog(String stage, TailBuffer out) throws IOException {
        Path dir = logsDir.resolve(stage);
        Files.createDirectories(dir);
        String base = stage + "_" + STAMP.format(LocalDateTime.now(clock)) + "_drift";
        Path log = dir.resolve(base + ".log");
        for (int i = 2; Files.exists(log); i++) {
            log = dir.resolve(base + "-" + i + ".log");
        }
        try (OutputStream file = Files.newOutputStream(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (out.truncated()) {
                file.write(("[engine] (earlier output dropped; the last " + TAIL_BYTES / 1024 + " KiB follow)\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            file.write(out.bytes());
        }
        return log;
    }

    private static void line(OutputStream out, String text) throws IOException {
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
