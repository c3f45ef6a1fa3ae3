package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.audit.Event;
import dev.engine.config.ConfigException;
import dev.engine.control.ActionRequest;
import dev.engine.control.ActionResult;
import dev.engine.control.ControlClient;
import dev.engine.git.AiBranch;
import dev.engine.git.AiBranchException;
import dev.engine.git.ApproveResult;
import dev.engine.git.RejectResult;
import dev.engine.git.RuntimeFiles;
import dev.engine.reconcile.StageLifecycle;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import dev.engine.state.StageStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The actions a human takes on a home: reset, review approve, review reject. One body each, run by
 * the CLI commands, by the console and by {@code engine watch} for an action handed to it, so all
 * three change the same things and audit them the same way, with {@code via} saying who asked.
 * Every method here expects the caller to hold the engine lock (watch holds it for its whole life).
 */
final class HumanActions {
    private HumanActions() {}

    /** Back to idle with counters cleared; {@code names} are stage names already checked against the map. */
    static int reset(Session s, List<String> names, String via, PrintStream out) throws IOException {
        StageLifecycle lifecycle = new StageLifecycle(s.state(), s.audit());
        for (String name : names) {
            int entries = s.state().errorsOf(name, s.knownStages()).size();
            StageStatus before = lifecycle.reset(name, s.knownStages(), via);
            out.println(name + ": reset (was " + before.wire() + ", " + entries + " error entr"
                    + (entries == 1 ? "y" : "ies") + " cleared)");
        }
        return Main.OK;
    }

    /** Merges {@code commit} (null: every pending commit) into main; a refusal is exit 1 with nothing changed. */
    static int approve(Session s, String commit, String reason, String via, String by, PrintStream out, PrintStream err)
            throws IOException {
        try (AiBranch ai = ReviewCommand.open(s)) {
            String what = commit == null ? ai.tip().map(id -> id.name()).orElse(null) : commit;
            if (what == null || ai.pending().isEmpty()) {
                out.println("nothing to approve: no AI commits waiting on " + ai.branchName());
                return Main.OK;
            }
            String stage = ReviewCommand.stageOf(ai.pending(), commit == null ? null : what);
            // Until `engine adopt`, the bash loop's tracked state files must neither block the merge nor be lost by it.
            ApproveResult r = ai.approve(what, RuntimeFiles.of(s.layout().workspace(), s.layout().home())::owns);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("commit", what);
            d.put("by", by);
            if (r instanceof ApproveResult.Merged m) {
                d.put("approved", m.approved());
                d.put("fast_forward", m.fastForward());
                d.put("main", m.newMain().name());
                putReason(d, reason);
                d.put("via", via);
                s.audit().append(stage, Event.APPROVED, d);
                out.println("approved " + m.approved() + " commit(s): " + ai.mainBranch() + " is now "
                        + m.newMain().abbreviate(10).name() + (m.fastForward() ? " (fast-forward)" : " (merge commit)"));
                ReviewCommand.settleWaits(s, ai, "approved", out);
                return Main.OK;
            }
            ApproveResult.Conflict c = (ApproveResult.Conflict) r;
            d.put("conflicts", c.paths());
            d.put("via", via);
            s.audit().append(stage, Event.APPROVE_REFUSED, d);
            out.println("not approved: merging into " + ai.mainBranch() + " would conflict in " + String.join(", ", c.paths())
                    + "; nothing was changed");
            return Main.NOT_GREEN;
        } catch (AiBranchException e) {
            s.audit().append(null, Event.APPROVE_REFUSED, Map.of("reason", e.getMessage(), "via", via));
            err.println("engine: " + e.getMessage());
            return Main.NOT_GREEN;
        }
    }

    /** Drops {@code commit} from the AI branch, keeping the others; a refusal is exit 1 with nothing changed. */
    static int reject(Session s, String commit, String reason, String via, String by, PrintStream out, PrintStream err)
            throws IOException {
        String why = reason == null || reason.isBlank() ? "rejected by a human" : reason;
        try (AiBranch ai = ReviewCommand.open(s)) {
            String stage = ReviewCommand.stageOf(ai.pending(), commit);
            RejectResult r = ai.reject(commit, why);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("commit", commit);
            d.put("reason", why);
            d.put("by", by);
            if (r instanceof RejectResult.Rejected ok) {
                d.put("rejected", ok.rejectedSha());
                d.put("replayed", ok.replayed());
                d.put("via", via);
                s.audit().append(stage, Event.REJECTED, d);
                out.println("rejected " + ok.rejectedSha().substring(0, 10) + "; " + ok.replayed()
                        + " later commit(s) kept on " + ai.branchName());
                ReviewCommand.settleWaits(s, ai, "rejected", out);
                return Main.OK;
            }
            RejectResult.Conflict c = (RejectResult.Conflict) r;
            d.put("conflicts", c.paths());
            d.put("via", via);
            s.audit().append(stage, Event.REJECT_REFUSED, d);
            out.println("not rejected: the later commit " + c.commitSha().substring(0, 10) + " depends on it (conflict in "
                    + String.join(", ", c.paths()) + "); nothing was changed");
            return Main.NOT_GREEN;
        } catch (AiBranchException e) {
            err.println("engine: " + e.getMessage());
            return Main.NOT_GREEN;
        }
    }

    /** Performs {@code r} (the caller holds the lock), returning what it printed; for watch and the console. */
    static ActionResult perform(Session s, ActionRequest r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            try {
                code = perform(s, r, Operator.name(System.getenv()), o, e);
            } catch (ConfigException ex) {
                e.println("engine: configuration error: " + ex.getMessage());
                code = Main.USAGE;
            } catch (IOException | RuntimeException ex) {
                e.println("engine: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
                code = Main.NOT_GREEN;
            }
        }
        return new ActionResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** @param by who the audit trail says acted: the login name of the CLI's user, or of watch's for the console */
    private static int perform(Session s, ActionRequest r, String by, PrintStream out, PrintStream err)
            throws IOException, ConfigException {
        return switch (r.kind()) {
            case RESET -> reset(s, stageNames(s, r.stages()), r.via(), out);
            case APPROVE -> approve(s, r.all() ? null : r.commit(), r.reason(), r.via(), by, out, err);
            case REJECT -> reject(s, r.commit(), r.reason(), r.via(), by, out, err);
        };
    }

    /** {@code all}, or the named stages in the map's order; an unknown name is a configuration error. */
    static List<String> stageNames(Session s, List<String> asked) throws IOException, ConfigException {
        return asked.contains("all") ? s.knownStages() : s.map().select(asked).stream().map(st -> st.name()).toList();
    }

    /**
     * For the CLI commands: performs {@code r} under the engine lock, or, when a running
     * {@code engine watch} holds it, hands it to watch over the control channel and prints its
     * answer. Another holder (a `run`, which converges and takes no actions) is exit 3 as before.
     */
    static int run(EngineCommand root, Session s, ActionRequest r) throws IOException, LockHeldException, ConfigException {
        try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine " + r.describe())) {
            return perform(s, r, Operator.name(root.ctx.env()), root.ctx.out(), root.ctx.err());
        } catch (LockHeldException held) {
            Optional<ActionResult> done = ControlClient.handOff(s.layout().stateDir(), r,
                    line -> root.ctx.err().println("engine: " + line));
            if (done.isEmpty()) {
                throw held;
            }
            root.ctx.out().print(done.get().out());
            root.ctx.err().print(done.get().err());
            return done.get().exit();
        }
    }

    private static void putReason(Map<String, Object> d, String reason) {
        if (reason != null && !reason.isBlank()) {
            d.put("reason", reason);
        }
    }
}
