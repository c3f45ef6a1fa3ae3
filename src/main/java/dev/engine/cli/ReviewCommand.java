package dev.engine.cli;

import dev.engine.audit.AuditEvent;
import dev.engine.config.ConfigException;
import dev.engine.control.ActionRequest;
import dev.engine.git.AiBranch;
import dev.engine.git.AiBranchException;
import dev.engine.git.PendingCommit;
import dev.engine.state.LockHeldException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "review", mixinStandardHelpOptions = true,
        description = {
            "The AI branch commits that are not in main, for a human to approve or reject.",
            "Without a subcommand: the same as `review list`.",
        },
        subcommands = {ReviewCommand.ListCommits.class, ReviewCommand.Show.class, ReviewCommand.Approve.class, ReviewCommand.Reject.class})
final class ReviewCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Override
    public Integer call() throws ConfigException, IOException {
        return ListCommits.list(root);
    }

    static AiBranch open(Session s) throws IOException {
        return AiBranch.open(s.layout().workspace(), s.settings().aiBranch(), "main");
    }

    /** Refusals (dirty tree, unknown commit) are expected outcomes: a message and exit 1, no stack trace hint. */
    static int refused(EngineCommand root, AiBranchException e) {
        root.ctx.err().println("engine: " + e.getMessage());
        return 1;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Short sha, stage, source (executor/api/manual), fingerprint, +/- lines, whether the stage was green after the commit, and its summary and files. Needs no lock.")
    static final class ListCommits implements Callable<Integer> {
        @ParentCommand
        ReviewCommand review;

        @Override
        public Integer call() throws ConfigException, IOException {
            return list(review.root);
        }

        static int list(EngineCommand root) throws ConfigException, IOException {
            Session s = Session.open(root);
            PrintStream out = root.ctx.out();
            List<PendingCommit> pending;
            List<PendingCommit> foreign;
            String branch;
            try (AiBranch ai = open(s)) {
                branch = ai.branchName();
                // Only the engine's own commits (with its trailers) are offered; anything else on the branch is an error to resolve.
                pending = ai.pending().stream().filter(c -> !c.foreign()).toList();
                foreign = ai.pending().stream().filter(PendingCommit::foreign).toList();
                if (pending.isEmpty()) {
                    out.println("no AI commits waiting for review on " + ai.branchName());
                } else {
                    out.println(pending.size() + " AI commit(s) on " + ai.branchName() + " not in " + ai.mainBranch() + ", oldest first:");
                }
            } catch (AiBranchException e) {
                return refused(root, e);
            }
            if (!pending.isEmpty()) {
                List<AuditEvent> greens = s.audit().read(Optional.empty(), 0).events().stream().filter(e -> e.event().equals("green")).toList();
                String fmt = "%-10s %-10s %-8s %-12s %9s  %-11s %s%n";
                out.printf(fmt, "COMMIT", "STAGE", "SOURCE", "FINGERPRINT", "+/-", "GREEN AFTER", "SUMMARY");
                for (PendingCommit c : pending) {
                    out.printf(fmt, c.shortSha(), c.stage(), c.source(), c.fingerprint() == null ? "-" : c.fingerprint(),
                            "+" + c.added() + "/-" + c.removed(), greenAfter(greens, c), c.summary());
                    out.println("           files: " + String.join(", ", c.files()));
                }
            }
            if (!foreign.isEmpty()) {
                root.ctx.err().println("engine: error: " + AiBranch.foreignCommits(branch,
                        foreign.stream().map(c -> c.shortSha() + " \"" + c.summary() + "\"").toList(),
                        foreign.stream().map(PendingCommit::shortSha).toList()));
                return 1;
            }
            return 0;
        }

        /** Whether a green event for the commit's stage was recorded after the commit was made. */
        private static String greenAfter(List<AuditEvent> greens, PendingCommit c) {
            return greens.stream().anyMatch(g -> c.stage().equals(g.stage()) && Instant.parse(g.time()).isAfter(c.time())) ? "yes" : "no";
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The commit's message and diff.")
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
                "Merge a commit (and the AI commits before it) into main as `git merge` would: refused",
                "when main is checked out with uncommitted changes, or when the merge would conflict.",
                "While `engine watch` runs, the approval is handed to it and done between two stages.",
            })
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
            // The body is HumanActions.approve, shared with the console and with a running watch.
            return HumanActions.run(review.root, Session.open(review.root),
                    ActionRequest.approve(target.commit, target.all, null, ActionRequest.VIA_CLI));
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = {
                "Drop a commit from the AI branch, keeping the others; the reason goes into the audit trail.",
                "While `engine watch` runs, the rejection is handed to it and done between two stages.",
            })
    static final class Reject implements Callable<Integer> {
        @ParentCommand
        ReviewCommand review;

        @Parameters(paramLabel = "COMMIT", description = "The commit to drop.")
        String commit;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "rejected by a human", description = "Why (recorded in the audit trail).")
        String reason;

        @Override
        public Integer call() throws ConfigException, IOException, LockHeldException {
            // The body is HumanActions.reject, shared with the console and with a running watch.
            return HumanActions.run(review.root, Session.open(review.root),
                    ActionRequest.reject(commit, reason, ActionRequest.VIA_CLI));
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
    static void settleWaits(Session s, AiBranch ai, String how, PrintStream out) throws IOException {
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
            out.println(e.getKey() + ": no longer awaiting review (" + reason + ")");
        }
    }
}
