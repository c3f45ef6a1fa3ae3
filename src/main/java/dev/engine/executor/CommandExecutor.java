package dev.engine.executor;

import dev.engine.config.Durations;
import dev.engine.escalation.CaseContext;
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
     * @param env the engine's environment; only {@code allowedEnv} of it reaches the command
     * @param instructions the text of executor_instructions.md, or "" when the home has none
     */
    public record Setup(String command, CaseContext cases, PatchLanding landing, List<String> protectedFiles,
                        Path workspace, String aiBranch, Path patchesDir, Path executorLogsDir, Map<String, String> env,
                        List<String> allowedEnv, Duration timeout, int outputCap, String instructions,
                        Cancellation cancellation, ProcessRunner processes, Profiles profiles, List<String> writable) {}

    private final Setup s;

    public CommandExecutor(Setup setup) {
        this.s = setup;
    }

    @Override
    public ExecutorOutcome attempt(ExecutorRequest req) throws IOException {
        String name = req.stage().name();
        String prefix = s.cases().newPrefix(s.patchesDir(), name, "_attempt" + req.attempts(), "_bundle.md");
        CaseFile bundle = s.cases().build(req.stage(), req.fingerprint(), req.log(), 1, List.of(), List.of());
        Files.createDirectories(s.patchesDir());
        Path bundleFile = s.patchesDir().resolve(prefix + "_bundle.md");
        Files.writeString(bundleFile, bundleText(bundle), StandardCharsets.UTF_8);
        Path scratchDir = s.patchesDir().resolve("." + prefix + "_scratch");
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
            return ExecutorLanding.land(s.cases(), s.landing(), s.protectedFiles(), req, s.patchesDir().resolve(prefix + "_patch.diff"),
                    diff, "executor fix for " + name + " (" + req.fingerprint() + ")", "executor change");
        }
    }

    private String bundleText(CaseFile bundle) {
        String instructions = s.instructions().isBlank() ? "" : "# Executor instructions\n\n" + s.instructions().strip() + "\n\n";
        return instructions + bundle.text();
    }

    private String rel(Path p) {
        return s.cases().home().relativize(p.toAbsolutePath()).toString();
    }

}
