package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.git.AiBranch;
import dev.engine.git.AiBranchException;
import dev.engine.git.ApproveResult;
import dev.engine.git.PendingCommit;
import dev.engine.git.RejectResult;
import dev.engine.git.RuntimeFiles;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "review", mixinStandardHelpOptions = true,
        description = {
            "List, show, approve or reject the AI commits not yet in main.",
            "",
            "AI patches land as commits on the AI branch; a human reviews each and approves it (merged into main) or "
                    + "rejects it (dropped from the AI branch). Without a subcommand: the same as `review list`.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine review                         the commits waiting for review",
            "  engine review -o json                 the same as one JSON document",
            "  engine review show 3f2a9c1            a commit's message and diff",
            "  engine review approve 3f2a9c1         merge it and the AI commits before it",
            "  engine review reject 3f2a9c1 --reason \"wrong port\"",
        },
        subcommands = {ReviewCommand.ListCommits.class, ReviewCommand.Show.class, ReviewCommand.Approve.class, ReviewCommand.Reject.class})
final class ReviewCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws ConfigException, IOException {
        return ReviewList.print(root, output);
    }

    static AiBranch open(Session s) throws IOException {
        return AiBranch.open(s.layout().workspace(), s.settings().aiBranch(), "main");
    }

    /** Refusals (dirty tree, unknown commit) are expected outcomes: a message and exit 1, no stack trace hint. */
    static int refused(EngineCommand root, AiBranchException e) {
        root.ctx.err().println("engine: " + e.getMessage());
        return 1;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "List the AI commits waiting for review, oldest first.",
                "",
                "For each: short sha, stage, source (executor, api or manual), fingerprint, lines added and removed, "
                        + "whether the stage was green after the commit, its summary and its files. Needs no lock.",
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine review list",
                "  engine review list -o wide          files and commit time as columns",
                "  engine review list -o json          one JSON document (also: --json)",
            })
    static final class ListCommits implements Callable<Integer> {
        @ParentCommand
        ReviewCommand review;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws ConfigException, IOException {
            return ReviewList.print(review.root, output);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print an AI commit's message and diff.",
            footerHeading = "%nExamples:%n",
            footer = {"  engine review show 3f2a9c1", "  engine review show 3f2a9c1 | less"})
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ReviewCommand review;

        @Parameters(paramLabel = "COMMIT", description = "A commit on the AI branch (sha or prefix).")
        String commit;

        @Override
        public Integer call() throws ConfigException, IOException {
            Session s = Session.open(review.root);
            try (AiBranch ai = open(s)) {
                review.root.ctx.out().print(ai.show(commit));
                return 0;
            } catch (AiBranchException e) {
                return refused(review.root, e);
            }
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {
                "Merge an AI commit, with the AI commits before it, into main.",
                "",
                "It merges as `git merge` would. It is refused when main is checked out with uncommitted changes, or "
                        + "when the merge would conflict; nothing is changed then.",
            },
            footerHeading = "%nExamples:%n",
            footer = {"  engine review approve 3f2a9c1", "  engine review approve --all         every pending AI commit"})
    static final class Approve implements Callable<Integer> {
        @ParentCommand
        ReviewCommand review;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Parameters(paramLabel = "COMMIT", description = "The commit to approve, with the ones before it.")
            String commit;

            @Option(names = "--all", description = "Approve every pending AI commit.")
            boolean all;
        }

        @Override
        public Integer call() throws ConfigException, IOException, LockHeldException {
            EngineCommand root = review.root;
            Session s = Session.open(root);
            try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine review approve");
                 AiBranch ai = open(s)) {
                String what = target.all ? ai.tip().map(id -> id.name()).orElse(null) : target.commit;
                if (what == null || ai.pending().isEmpty()) {
                    root.ctx.out().println("nothing to approve: no AI commits waiting on " + ai.branchName());
                    return 0;
                }
                String stage = stageOf(ai.pending(), target.all ? null : what);
                ApproveResult r = ai.approve(what, RuntimeFiles.of(s.layout().workspace(), s.layout().home())::owns);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("commit", what);
                d.put("by", Operator.name(root.ctx.env()));
                if (r instanceof ApproveResult.Merged m) {
                    d.put("approved", m.approved());
                    d.put("fast_forward", m.fastForward());
                    d.put("main", m.newMain().name());
                    s.audit().append(stage, "approved", d);
                    root.ctx.out().println("approved " + m.approved() + " commit(s): " + ai.mainBranch() + " is now "
                            + m.newMain().abbreviate(10).name() + (m.fastForward() ? " (fast-forward)" : " (merge commit)"));
                    settleWaits(s, ai, "approved", root);
                    return 0;
                }
                ApproveResult.Conflict c = (ApproveResult.Conflict) r;
                d.put("conflicts", c.paths());
                s.audit().append(stage, "approve_refused", d);
                root.ctx.out().println("not approved: merging into " + ai.mainBranch() + " would conflict in " + String.join(", ", c.paths())
                        + "; nothing was changed");
                return 1;
            } catch (AiBranchException e) {
                s.audit().append(null, "approve_refused", Map.of("reason", e.getMessage()));
                return refused(root, e);
            }
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = {
                "Drop an AI commit from the AI branch, keeping the others.",
                "",
                "The later AI commits are replayed onto the one before it; the reason goes into the audit trail.",
            },
            footerHeading = "%nExamples:%n",
            footer = {"  engine review reject 3f2a9c1 --reason \"fixes the symptom, not the cause\""})
    static final class Reject implements Callable<Integer> {
        @ParentCommand
        ReviewCommand review;

        @Parameters(paramLabel = "COMMIT", description = "The commit to drop.")
        String commit;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "rejected by a human", description = "Why (recorded in the audit trail).")
        String reason;

        @Override
        public Integer call() throws ConfigException, IOException, LockHeldException {
            EngineCommand root = review.root;
            Session s = Session.open(root);
            try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine review reject");
                 AiBranch ai = open(s)) {
                String stage = stageOf(ai.pending(), commit);
                RejectResult r = ai.reject(commit, reason);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("commit", commit);
                d.put("reason", reason);
                d.put("by", Operator.name(root.ctx.env()));
                if (r instanceof RejectResult.Rejected ok) {
                    d.put("rejected", ok.rejectedSha());
                    d.put("replayed", ok.replayed());
                    s.audit().append(stage, "rejected", d);
                    root.ctx.out().println("rejected " + ok.rejectedSha().substring(0, 10) + "; " + ok.replayed()
                            + " later commit(s) kept on " + ai.branchName());
                    settleWaits(s, ai, "rejected", root);
                    return 0;
                }
                RejectResult.Conflict c = (RejectResult.Conflict) r;
                d.put("conflicts", c.paths());
                s.audit().append(stage, "reject_refused", d);
                root.ctx.out().println("not rejected: the later commit " + c.commitSha().substring(0, 10) + " depends on it (conflict in "
                        + String.join(", ", c.paths()) + "); nothing was changed");
                return 1;
            } catch (AiBranchException e) {
                return refused(root, e);
            }
        }
    }

    /**
     * The stage a review decision is about, so `audit --stage` shows it: the commit's stage, or,
     * for --all (commitish null), the one stage every pending commit shares; null when mixed or unknown.
     */
    static String stageOf(java.util.List<dev.engine.git.PendingCommit> pending, String commitish) {
        java.util.Set<String> stages = new java.util.LinkedHashSet<>();
        for (dev.engine.git.PendingCommit c : pending) {
            if (commitish == null || c.sha().startsWith(commitish.toLowerCase(java.util.Locale.ROOT))) {
                stages.add(c.stage());
            }
        }
        return stages.size() == 1 ? stages.iterator().next() : null;
    }

    /**
     * Stages that were awaiting review of a commit that is no longer pending (approved into main,
     * or rejected) may run again: they go back to failed, and the next run decides afresh.
     */
    static void settleWaits(Session s, AiBranch ai, String how, EngineCommand root) throws IOException {
        java.util.Set<String> pending = new java.util.HashSet<>();
        ai.pending().forEach(p -> pending.add(p.sha()));
        for (Map.Entry<String, dev.engine.state.StageStatus> e : s.state().statuses().entrySet()) {
            if (e.getValue() != dev.engine.state.StageStatus.AWAITING_REVIEW) continue;
            String held = s.state().info(e.getKey()).heldCommit();
            if (held == null || pending.contains(held)) continue;
            String reason = "AI commit " + held.substring(0, Math.min(10, held.length())) + " was " + how + "; the next run goes on";
            s.state().updateInfo(e.getKey(), i -> i.withReason(reason));
            s.state().setStatus(e.getKey(), dev.engine.state.StageStatus.FAILED);
            s.audit().append(e.getKey(), "review_settled", Map.of("commit", held, "how", how));
            root.ctx.out().println(e.getKey() + ": no longer awaiting review (" + reason + ")");
        }
    }
}
