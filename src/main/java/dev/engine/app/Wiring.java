package dev.engine.app;

import dev.engine.config.ConfigException;
import dev.engine.config.Settings;
import dev.engine.config.StageSpec;
import dev.engine.escalation.CaseAssembler;
import dev.engine.escalation.CaseFiles;
import dev.engine.escalation.Escalator;
import dev.engine.escalation.ModelEscalator;
import dev.engine.escalation.model.ModelClient;
import dev.engine.escalation.model.ModelSettings;
import dev.engine.executor.CommandExecutor;
import dev.engine.executor.Executor;
import dev.engine.executor.ModelExecutor;
import dev.engine.executor.NoExecutor;
import dev.engine.fingerprint.Fingerprinter;
import dev.engine.gate.AutoRun;
import dev.engine.gate.ReviewGate;
import dev.engine.git.PatchLanding;
import dev.engine.git.RunTarget;
import dev.engine.git.StageClone;
import dev.engine.git.Uncommitted;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.reconcile.Policy;
import dev.engine.redact.Redactor;
import dev.engine.sandbox.Containment;
import dev.engine.sandbox.Profiles;
import dev.engine.sandbox.Sandbox;
import dev.engine.stage.Attempts;
import dev.engine.stage.ProcessRunner;
import dev.engine.stage.StageResult;
import dev.engine.stage.StageRunner;
import dev.engine.stage.ssh.SshOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the convergence loop's parts from a session: the one place where `run` and `watch`
 * decide which executor, escalator and checkout a stage gets.
 */
public final class Wiring implements AutoCloseable {
    public static final String DEFAULT_OPENAI_URL = "https://api.openai.com/v1";

    private final Session s;
    private final Io io;
    private final Redactor redactor;
    private final CaseAssembler cases;
    private final CaseFiles escalations;
    private final PatchLanding landing;
    private final StageClone checkout;
    private final Sandbox sandbox;
    private final ProcessRunner processes;
    private Profiles profiles;
    private ModelClient apiClient;
    private ModelClient executorClient;

    public Wiring(Session s, Io io) throws IOException {
        this.s = s;
        this.io = io;
        // The one Redactor of this process (the workspace's known values and the environment's),
        // shared with the audit trail and the state the session writes.
        this.redactor = s.redactor();
        this.checkout = StageClone.at(s.layout().workspace(), s.layout().checkoutDir(), s.layout().home(), "main");
        this.sandbox = Sandbox.locate(s.settings().sandboxBwrap(), io.env())
                .rememberingTrialIn(s.layout().stateDir().resolve(Sandbox.PROBE_FILE), true);
        this.processes = new ProcessRunner(sandbox);
        this.cases = CaseAssembler.builder().state(s.state()).audit(s.audit()).map(s.map())
                .memo(CaseAssembler.readMemo(s.layout().memo())).settings(s.settings()).home(s.layout().home())
                .filesRoot(checkout.dir()).redactor(redactor).build();
        this.escalations = new CaseFiles(s.layout().escalationsDir(), io.clock());
        this.landing = new PatchLanding(new PatchLanding.Setup(s.layout().workspace(), s.layout().home(), s.settings().aiBranch(),
                "main", s.map().protectedFiles(), s.audit(), Optional.of(redactor)));
    }

    /** Builds case text: for escalation, the executors and {@code engine case}. */
    public CaseAssembler cases() {
        return cases;
    }

    /** Names and writes the files of {@code escalations/}. */
    public CaseFiles escalations() {
        return escalations;
    }

    public StageClone checkout() {
        return checkout;
    }

    public ProcessRunner processes() {
        return processes;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** The containment of a stage's attempts and success checks (DESIGN.md §8). */
    public Containment stageContainment(StageSpec stage) throws IOException {
        return profiles().stage(stage, checkout.dir());
    }

    public Profiles profiles() throws IOException {
        if (profiles == null) {
            profiles = Profiles.of(s.layout().workspace(), s.layout().home(), StageClone.objectsDir(s.layout().workspace()),
                    io.env());
        }
        return profiles;
    }

    /**
     * What the review gate needs: AI-changed code may run sandboxed only where the sandbox works
     * for every stage (a stage with sandbox: off would run it uncontained).
     */
    public RunTarget.Policy gatePolicy() {
        boolean contained = sandbox.available() && s.map().stages().stream().noneMatch(st -> st.sandbox().off());
        return new RunTarget.Policy(AutoRun.parse(s.settings().autoRun()), contained, s.map().stages());
    }

    public RunTarget.Choice target() throws IOException {
        return RunTarget.choose(s.layout().workspace(), s.settings().aiBranch(), "main", gatePolicy());
    }

    public ConvergenceLoop.Parts parts(Escalator escalator, Executor executor) throws IOException {
        PrintStream out = io.out();
        Profiles prof = profiles();
        StageRunner runner = new StageRunner(StageRunner.Options.builder().cwd(checkout.dir()).env(stageEnv())
                .defaultTimeout(s.settings().defaultStageTimeout()).interactive(io.interactive()).verbose(io.verbose())
                .console(io.err()).clock(io.clock()).ssh(SshOptions.from(s.settings()))
                .processes(processes).containment(st -> prof.stage(st, checkout.dir()))
                .build());
        ConvergenceLoop.BeforeAttempt sync = stage -> {
            RunTarget.Choice choice = target();
            StageClone.Result r = checkout.sync(choice.commit());
            r.warnings().forEach(w -> out.println(stage.name() + ": clone: " + w));
            if (io.verbose()) {
                out.println(stage.name() + ": runs in " + checkout.dir() + " at " + r.commit().substring(0, 10)
                        + (choice.gate().held().isEmpty() ? "" : " (" + choice.gate().held().size() + " AI commit(s) wait for review)")
                        + ", " + r.linked() + " local files linked" + (processes.contains(prof.stage(stage, checkout.dir()))
                        ? ", sandboxed" : ", NOT sandboxed: " + prof.stage(stage, checkout.dir()).off()
                                .orElse(sandbox.problem().orElse("?"))));
            }
        };
        ConvergenceLoop.Holds holds = commit -> commit == null ? Optional.empty()
                : target().held(commit).map(ReviewGate.Held::describe);
        return ConvergenceLoop.Parts.builder().state(s.state()).audit(s.audit()).runner(redacting(runner))
                .fingerprinter(new Fingerprinter(s.settings().logTailLines())).executor(executor).escalator(escalator)
                .clock(io.clock()).cancellation(io.cancellation()).out(out).logsDir(s.layout().logsDir())
                .home(s.layout().home()).allStages(s.map().stageNames()).beforeAttempt(sync).holds(holds)
                .build();
    }

    /**
     * An attempt's detail quotes the failed success check ("success check failed (exit code 22):
     * curl -u admin:..."); redacted where it is made, it is redacted in every place it goes
     * (stdout, state, audit, status, notifications).
     */
    private Attempts redacting(Attempts runner) {
        return (stage, attempt, logsDir, cancellation, started) -> {
            StageResult r = runner.run(stage, attempt, logsDir, cancellation, started);
            return r.detail() == null ? r
                    : new StageResult(r.outcome(), r.exitCode(), r.duration(), r.log(), redactor.redact(r.detail()));
        };
    }

    /** The environment stage commands and success checks run with. */
    public Map<String, String> stageEnv() {
        Map<String, String> env = new HashMap<>(io.env());
        // The clone is a repository of its own; the ceiling stops a `git -C ..` from the folder
        // that holds it from finding the user's repository above (I1).
        env.put("GIT_CEILING_DIRECTORIES", checkout.dir().getParent().toString());
        // A stage runs model-written code once a patch lands; it must not be able to read the model's key.
        env.remove("OPENAI_API_KEY");
        env.remove("EXECUTOR_API_KEY");
        return env;
    }

    public Escalator escalator() throws IOException {
        Settings st = s.settings();
        Map<String, String> env = io.env();
        String key = env.getOrDefault("OPENAI_API_KEY", "");
        Optional<String> unavailable = key.isBlank() && st.openaiBaseUrl().equals(DEFAULT_OPENAI_URL)
                ? Optional.of("OPENAI_API_KEY is not set") : Optional.empty();
        Supplier<ModelClient> client = () -> {
            if (apiClient == null) {
                apiClient = new ModelClient(new ModelSettings(st.openaiBaseUrl(), key.isBlank() ? "none" : key,
                        st.openaiModel(), st.openaiTimeout(), st.openaiMaxRetries()));
            }
            return apiClient;
        };
        // Diagnostics are read-only cluster commands: they need the kubeconfig, not the model's key.
        Map<String, String> diagnosticsEnv = new HashMap<>(stageEnv());
        diagnosticsEnv.remove("OPENAI_API_KEY");
        diagnosticsEnv.remove("EXECUTOR_API_KEY");
        Profiles prof = profiles();
        return new ModelEscalator(ModelEscalator.Setup.builder()
                .cases(cases).escalations(escalations).state(s.state()).audit(s.audit()).settings(st).redactor(redactor)
                .clock(io.clock()).home(s.layout().home()).filesRoot(checkout.dir()).contextMapFile(s.map().file())
                .landing(landing).allStages(s.map().stageNames())
                .diagnosticsEnv(diagnosticsEnv).diagnosticsDir(s.layout().diagnosticsLogsDir()).diagnosticsCwd(checkout.dir())
                .client(client).unavailable(unavailable).cancellation(io.cancellation())
                .processes(processes).diagnosticsContainment(stage -> prof.diagnostics(stage, checkout.dir()))
                .build());
    }

    public Executor executor() throws ConfigException, IOException {
        Settings st = s.settings();
        switch (st.effectiveExecutorKind()) {
            case "command": {
                String command = st.executorCommand().orElseThrow(() -> new ConfigException(s.layout().contextMap(), 0,
                        "executor_kind", "is command but EXECUTOR_COMMAND (executor_command) is not set"));
                Path instructions = s.layout().home().resolve("executor_instructions.md");
                String text = Files.isRegularFile(instructions) ? Files.readString(instructions, StandardCharsets.UTF_8) : "";
                return new CommandExecutor(CommandExecutor.Setup.builder()
                        .command(command).cases(cases).patches(patches()).home(s.layout().home()).landing(landing)
                        .workspace(s.layout().workspace()).aiBranch(st.aiBranch()).executorLogsDir(s.layout().executorLogsDir())
                        .env(io.env()).allowedEnv(st.executorEnv()).timeout(st.executorTimeout()).outputCap(st.executorOutputCap())
                        .instructions(redactor.redactFile("executor_instructions.md", text))
                        .cancellation(io.cancellation()).processes(processes).profiles(profiles()).writable(st.executorWritable())
                        .build());
            }
            case "openai": {
                String url = st.executorBaseUrl().orElseThrow(() -> new ConfigException(s.layout().contextMap(), 0,
                        "executor_base_url", "executor_kind is openai but EXECUTOR_BASE_URL is not set (e.g. http://127.0.0.1:11434/v1 for Ollama)"));
                String model = st.executorModel().orElseThrow(() -> new ConfigException(s.layout().contextMap(), 0,
                        "executor_model", "executor_kind is openai but EXECUTOR_MODEL is not set"));
                String key = io.env().getOrDefault("EXECUTOR_API_KEY", "");
                Supplier<ModelClient> client = () -> {
                    if (executorClient == null) {
                        executorClient = new ModelClient(new ModelSettings(url, key.isBlank() ? "none" : key, model,
                                st.executorTimeout(), st.openaiMaxRetries()));
                    }
                    return executorClient;
                };
                return new ModelExecutor(new ModelExecutor.Setup(cases, patches(), s.audit(), landing, client, io.cancellation()));
            }
            default:
                return new NoExecutor("no executor configured (set EXECUTOR_COMMAND, or EXECUTOR_KIND=openai with EXECUTOR_BASE_URL)");
        }
    }

    /** Executor attempts' bundles and diffs ({@code patches/}), named on this process's clock. */
    private CaseFiles patches() {
        return new CaseFiles(s.layout().patchesDir(), io.clock());
    }

    /** Stages run from committed content; edits the user has not committed would silently not count. */
    public void warnAboutUncommittedChanges() throws IOException {
        List<String> changed = Uncommitted.of(s.layout().workspace());
        if (!changed.isEmpty()) {
            int shown = Math.min(5, changed.size());
            io.err().println("engine: warning: stages run from the committed " + s.settings().aiBranch()
                    + " (or main) content; uncommitted changes are not seen: " + String.join(", ", changed.subList(0, shown))
                    + (changed.size() > shown ? " and " + (changed.size() - shown) + " more" : "") + ". Commit them to include them.");
        }
    }

    public static Policy policy(Session s, Escalator escalator) {
        return new Policy(s.settings().executorRetryThreshold(), s.settings().apiCallBudget(), s.settings().stageApiCallCap(),
                s.settings().maxAttemptsPerRun(), escalator.unavailable());
    }

    @Override
    public void close() {
        if (apiClient != null) {
            apiClient.close();
        }
        if (executorClient != null) {
            executorClient.close();
        }
    }
}
