package dev.engine.executor;

import dev.engine.audit.AuditLog;
import dev.engine.audit.Event;
import dev.engine.escalation.CaseAssembler;
import dev.engine.escalation.CaseFiles;
import dev.engine.escalation.ModelEscalator;
import dev.engine.escalation.casefile.CaseFile;
import dev.engine.escalation.model.ModelAnswer;
import dev.engine.escalation.model.ModelClient;
import dev.engine.escalation.model.ModelException;
import dev.engine.escalation.model.ModelReply;
import dev.engine.escalation.model.StoppableCall;
import dev.engine.git.PatchLanding;
import dev.engine.stage.Cancellation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The executor of kind {@code openai}: a local model behind an OpenAI-compatible endpoint
 * (Ollama, vLLM) gets the same redacted case file as escalation and its patch goes through the
 * same landing, held to the stage's files like any executor change. Its calls are local, so they
 * are not counted against the API budget.
 */
public final class ModelExecutor implements Executor {

    /**
     * @param cases   builds the bundle: the same case text escalation sends
     * @param patches where bundles are written and diffs kept ({@code patches/})
     * @param audit   where each call to the local model is recorded
     */
    public record Setup(CaseAssembler cases, CaseFiles patches, AuditLog audit, PatchLanding landing,
                        Supplier<ModelClient> client, Cancellation cancellation) {}

    private final Setup s;

    public ModelExecutor(Setup setup) {
        this.s = setup;
    }

    @Override
    public ExecutorOutcome attempt(ExecutorRequest req) throws IOException {
        String name = req.stage().name();
        Path patchesDir = s.patches().dir();
        String prefix = s.patches().newPrefix(name, "_attempt" + req.attempts(), "_bundle.md");
        CaseFile bundle = s.cases().assemble(req.stage(), req.fingerprint(), req.log(), 1, List.of(), List.of());
        Files.createDirectories(patchesDir);
        Files.writeString(patchesDir.resolve(prefix + "_bundle.md"), bundle.text(), StandardCharsets.UTF_8);
        ModelReply reply;
        try {
            reply = StoppableCall.ask(s.client(), ModelEscalator.SYSTEM_PROMPT, bundle.text(), s.cancellation());
        } catch (StoppableCall.Stopped stopped) {
            s.audit().append(name, Event.EXECUTOR_MODEL_CALL, AuditLog.details("fingerprint", req.fingerprint(),
                    "error", "Stopped", "message", stopped.getMessage()));
            return new ExecutorOutcome.NoChange("executor model: " + stopped.getMessage());
        } catch (ModelException | RuntimeException e) {
            // A local model server is the least reliable part of a homelab: whatever goes wrong
            // with it (including a client that cannot be built) costs this attempt, not the run.
            s.audit().append(name, Event.EXECUTOR_MODEL_CALL, AuditLog.details("fingerprint", req.fingerprint(),
                    "error", e.getClass().getSimpleName(), "message", String.valueOf(e.getMessage())));
            return new ExecutorOutcome.NoChange("executor model gave no usable answer: " + e.getMessage());
        }
        ModelAnswer answer = reply.answer();
        s.audit().append(name, Event.EXECUTOR_MODEL_CALL, AuditLog.details("fingerprint", req.fingerprint(), "model", reply.model(),
                "tokens", reply.totalTokens(), "response_type", answer.type().name().toLowerCase(), "summary", answer.summary()));
        if (answer.type() != ModelAnswer.Type.PATCH) {
            return new ExecutorOutcome.NoChange("executor model answered " + answer.type().name().toLowerCase()
                    + " (" + answer.summary() + "); only escalation runs diagnostics or gives up");
        }
        return ExecutorLanding.land(s.landing(), req, patchesDir.resolve(prefix + "_patch.diff"),
                answer.patch(), answer.summary(), "executor model patch");
    }

}
