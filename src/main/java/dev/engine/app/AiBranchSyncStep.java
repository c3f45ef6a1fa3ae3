package dev.engine.app;

import dev.engine.audit.Event;
import dev.engine.git.AiBranch;
import dev.engine.git.AiBranchException;
import dev.engine.git.SyncResult;
import dev.engine.state.StateStore.AiBranchSync;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Before a run converges anything, the AI branch is brought up to main: it follows main when it
 * has nothing pending, its pending commits are rebased when that is clean, and a conflict is
 * recorded (state/ai_branch.json, shown by status) with the branch left as it was.
 */
public final class AiBranchSyncStep {
    private AiBranchSyncStep() {}

    public static void run(Session s) throws IOException {
        String now = Instant.now().toString();
        try (AiBranch ai = AiBranch.open(s.layout().workspace(), s.settings().aiBranch(), "main")) {
            if (ai.tip().isEmpty()) {
                return; // created by the first AI commit
            }
            SyncResult r = ai.syncWithMain();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("branch", ai.branchName());
            AiBranchSync record;
            if (r instanceof SyncResult.UpToDate) {
                record = new AiBranchSync(now, "up_to_date", null, List.of());
            } else if (r instanceof SyncResult.Followed f) {
                record = new AiBranchSync(now, "followed", null, List.of());
                d.put("tip", f.newTip().name());
            } else if (r instanceof SyncResult.Rebased rb) {
                record = new AiBranchSync(now, "rebased", null, List.of());
                d.put("tip", rb.newTip().name());
                d.put("commits", rb.count());
            } else {
                SyncResult.Conflict c = (SyncResult.Conflict) r;
                record = new AiBranchSync(now, "conflict", c.commitSha(), c.paths());
                d.put("commit", c.commitSha());
                d.put("paths", c.paths());
            }
            d.put("result", record.result());
            s.state().setAiBranchSync(record);
            if (!(r instanceof SyncResult.UpToDate)) {
                s.audit().append(null, Event.AI_BRANCH_SYNC, d);
            }
        } catch (AiBranchException e) {
            // No main branch yet, or a branch checked out elsewhere: not a reason to stop converging.
            s.audit().append(null, Event.AI_BRANCH_SYNC, Map.of("result", "skipped", "reason", e.getMessage()));
        }
    }
}
