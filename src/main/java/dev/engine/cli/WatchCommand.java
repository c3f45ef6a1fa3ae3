package dev.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engine.app.AiBranchSyncStep;
import dev.engine.app.Engine;
import dev.engine.app.Session;
import dev.engine.app.Wiring;
import dev.engine.audit.Event;
import dev.engine.config.ConfigException;
import dev.engine.config.Durations;
import dev.engine.config.StageSpec;
import dev.engine.console.Console;
import dev.engine.control.ControlSocket;
import dev.engine.git.PendingCommits;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.reconcile.Policy;
import dev.engine.redact.Redactor;
import dev.engine.sandbox.Profiles;
import dev.engine.state.Json;
import dev.engine.state.LockHeldException;
import dev.engine.watch.ActionQueue;
import dev.engine.watch.Drift;
import dev.engine.watch.ListenAddress;
import dev.engine.watch.LockWatch;
import dev.engine.watch.Notification;
import dev.engine.watch.Notifier;
import dev.engine.watch.StageFigures;
import dev.engine.watch.StatusSource;
import dev.engine.watch.SuccessChecks;
import dev.engine.watch.WatchEndpoints;
import dev.engine.watch.WatchLoop;
import dev.engine.watch.WatchMetrics;
import dev.engine.watch.WatchServer;
import dev.engine.watch.WebhookNotifier;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Converge every stage, then keep them green until stopped.",
            "",
            "Each cycle walks the stages in dependency order, as `run all` does; a stage that is not green holds "
                    + "back, for that cycle, the stages that depend on it (a stage without depends_on depends on every "
                    + "stage before it).",
            "",
            "Drift: every interval, green stages get their success_checks re-run. A failing check makes the stage "
                    + "failed with reason `drift: <check> exited N` (audit event drift, a notification, the checks' output "
                    + "in logs/<stage>/<stage>_<time>_drift.log), and it is converged again at once. A stage without "
                    + "success_checks cannot be checked for drift; once green it is left alone (listed at start).",
            "",
            "Backoff: a stage that stays failed is converged again after interval x 2^failures (at most 12 "
                    + "intervals or 1h) instead of every cycle; /api/status shows when. give_up stages are skipped.",
            "",
            "Acting while watch runs: watch holds the engine lock for its whole life. `engine reset`, `engine review "
                    + "approve` and `reject` hand their action to it over state/control.sock (a 0600 Unix socket) and print "
                    + "the result; watch does it between two stages, never during one. `run` or a second `watch` still exit 3. "
                    + "Each cycle re-reads state/stage_status.json. context_map.yaml is read once, at start: restart watch "
                    + "after editing it.",
            "",
            "Console: the listener also serves the web console (board, stage timelines, review with side-by-side "
                    + "diffs, reset/approve/reject). Its URL with this start's token is printed once at start (the token "
                    + "is also in state/console.token, mode 0600); actions need it.",
            "",
            "HTTP endpoints (GET only; loopback unless --allow-remote, then all but /healthz and /readyz need the token):",
            "  /healthz: 200 `ok` while the process lives.",
            "  /readyz: 200 when state is readable and the lock is held, else 503 and why.",
            "  /api/status: the `engine status --json` document plus a `watch` object (cycles, next cycle, backoff "
                    + "per stage).",
            "  /metrics: Prometheus text format (engine_stage_status, engine_stage_attempts_total, "
                    + "engine_api_calls_total, engine_api_tokens_total, engine_patches_total, "
                    + "engine_stage_last_run_timestamp_seconds, engine_stage_last_run_duration_seconds, "
                    + "engine_watch_cycles_total, engine_drift_total).",
            "",
            "Notifications: with notify_webhook_url set (in the engine: block of context_map.yaml, or as "
                    + "NOTIFY_WEBHOOK_URL) a JSON POST {event, stage, reason, time, host} goes out on give_up, drift, "
                    + "and when new AI commits wait for review (event review_pending); up to 3 tries from a background "
                    + "thread. A failure is reported on stderr and as audit event notify_failed, never fatal. "
                    + "(A top-level `notify:` block in context_map.yaml is not read.)",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine watch",
            "  engine watch --interval 1m --listen 127.0.0.1:9090",
            "  curl -s 127.0.0.1:8787/api/status | jq '.stages[] | {name, status}'",
            "  systemctl --user stop engine-watch    SIGTERM: stops cleanly, exit 0",
        })
final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Option(names = "--interval", defaultValue = "5m", converter = IntervalConverter.class, paramLabel = "DURATION",
            description = "Time between the end of one cycle and the start of the next (e.g. 30s, 5m, 1h). Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8787", converter = ListenConverter.class, paramLabel = "HOST:PORT",
            description = "Address of the HTTP endpoints; port 0 picks a free port (the bound address is printed). Default: ${DEFAULT-VALUE}.")
    ListenAddress listen;

    @Option(names = "--allow-remote",
            description = "Allow --listen on an address that is not loopback. Then every console page, /api/status and /metrics need the console token; /healthz and /readyz stay open.")
    boolean allowRemote;

    @Option(names = "--max-cycles", hidden = true, defaultValue = "0", paramLabel = "N",
            description = "Stop after N cycles (tests and benchmarks); 0: until stopped.")
    long maxCycles;

    @Override
    public Integer call() throws ConfigException, IOException, LockHeldException {
        if (!listen.loopback() && !allowRemote) {
            return usage("--listen " + listen + " is not a loopback address. Add --allow-remote to serve the console and"
                    + " endpoints on the network (every page then needs the console token; traffic is plain HTTP),"
                    + " or listen on 127.0.0.1:PORT and put a proxy with TLS in front.");
        }
        if (maxCycles < 0) {
            return usage("--max-cycles must be 0 (no limit) or more, got " + maxCycles);
        }
        Session s = Sessions.open(root);
        List<StageSpec> order = s.map().inDependencyOrder();
        if (root.ctx.signals()) {
            Signals.install(root.ctx.cancellation(), root.ctx.err());
        }
        try (Engine engine = Engine.open(s, root.io(), "engine watch")) {
            LockWatch lockWatch = LockWatch.of(engine.lock().file());
            String holder = "pid " + ProcessHandle.current().pid() + ", engine watch, since " + Instant.now();
            WatchMetrics metrics = new WatchMetrics(s.audit().file());
            Notifier notifier = notifier(s);
            WatchParts w = wiring(s, engine);
            ActionQueue actions = new ActionQueue();
            WatchLoop.Parts parts = WatchLoop.Parts.builder().order(order).state(s.state()).audit(s.audit())
                    .converger(w.converger()).checks(w.checks()).beforeConverging(w.beforeConverging())
                    .pendingAiCommits(() -> PendingCommits.count(s.layout().workspace(), s.settings().aiBranch()))
                    .notifier(notifier).metrics(metrics).clock(root.ctx.clock()).cancellation(root.ctx.cancellation())
                    .out(root.ctx.out()).err(root.ctx.err()).host(Notification.localHost(root.ctx.env()))
                    .build();
            WatchLoop loop = new WatchLoop(parts, new WatchLoop.Options(interval, maxCycles), actions);
            WatchEndpoints endpoints = new WatchEndpoints(statusSource(s, holder, lockWatch), loop::view, metrics, s.state(), lockWatch);
            Console console = Console.start(ConsoleWiring.parts(s, root, ConsoleWiring.redactor(s, root),
                    ConsoleWiring.source(s, () -> lockWatch.problem().isEmpty(), () -> holder),
                    ConsoleWiring.queued(s, actions), !listen.loopback(), "engine watch · pid " + ProcessHandle.current().pid()));
            WatchServer server;
            try {
                server = WatchServer.start(listen.resolve(), endpoints, console.watchPages());
            } catch (BindException e) {
                notifier.close();
                console.close();
                return usage("cannot listen on " + listen + ": " + e.getMessage()
                        + "; choose another address with --listen HOST:PORT (port 0 picks a free one)");
            }
            console.boundTo(server.address());
            ControlSocket control = controlSocket(s, actions, loop);
            try (notifier; console; server; ControlSocket closingControl = control) {
                String bound = ListenAddress.format(server.address());
                root.ctx.out().println("engine watch: listening on http://" + bound + " (/healthz /readyz /api/status /metrics)");
                root.ctx.out().println("engine watch: console " + console.loginUrl(bound));
                if (!listen.loopback()) {
                    root.ctx.err().println("engine watch: WARNING: serving on " + bound + ", reachable from the network"
                            + " over plain HTTP; pages and data need the console token");
                }
                root.ctx.out().println("engine watch: " + order.size() + " stage(s), every " + Durations.format(interval)
                        + (notifier.stats().target() == null ? "" : "; notifications to " + notifier.stats().target()));
                if (!loop.unverifiable().isEmpty()) {
                    root.ctx.out().println("engine watch: no success_checks, so drift cannot be detected for: "
                            + String.join(", ", loop.unverifiable()));
                }
                s.audit().append(null, Event.WATCH_STARTED, started(bound, loop.unverifiable()));
                WatchLoop.Outcome outcome;
                try {
                    outcome = loop.run();
                    // Actions handed in while the last stage ran are still done: the lock is held, nothing runs.
                    actions.runPending();
                } finally {
                    actions.close("engine watch stopped");
                }
                s.audit().append(null, Event.WATCH_FINISHED, Map.of("cycles", outcome.cycles(), "all_green", outcome.allGreen(),
                        "stopped_by_signal", outcome.stoppedBySignal()));
                lockWatch.released();
                // A stop by signal is the normal end of a daemon (DESIGN.md §3); --max-cycles ends like `run all`.
                return outcome.stoppedBySignal() || outcome.allGreen() ? 0 : 1;
            }
        }
    }

    /** The control channel for `reset` and `review approve|reject` run while watch holds the lock; null when it cannot be made. */
    private ControlSocket controlSocket(Session s, ActionQueue actions, WatchLoop loop) {
        try {
            return ControlSocket.open(s.layout().stateDir(), ConsoleWiring.controlHandler(s, actions,
                    () -> Optional.ofNullable(loop.view().currentStage())));
        } catch (IOException e) {
            root.ctx.err().println("engine watch: no control channel (" + e.getMessage() + "): `engine reset` and `engine review"
                    + " approve|reject` exit 3 while watch runs; the console's buttons still work");
            return null;
        }
    }

    /** The parts watch converges and verifies with. */
    private record WatchParts(WatchLoop.Converger converger, WatchLoop.Checks checks, WatchLoop.Step beforeConverging) {}

    /**
     * How watch converges a stage: exactly the loop `engine run` gets from {@link Engine}
     * (executor, escalation, the stage's clone); success checks run in that clone too.
     */
    private WatchParts wiring(Session s, Engine engine) throws IOException {
        Wiring w = engine.wiring();
        ConvergenceLoop loop = engine.loop();
        Policy policy = engine.policy();
        Profiles profiles = w.profiles();
        SuccessChecks checks = new SuccessChecks(w.checkout().dir(), w.stageEnv(), s.settings().defaultStageTimeout(),
                s.layout().logsDir(), s.layout().home(), root.ctx.clock(), root.ctx.cancellation(), w.processes(),
                st -> profiles.stage(st, w.checkout().dir()));
        // Reasons quote failed checks and the model's words; redacted before the loop takes them,
        // they are redacted in all it does with them (state, audit, notifications, /api/status, stdout).
        Redactor r = s.redactor();
        WatchLoop.Converger converger = stage -> {
            ConvergenceLoop.Report report = loop.converge(stage, policy);
            return report.reason() == null ? report : new ConvergenceLoop.Report(report.stage(), report.status(), r.redact(report.reason()));
        };
        WatchLoop.Checks verified = stage -> {
            Drift.Verdict v = checks.verify(stage);
            return v instanceof Drift.Verdict.Drifted d
                    ? new Drift.Verdict.Drifted(r.redact(d.check()), d.exitCode(), r.redact(d.reason()), d.log()) : v;
        };
        return new WatchParts(converger, verified, () -> {
            AiBranchSyncStep.run(s);
            w.checkout().sync(w.target().commit());
        });
    }

    /** A usage error said in one line, without the long help picocli would print after it. */
    private int usage(String message) {
        root.ctx.err().println("engine watch: " + message);
        return Main.USAGE;
    }

    private Notifier notifier(Session s) {
        return s.settings().notifyWebhookUrl()
                .<Notifier>map(url -> new WebhookNotifier(WebhookNotifier.Options.defaults(URI.create(url)), s.audit(), root.ctx.err(),
                        text -> s.redactor().redact(text)))
                .orElse(Notifier.NONE);
    }

    /** /api/status and /metrics read the very document `engine status --json` prints. */
    private static StatusSource statusSource(Session s, String holder, LockWatch lock) {
        ObjectMapper json = Json.mapper();
        return () -> {
            // Not StatusReport.build(s): probing the lock file from this process would release our lock.
            boolean held = lock.problem().isEmpty();
            StatusReport report = redacted(StatusReport.build(s, held, holder), s.redactor());
            List<StageFigures> figures = report.stages().stream().map(r -> new StageFigures(r.name(), r.status(),
                    r.attemptCounter(), r.stageApiCalls(), r.tokens(), epochSeconds(r.lastRun()),
                    r.lastDurationMs() == null ? null : r.lastDurationMs() / 1000.0)).toList();
            return new StatusSource.Reading((ObjectNode) json.valueToTree(report), figures);
        };
    }

    /**
     * The reasons as served: stored redacted already, redacted again here, because a state file
     * an older engine (or a human) wrote is served too (I8).
     */
    private static StatusReport redacted(StatusReport r, Redactor redactor) {
        List<StatusReport.Row> rows = r.stages().stream().map(x -> x.reason() == null ? x : new StatusReport.Row(x.name(), x.status(),
                redactor.redact(x.reason()), x.attempts(), x.attemptCounter(), x.lastFingerprint(), x.apiCalls(), x.apiCallBudget(),
                x.stageApiCalls(), x.stageApiCallCap(), x.tokens(), x.lastRun(), x.lastDurationMs(), x.lastExit(), x.lastLog(),
                x.inContextMap())).toList();
        return new StatusReport(r.home(), r.workspace(), rows, r.aiBranch(), r.pendingAiCommits(), r.aiBranchSync(), r.lockHeld(),
                r.lockHolder());
    }

    private static Double epochSeconds(String instant) {
        try {
            return instant == null ? null : Instant.parse(instant).toEpochMilli() / 1000.0;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private Map<String, Object> started(String bound, List<String> unverifiable) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pid", ProcessHandle.current().pid());
        d.put("interval_ms", interval.toMillis());
        d.put("listen", bound);
        d.put("unverifiable", unverifiable);
        return d;
    }

    static final class IntervalConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                Duration d = Durations.parse(value);
                if (d.isZero()) {
                    throw new CommandLine.TypeConversionException("the interval must be longer than zero, got '" + value + "'");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ListenConverter implements CommandLine.ITypeConverter<ListenAddress> {
        @Override
        public ListenAddress convert(String value) {
            try {
                return ListenAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
