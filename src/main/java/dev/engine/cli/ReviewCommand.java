package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.config.ConfigException;
import dev.engine.control.ActionRequest;
import dev.engine.git.AiBranch;
import dev.engine.git.AiBranchException;
import dev.engine.git.PendingCommit;
import dev.engine.reconcile.StageLifecycle;
import dev.engine.state.LockHeldException;
import dev.engine.state.StageStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
            Session s = Sessions.open(review.root);
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
                "While `engine watch` runs, the approval is handed to it and done between two stages.",
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
            // The body is HumanActions.approve, shared with the console and with a running watch.
            return HumanActions.run(review.root, Sessions.open(review.root),
                    ActionRequest.approve(target.commit, target.all, null, ActionRequest.VIA_CLI));
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = {
                "Drop an AI commit from the AI branch, keeping the others.",
                "",
                "The later AI commits are replayed onto the one before it; the reason goes into the audit trail.",
                "While `engine watch` runs, the rejection is handed to it and done between two stages.",
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
            // The body is HumanActions.reject, shared with the console and with a running watch.
            return HumanActions.run(review.root, Sessions.open(review.root),
                    ActionRequest.reject(commit, reason, ActionRequest.VIA_CLI));
        }
    }

    /**
     * The stage a review decision is about, so `audit --stage` shows it: the commit's stage, or,
     * for --all (commitish null), the one stage every pending commit shares; null when mixed or unknown.
     */
    static String stageOf(List<PendingCommit> pending, String commitish) {
        Set<String> stages = new LinkedHashSet<>();
        for (PendingCommit c : pending) {
            if (commitish == null || c.sha().startsWith(commitish.toLowerCase(Locale.ROOT))) {
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
        Set<String> pending = new HashSet<>();
        ai.pending().forEach(p -> pending.add(p.sha()));
        for (Map.Entry<String, StageStatus> e : s.state().statuses().entrySet()) {
            if (e.getValue() != StageStatus.AWAITING_REVIEW) continue;
            String held = s.state().info(e.getKey()).heldCommit();
            if (held == null || pending.contains(held)) continue;
            String reason = "AI commit " + held.substring(0, Math.min(10, held.length())) + " was " + how + "; the next run goes on";
            new StageLifecycle(s.state(), s.audit()).reviewSettled(e.getKey(), held, how, reason);
            out.println(e.getKey() + ": no longer awaiting review (" + reason + ")");
        }
    }
}
