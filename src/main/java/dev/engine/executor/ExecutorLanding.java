package dev.engine.executor;

import dev.engine.audit.AuditLog;
import dev.engine.escalation.CaseContext;
import dev.engine.git.CommitInfo;
import dev.engine.git.PatchLanding;
import dev.engine.patch.PatchPolicy;
import dev.engine.redact.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every executor kind does with a proposed diff: keep it in {@code patches/}, land it held
 * to the stage's files (I5), and record the outcome (I10).
 */
final class ExecutorLanding {
    private ExecutorLanding() {}

    /** @param what how the outcome names the change, e.g. "executor change" */
    static ExecutorOutcome land(CaseContext cases, PatchLanding landing, List<String> protectedFiles, ExecutorRequest req,
                                Path patchFile, String diff, String summary, String what) throws IOException {
        String name = req.stage().name();
        Files.writeString(patchFile, diff, StandardCharsets.UTF_8);
        String patchRel = cases.home().relativize(patchFile.toAbsolutePath()).toString();
        Redactor r = cases.redactor();
        PatchLanding.Result result = landing.land(diff, PatchPolicy.defaults(protectedFiles).withScope(req.stage().files()),
                new PatchLanding.Placeholders(Redactor::containsPlaceholder, r::restore),
                new CommitInfo(name, "executor", req.fingerprint(), patchRel, summary));
        if (result instanceof PatchLanding.Result.Committed done) {
            cases.audit().append(name, "patch_applied", AuditLog.details("source", "executor", "fingerprint", req.fingerprint(),
                    "commit", done.commit(), "files", done.files(), "added", done.added(), "removed", done.removed(),
                    "patch", patchRel));
            return new ExecutorOutcome.Applied(what + " committed to the AI branch as " + done.commit().substring(0, 10)
                    + " (" + String.join(", ", done.files()) + ")", done.commit());
        }
        List<String> reasons = ((PatchLanding.Result.Refused) result).reasons();
        cases.audit().append(name, "patch_refused", AuditLog.details("source", "executor", "fingerprint", req.fingerprint(),
                "patch", patchRel, "violations", reasons));
        return new ExecutorOutcome.Refused(what + " refused: " + String.join("; ", reasons));
    }
}
