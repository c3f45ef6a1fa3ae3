package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.config.Settings;
import dev.engine.escalation.CaseContext;
import dev.engine.escalation.Escalator;
import dev.engine.escalation.ModelEscalator;
import dev.engine.escalation.model.ModelClient;
import dev.engine.escalation.model.ModelSettings;
import dev.engine.executor.CommandExecutor;
import dev.engine.executor.Executor;
import dev.engine.executor.ModelExecutor;
import dev.engine.executor.NoExecutor;
import dev.engine.fingerprint.Fingerprinter;
import dev.engine.git.PatchLanding;
import dev.engine.git.StageCheckout;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.reconcile.Policy;
import dev.engine.redact.RedactionKey;
import dev.engine.redact.Redactor;
import dev.engine.stage.StageRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the convergence loop's parts from a session: the one place where `run` and `watch`
 * decide which executor, escalator and checkout a stage gets.
 */
final class Wiring implements AutoCloseable {
    static final String DEFAULT_OPENAI_URL = "https://api.openai.com/v1";

    private final Session s;
    private final EngineCommand root;
    private final Redactor redactor;
    private final CaseContext cases;
    private final PatchLanding landing;
    private final List<String> protectedFiles;
    private final StageCheckout checkout;
    private ModelClient apiClient;
    private ModelClient executorClient;

    Wiring(Session s, EngineCommand root) throws IOException {
        this.s = s;
        this.root = root;
        this.redactor = Redactor.create(RedactionKey.loadOrCreate(s.layout().stateDir()), root.ctx.env());
        this.checkout = StageCheckout.at(s.layout().workspace(), s.layout().checkoutDir(), s.settings().aiBranch(), "main");
        this.cases = new CaseContext(s.state(), s.audit(), s.map(), CaseContext.readMemo(s.layout().memo()), s.settings(),
                s.layout().home(), checkout.dir(), s.layout().escalationsDir(), redactor, root.ctx.clock());
        this.landing = new PatchLanding(new PatchLanding.Setup(s.layout().workspace(), s.layout().home(), s.settings().aiBranch(),
                "main", s.map().protectedFiles(), s.audit(), Optional.of(redactor)));
        this.protectedFiles = PatchLanding.protectedFiles(s.layout().workspace(), s.layout().home(), s.map().protectedFiles());
    }

    CaseContext cases() {
        return cases;
    }

    StageCheckout checkout() {
        return checkout;
    }

    ConvergenceLoop.Parts parts(Escalator escalator, Executor executor) {
        PrintStream out = root.ctx.out();
        StageRunner runner = new StageRunner(new StageRunner.Options(checkout.dir(), stageEnv(),
                s.settings().defaultStageTimeout(), root.interactive(), root.verbose, root.ctx.err(), root.ctx.clock(),
                dev.engine.stage.ssh.SshOptions.from(s.settings())));
        ConvergenceLoop.BeforeAttempt sync = stage -> {
            StageCheckout.Result r = checkout.sync();
            r.warnings().forEach(w -> out.println(stage.name() + ": checkout: " + w));
            if (root.verbose) {
                out.println(stage.name() + ": runs in " + checkout.dir() + " at " + r.commit().substring(0, 10)
                        + " (" + r.written() + " written, " + r.deleted() + " deleted, " + r.linked() + " local files linked)");
            }
        };
        return new ConvergenceLoop.Parts(s.state(), s.audit(), runner, new Fingerprinter(s.settings().logTailLines()),
                executor, escalator, root.ctx.clock(), root.ctx.cancellation(), out, s.layout().logsDir(),
                s.layout().home(), s.map().stageNames(), sync);
    }

    /** The environment stage commands and success checks run with. */
    Map<String, String> stageEnv() {
        Map<String, String> env = new java.util.HashMap<>(root.ctx.env());
        // The checkout has no .git of its own: without a ceiling a stage's `git` would find the
        // user's repository above it and could change their working tree (I1).
        env.put("GIT_CEILING_DIRECTORIES", checkout.dir().getParent().toString());
        // A stage runs model-written code once a patch lands; it must not be able to read the model's key.
        env.remove("OPENAI_API_KEY");
        env.remove("EXECUTOR_API_KEY");
        return env;
    }

    Escalator escalator() {
        Settings st = s.settings();
        Map<String, String> env = root.ctx.env();
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
        Map<String, String> diagnosticsEnv = new java.util.HashMap<>(stageEnv());
        diagnosticsEnv.remove("OPENAI_API_KEY");
        diagnosticsEnv.remove("EXECUTOR_API_KEY");
        return new ModelEscalator(new ModelEscalator.Setup(cases, landing, protectedFiles, s.map().stageNames(), diagnosticsEnv,
                s.layout().diagnosticsLogsDir(), checkout.dir(), client, unavailable, root.ctx.cancellation()));
    }

    Executor executor() throws ConfigException, IOException {
        Settings st = s.settings();
        switch (st.effectiveExecutorKind()) {
            case "command": {
                String command = st.executorCommand().orElseThrow(() -> new ConfigException(s.layout().contextMap(), 0,
                        "executor_kind", "is command but EXECUTOR_COMMAND (executor_command) is not set"));
                Path instructions = s.layout().home().resolve("executor_instructions.md");
                String text = Files.isRegularFile(instructions) ? Files.readString(instructions, StandardCharsets.UTF_8) : "";
                return new CommandExecutor(new CommandExecutor.Setup(command, cases, landing, protectedFiles,
                        s.layout().workspace(), st.aiBranch(), s.layout().patchesDir(), s.layout().executorLogsDir(),
                        root.ctx.env(), st.executorEnv(), st.executorTimeout(), st.executorOutputCap(),
                        redactor.redactFile("executor_instructions.md", text), root.ctx.cancellation()));
            }
            case "openai": {
                String url = st.executorBaseUrl().orElseThrow(() -> new ConfigException(s.layout().contextMap(), 0,
                        "executor_base_url", "executor_kind is openai but EXECUTOR_BASE_URL is not set (e.g. http://127.0.0.1:11434/v1 for Ollama)"));
                String model = st.executorModel().orElseThrow(() -> new ConfigException(s.layout().contextMap(), 0,
                        "executor_model", "executor_kind is openai but EXECUTOR_MODEL is not set"));
                String key = root.ctx.env().getOrDefault("EXECUTOR_API_KEY", "");
                Supplier<ModelClient> client = () -> {
                    if (executorClient == null) {
                        executorClient = new ModelClient(new ModelSettings(url, key.isBlank() ? "none" : key, model,
                                st.executorTimeout(), st.openaiMaxRetries()));
                    }
                    return executorClient;
                };
                return new ModelExecutor(new ModelExecutor.Setup(cases, landing, protectedFiles, s.layout().patchesDir(), client,
                        root.ctx.cancellation()));
            }
            default:
                return new NoExecutor("no executor configured (set EXECUTOR_COMMAND, or EXECUTOR_KIND=openai with EXECUTOR_BASE_URL)");
        }
    }

    /** Stages run from committed content; edits the user has not committed would silently not count. */
    void warnAboutUncommittedChanges() throws IOException {
        List<String> changed = StageCheckout.uncommittedChanges(s.layout().workspace());
        if (!changed.isEmpty()) {
            int shown = Math.min(5, changed.size());
            root.ctx.err().println("engine: warning: stages run from the committed " + s.settings().aiBranch()
                    + " (or main) content; uncommitted changes are not seen: " + String.join(", ", changed.subList(0, shown))
                    + (changed.size() > shown ? " and " + (changed.size() - shown) + " more" : "") + ". Commit them to include them.");
        }
    }

    static Policy policy(Session s, Escalator escalator) {
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
