package dev.engine.executor;

import dev.engine.git.PatchLanding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What every executor kind does with a proposed diff: hand it to {@link PatchLanding}, held to the
 * stage's files (I5). The landing keeps the diff in {@code patches/} (redacted), commits and audits.
 */
final class ExecutorLanding {
    private ExecutorLanding() {}

    /**
     * @param landing         owns the protected list and the checks; it commits and audits
     * @param patchFile       where the landing keeps the (redacted) diff
     * @param what            how the outcome names the change, e.g. "executor change"
     */
    static ExecutorOutcome land(PatchLanding landing, ExecutorRequest req, Path patchFile, String diff, String summary,
                                String what) throws IOException {
        PatchLanding.Proposal proposal = new PatchLanding.Proposal(PatchLanding.Source.EXECUTOR, req.stage().name(),
                req.fingerprint(), diff, summary, Optional.of(req.stage().files()));
        PatchLanding.Result result = landing.land(proposal, patchFile);
        if (result instanceof PatchLanding.Result.Committed done) {
            return new ExecutorOutcome.Applied(what + " committed to the AI branch as " + done.commit().substring(0, 10)
                    + " (" + String.join(", ", done.files()) + ")", done.commit());
        }
        List<String> reasons = ((PatchLanding.Result.Refused) result).reasons();
        return new ExecutorOutcome.Refused(what + " refused: " + String.join("; ", reasons));
    }
}
