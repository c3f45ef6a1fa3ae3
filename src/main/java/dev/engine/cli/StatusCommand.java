package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.config.ConfigException;
import dev.engine.config.Durations;
import dev.engine.sandbox.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Show where each stage stands and what waits for review.",
            "",
            "One row per stage: status, attempts on the current failure, its fingerprint, API calls used of the budget, "
                    + "tokens, last run time and last log. Below the table: the AI branch, the sandbox and whether an "
                    + "engine holds the lock.",
            "",
            "It reads state only and needs no lock, so it works while `engine run` or `engine watch` is busy.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine status                the table",
            "  engine status -o wide        also call cap, duration, exit code and reason",
            "  engine status -o json        one JSON document for scripts (also: --json)",
            "  engine status --no-headers   rows only, e.g. for awk",
            "  engine status -w             print it again on every change (Ctrl-C stops)",
        })
final class StatusCommand implements Callable<Integer> {
    private static final Duration DEFAULT_POLL = Duration.ofSeconds(2);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ISO_INSTANT;

    @ParentCommand
    EngineCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Option(names = {"-w", "--watch"}, description = "Keep running and print the status again each time it changes, until Ctrl-C or SIGTERM.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", converter = WatchCommand.IntervalConverter.class,
            description = "With -w: how often the state files are read (e.g. 500ms, 5s; default 2s).")
    Duration interval;

    @Override
    public Integer call() throws ConfigException, IOException {
        OutputOptions.Format format = output.format();
        if (interval != null && !watch) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--interval only applies with -w (watch); add -w or drop --interval");
        }
        Session s = Sessions.open(root);
        // One sandbox for every redraw of -w: finding out whether bubblewrap works starts a process.
        Sandbox sandbox = Sandbox.locate(s.settings().sandboxBwrap(), root.ctx.env())
                .rememberingTrialIn(s.layout().stateDir().resolve(Sandbox.PROBE_FILE), false);
        if (!watch) {
            root.ctx.out().print(render(s, sandbox, format));
            return 0;
        }
        return watch(s, sandbox, format);
    }

    /**
     * Reads the state every interval and prints the status when it differs from what was printed
     * last; a signal (or the test's cancellation) ends it with exit 0, as it ends `watch`.
     */
    private int watch(Session s, Sandbox sandbox, OutputOptions.Format format) throws IOException {
        if (root.ctx.signals()) {
            Signals.install(root.ctx.cancellation(), root.ctx.err());
        }
        Duration poll = interval == null ? DEFAULT_POLL : interval;
        PrintStream out = root.ctx.out();
        CountDownLatch stop = new CountDownLatch(1);
        AutoCloseable hook = root.ctx.cancellation().onCancel(stop::countDown);
        try {
            String last = null;
            while (!root.ctx.cancellation().isCancelled()) {
                String now = render(s, sandbox, format);
                if (!now.equals(last)) {
                    out.print(separator(format, last == null));
                    out.print(now);
                    out.flush();
                    last = now;
                }
                if (stop.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(hook);
        }
        return 0;
    }

    /** What goes before each print of -w: a time line between tables, a document marker between YAML documents. */
    private String separator(OutputOptions.Format format, boolean first) {
        return switch (format) {
            case JSON -> "";
            case YAML -> first ? "" : "---\n";
            default -> (first ? "" : "\n") + (output.headers()
                    ? "status at " + CLOCK.format(root.ctx.clock().instant().truncatedTo(ChronoUnit.SECONDS)) + "\n" : "");
        };
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // unregistering a hook from an in-memory list does not fail
        }
    }

    private String render(Session s, Sandbox sandbox, OutputOptions.Format format) throws IOException {
        StatusReport report = StatusReport.build(s);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        switch (format) {
            case JSON -> out.println(OutputOptions.json(report));
            case YAML -> out.print(OutputOptions.yaml(report));
            case WIDE -> wide(s, report, sandbox, out);
            default -> table(s, report, sandbox, out);
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void table(Session s, StatusReport report, Sandbox sandbox, PrintStream out) {
        String fmt = "%-12s %-9s %8s  %-12s %6s %8s  %-20s %s%n";
        if (output.headers()) {
            out.printf(fmt, "STAGE", "STATUS", "ATTEMPTS", "FINGERPRINT", "API", "TOKENS", "LAST RUN", "LAST LOG");
        }
        for (StatusReport.Row r : report.stages()) {
            out.printf(fmt, name(r), r.status(), r.attempts(), dash(r.lastFingerprint()), r.apiCalls() + "/" + r.apiCallBudget(),
                    r.tokens(), dash(lastRun(r)), dash(r.lastLog()));
            if (output.headers() && r.reason() != null && !r.status().equals("green")) {
                out.println("             reason: " + r.reason());
            }
        }
        if (output.headers()) {
            notes(s, report, sandbox, out);
        }
    }

    /** The table with the stage's cap across fingerprints, the last attempt's duration and exit code, and the reason as a column. */
    private void wide(Session s, StatusReport report, Sandbox sandbox, PrintStream out) {
        String fmt = "%-12s %-9s %8s  %-12s %6s %9s %8s  %-20s %8s %4s  %-48s %s%n";
        if (output.headers()) {
            out.printf(fmt, "STAGE", "STATUS", "ATTEMPTS", "FINGERPRINT", "API", "STAGE API", "TOKENS", "LAST RUN", "DURATION",
                    "EXIT", "LAST LOG", "REASON");
        }
        for (StatusReport.Row r : report.stages()) {
            out.printf(fmt, name(r), r.status(), r.attempts(), dash(r.lastFingerprint()), r.apiCalls() + "/" + r.apiCallBudget(),
                    r.stageApiCalls() + "/" + r.stageApiCallCap(), r.tokens(), dash(lastRun(r)),
                    r.lastDurationMs() == null ? "-" : Durations.format(Duration.ofMillis(r.lastDurationMs())),
                    r.lastExit() == null ? "-" : r.lastExit().toString(), dash(r.lastLog()),
                    r.reason() == null || r.status().equals("green") ? "-" : oneLine(r.reason()));
        }
        if (output.headers()) {
            notes(s, report, sandbox, out);
        }
    }

    /** The lines below the table: stages only the state knows, the AI branch, review waits, the sandbox, the lock. */
    private void notes(Session s, StatusReport report, Sandbox sandbox, PrintStream out) {
        if (report.stages().stream().anyMatch(r -> !r.inContextMap())) {
            out.println("* in state but no longer in context_map.yaml");
        }
        out.println();
        out.println("AI branch " + report.aiBranch() + ": " + (report.pendingAiCommits() == null
                ? "not created yet" : report.pendingAiCommits() + " commit(s) waiting for review"));
        if (report.aiBranchSync() != null && "conflict".equals(report.aiBranchSync().result())) {
            out.println("AI branch conflicts with " + "main: commit " + report.aiBranchSync().conflictCommit().substring(0, 10)
                    + " no longer applies (" + String.join(", ", report.aiBranchSync().conflictPaths())
                    + "); review it with `engine review show`, then approve or reject it");
        }
        if (report.stages().stream().anyMatch(r -> r.status().equals("awaiting_review"))) {
            out.println("awaiting review: the stage runs nothing new until a human approves or rejects the AI commit"
                    + " its reason names (`engine review`)");
        }
        SandboxReport.print(s, sandbox, out, root.interactive());
        if (report.lockHeld()) {
            out.println("engine busy: " + report.lockHolder());
        }
    }

    private static String name(StatusReport.Row r) {
        return r.name() + (r.inContextMap() ? "" : "*");
    }

    private static String lastRun(StatusReport.Row r) {
        return r.lastRun() == null ? null : r.lastRun().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z");
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ");
    }

    private static String dash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }
}
