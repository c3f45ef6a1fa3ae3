package dev.engine.executor;

import dev.engine.config.Durations;
import dev.engine.escalation.CaseAssembler;
import dev.engine.escalation.CaseFiles;
import dev.engine.escalation.casefile.CaseFile;
import dev.engine.git.PatchLanding;
import dev.engine.git.ScratchClone;
import dev.engine.sandbox.Profiles;
import dev.engine.stage.Cancellation;
import dev.engine.stage.CommandOutcome;
import dev.engine.stage.ProcessRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The executor of kind {@code command} (e.g. Codex CLI): given a redacted bundle, it works in a
 * scratch checkout of the AI branch with a scrubbed environment (I9); whatever it changed there
 * (or the unified diff it printed) is held to the stage's files and every invariant, then
 * committed to the AI branch.
 */
public final class CommandExecutor implements Executor {

    /**
     * What an attempt needs; made with {@link #builder()}.
     *
     * @param command the shell command that runs the executor, e.g. {@code codex exec ...}
     * @param cases builds the bundle: the same case text escalation sends
     * @param patches where bundles, scratch clones and diffs go ({@code patches/})
     * @param home the engine's home: paths in outcomes are relative to it
     * @param workspace the user's repository, cloned for each attempt
     * @param env the engine's environment; only {@code allowedEnv} of it reaches the command
     * @param instructions the text of executor_instructions.md; default "" (the home has none)
     * @param writable paths the command may write besides its scratch clone; default none
     */
    public record Setup(String command, CaseAssembler cases, CaseFiles patches, Path home, PatchLanding landing,
                        Path workspace, String aiBranch, Path executorLogsDir, Map<String, String> env,
                        List<String> allowedEnv, Duration timeout, int outputCap, String instructions,
                        Cancellation cancellation, ProcessRunner processes, Profiles profiles, List<String> writable) {

        public static Builder builder() {
            return new Builder();
        }

        /** Every part is required except {@code instructions} and {@code writable}. */
        public static final class Builder {
            private String command;
            private CaseAssembler cases;
            private CaseFiles patches;
            private Path home;
            private PatchLanding landing;
            private Path workspace;
            private String aiBranch;
            private Path executorLogsDir;
            private Map<String, String> env;
            private List<String> allowedEnv;
            private Duration timeout;
            private Integer outputCap;
            private String instructions = "";
            private Cancellation cancellation;
            private ProcessRunner processes;
            private Profiles profiles;
            private List<String> writable = List.of();

            private Builder() {}

            public Builder command(String command) {
                this.command = command;
                return this;
            }

            public Builder cases(CaseAssembler cases) {
                this.cases = cases;
                return this;
            }

            public Builder patches(CaseFiles patches) {
                this.patches = patches;
                return this;
            }

            public Builder home(Path home) {
                this.home = home;
                return this;
            }

            public Builder landing(PatchLanding landing) {
                this.landing = landing;
                return this;
            }

            public Builder workspace(Path workspace) {
                this.workspace = workspace;
                return this;
            }

            public Builder aiBranch(String aiBranch) {
                this.aiBranch = aiBranch;
                return this;
            }

            public Builder executorLogsDir(Path executorLogsDir) {
                this.executorLogsDir = executorLogsDir;
                return this;
            }

            public Builder env(Map<String, String> env) {
                this.env = env;
                return this;
            }

            public Builder allowedEnv(List<String> allowedEnv) {
                this.allowedEnv = allowedEnv;
                return this;
            }

            public Builder timeout(Duration timeout) {
                this.timeout = timeout;
                return this;
            }

            public Builder outputCap(int outputCap) {
                this.outputCap = outputCap;
                return this;
            }

            public Builder instructions(String instructions) {
                this.instructions = instructions;
                return this;
            }

            public Builder cancellation(Cancellation cancellation) {
                this.cancellation = cancellation;
                return this;
            }

            public Builder processes(ProcessRunner processes) {
                this.processes = processes;
                return this;
            }

            public Builder profiles(Profiles profiles) {
                this.profiles = profiles;
                return this;
            }

            public Builder writable(List<String> writable) {
                this.writable = writable;
                return this;
            }

            public Setup build() {
                return new Setup(required(command, "command"), required(cases, "cases"), required(patches, "patches"),
                        required(home, "home"), required(landing, "landing"), required(workspace, "workspace"),
                        required(aiBranch, "aiBranch"), required(executorLogsDir, "executorLogsDir"),
                        required(env, "env"), required(allowedEnv, "allowedEnv"), required(timeout, "timeout"),
                        required(outputCap, "outputCap"), required(instructions, "instructions"),
                        required(cancellation, "cancellation"), required(processes, "processes"),
                        required(profiles, "profiles"), required(writable, "writable"));
            }

            private static <T> T required(T part, String name) {
                if (part == null) {
                    throw new IllegalStateException("CommandExecutor.Setup: " + name + " is required");
                }
                return part;
            }
        }
    }

    private final Setup s;

    public CommandExecutor(Setup setup) {
        this.s = setup;
    }

    @Override
    public ExecutorOutcome attempt(ExecutorRequest req) throws IOException {
        String name = req.stage().name();
        Path patchesDir = s.patches().dir();
        String prefix = s.patches().newPrefix(name, "_attempt" + req.attempts(), "_bundle.md");
        CaseFile bundle = s.cases().assemble(req.stage(), req.fingerprint(), req.log(), 1, List.of(), List.of());
        Files.createDirectories(patchesDir);
        Path bundleFile = patchesDir.resolve(prefix + "_bundle.md");
        Files.writeString(bundleFile, bundleText(bundle), StandardCharsets.UTF_8);
        Path scratchDir = patchesDir.resolve("." + prefix + "_scratch");
        Files.createDirectories(s.executorLogsDir());
        Path log = s.executorLogsDir().resolve(prefix + ".log");
        try (ScratchClone scratch = ScratchClone.create(s.workspace(), s.aiBranch(), "main", scratchDir);
             OutputStream out = Files.newOutputStream(log)) {
            Map<String, String> env = new LinkedHashMap<>(ScrubbedEnv.of(s.env(), s.allowedEnv()));
            env.put("ENGINE_BUNDLE", bundleFile.toAbsolutePath().toString());
            env.put("ENGINE_STAGE", name);
            env.put("ENGINE_FINGERPRINT", req.fingerprint());
            // The scratch clone is a repository of its own; the ceiling keeps a git run from a
            // folder the executor made outside it from finding the user's repository above (I1).
            env.put("GIT_CEILING_DIRECTORIES", scratch.dir().toAbsolutePath().getParent().toString());
            ProcessRunner.Spec spec = ProcessRunner.Spec.shell(s.command(), scratch.dir(), env, s.timeout(),
                    s.profiles().executor(scratch.dir(), bundleFile, s.writable(), s.command()))
                    .withCap(s.outputCap(), ProcessRunner.OnCap.DROP, "executor_output_cap");
            CommandOutcome run = s.processes().run(spec, out, s.cancellation());
            out.flush();
            String how = run.timedOut() ? "timed out after " + Durations.format(s.timeout())
                    : run.interrupted() ? "was stopped"
                    : run.startError().map(e -> "could not start: " + e)
                            .orElse("exited " + run.exitCode().map(String::valueOf).orElse("?"));
            if (!run.succeeded()) {
                return new ExecutorOutcome.NoChange("executor " + how + "; nothing taken from it (log " + rel(log) + ")");
            }
            String diff = scratch.diff();
            if (diff.isBlank()) {
                // Lenient decoding: the output cap may cut a multi-byte character in half.
                diff = UnifiedDiffs.extract(new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
            }
            if (diff.isBlank()) {
                return new ExecutorOutcome.NoChange("executor exited 0 and changed nothing (log " + rel(log) + ")");
            }
            return ExecutorLanding.land(s.landing(), req, patchesDir.resolve(prefix + "_patch.diff"), diff,
                    "executor fix for " + name + " (" + req.fingerprint() + ")", "executor change");
        }
    }

    private String bundleText(CaseFile bundle) {
        String instructions = s.instructions().isBlank() ? "" : "# Executor instructions\n\n" + s.instructions().strip() + "\n\n";
        return instructions + bundle.text();
    }

    private String rel(Path p) {
        return s.home().relativize(p.toAbsolutePath()).toString();
    }

}
