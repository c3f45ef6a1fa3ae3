package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.audit.AuditLog;
import dev.engine.audit.Event;
import dev.engine.config.ConfigException;
import dev.engine.git.AiBranchException;
import dev.engine.git.RuntimeFiles;
import dev.engine.git.RuntimeUntracking;
import dev.engine.state.BashStateImport;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "adopt", mixinStandardHelpOptions = true,
        description = {
            "Take over a workspace the bash loop ran.",
            "",
            "It prints the plan and changes nothing without --yes. With --yes, in this order:",
            "1. It stops tracking the runtime files the bash loop committed (what git tracks under the home's state/, "
                    + "logs/, escalations/ and patches/, as `git rm --cached`; .gitkeep files stay tracked). The files "
                    + "stay on disk as they are. protected_files entries such as ai/state/errors.json only keep AI "
                    + "patches off a file; they do not keep it in git.",
            "2. It adds ignore rules for those folders to the workspace's .gitignore. This is the one time the engine "
                    + "edits your .gitignore, because you ask for it here; runs keep to .git/info/exclude. Steps 1 and "
                    + "2 are one commit on main, \"engine adopt: stop tracking runtime files\", made as the repository's "
                    + "user.name/user.email (refused when none is set, as git would). Anything else you have staged "
                    + "stays staged and out of it. Refused unless main is checked out.",
            "3. It imports the bash loop's state: every errors.json entry gets the stage and failure fields its key "
                    + "implied, and each stage it ran gets what `status` shows (last failure, last log, why it is "
                    + "failed or give_up). No count is dropped: give_up stays give_up, attempts and API calls stay "
                    + "counted.",
            "4. It runs `engine validate` and exits with its code.",
            "",
            "Stop the bash loop first: it must not run beside the engine. Running adopt again does only what is left "
                    + "to do.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine adopt                        show the plan; nothing is changed",
            "  engine adopt --yes                  carry it out",
            "  engine --workspace ~/homelab adopt --yes",
        })
final class AdoptCommand implements Callable<Integer> {
    static final String COMMIT_SUBJECT = "engine adopt: stop tracking runtime files";

    @ParentCommand
    EngineCommand root;

    @Option(names = "--yes", description = "Do it (without it, only the plan is printed).")
    boolean yes;

    @Override
    public Integer call() throws ConfigException, IOException, LockHeldException {
        Session s = Sessions.open(root);
        PrintStream out = root.ctx.out();
        RuntimeFiles runtime = RuntimeFiles.of(s.layout().workspace(), s.layout().home());
        if (!yes) {
            Plans plans = plans(s, runtime);
            print(s, runtime, plans, out);
            out.println();
            out.println(plans.nothingToDo() ? "nothing to adopt: " + s.layout().home() + " is the engine's already"
                    : "nothing was changed; `engine adopt --yes` does the above");
            return 0;
        }
        try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine adopt")) {
            Plans plans = plans(s, runtime);
            print(s, runtime, plans, out);
            out.println();
            if (!plans.git().nothingToDo()) {
                RuntimeUntracking.Done done;
                try {
                    done = RuntimeUntracking.apply(s.layout().workspace(), runtime, "main", commitMessage(runtime, plans.git()));
                } catch (AiBranchException refused) {
                    root.ctx.err().println("engine: adopt refused, nothing was changed: " + refused.getMessage());
                    return Main.NOT_GREEN;
                }
                done.commit().ifPresent(c -> out.println("committed " + c.abbreviate(10).name() + " on " + plans.git().branch() + ": "
                        + COMMIT_SUBJECT + " (" + done.untracked().size() + " file(s) untracked, " + done.rulesAdded().size()
                        + " ignore rule(s) added)"));
                s.audit().append(null, Event.ADOPTED_GIT, AuditLog.details("commit", done.commit().map(c -> c.name()).orElse(null),
                        "untracked", done.untracked(), "ignore_rules", done.rulesAdded()));
            }
            if (!plans.state().nothingToDo()) {
                BashStateImport.apply(s.state(), plans.state(), root.ctx.clock().instant().toString());
                for (BashStateImport.StageFill f : plans.state().stages()) {
                    s.audit().append(f.stage(), Event.ADOPTED_STATE, AuditLog.details("status", f.status().wire(), "fingerprint", f.fingerprint(),
                            "attempts", f.attempts(), "api_calls", f.apiCalls(), "last_log", f.lastLog(), "reason", f.reason()));
                }
                out.println("imported the bash loop's state: " + plans.state().identities().size() + " errors.json entr"
                        + (plans.state().identities().size() == 1 ? "y" : "ies") + " completed, " + plans.state().stages().size()
                        + " stage(s) recorded in stage_info.json");
            }
            if (plans.nothingToDo()) {
                out.println("nothing to adopt: " + s.layout().home() + " is the engine's already");
            }
        }
        out.println();
        out.println("engine validate:");
        ValidateCommand validate = new ValidateCommand();
        validate.root = root;
        return validate.call();
    }

    private record Plans(RuntimeUntracking.Plan git, BashStateImport.Plan state) {
        boolean nothingToDo() {
            return git.nothingToDo() && state.nothingToDo();
        }
    }

    private static Plans plans(Session s, RuntimeFiles runtime) throws IOException {
        return new Plans(RuntimeUntracking.plan(s.layout().workspace(), runtime, "main"),
                BashStateImport.plan(s.state(), s.map().stageNames(), s.layout().home(), s.settings().apiCallBudget()));
    }

    private static void print(Session s, RuntimeFiles runtime, Plans p, PrintStream out) {
        RuntimeUntracking.Plan g = p.git();
        out.println("engine adopt: " + s.layout().home() + " (workspace " + s.layout().workspace() + ")");
        out.println("Stop the bash loop first: it must not run beside the engine.");
        out.println();
        out.println("1. Stop tracking the runtime files (as `git rm --cached`; they stay on disk as they are):");
        if (g.tracked().isEmpty()) {
            out.println("     none tracked");
        } else {
            g.tracked().forEach(f -> out.println("     " + f));
        }
        if (!g.placeholders().isEmpty()) {
            out.println("   kept tracked (they only keep the empty folders in a clone): " + String.join(", ", g.placeholders()));
        }
        out.println("2. Ignore rules in .gitignore (the one time the engine edits it: adopting asks for it; runs keep to"
                + " .git/info/exclude):");
        if (g.missingRules().isEmpty()) {
            out.println("     all there (" + String.join(" ", runtime.ignoreRules()) + ")");
        } else {
            g.missingRules().forEach(r -> out.println("     " + r));
        }
        if (!g.nothingToDo()) {
            out.println("   Steps 1 and 2 are one commit on " + (g.branch() == null ? "main" : g.branch()) + ", \"" + COMMIT_SUBJECT
                    + "\", as " + g.author() + ".");
        }
        g.refusal().ifPresent(r -> out.println("   Cannot be done now: " + r));
        BashStateImport.Plan st = p.state();
        out.println("3. Import the bash loop's state (no count is dropped):");
        if (st.nothingToDo()) {
            out.println("     nothing to import");
        }
        if (!st.identities().isEmpty()) {
            out.println("     errors.json: " + st.identities().size() + " entr" + (st.identities().size() == 1 ? "y gets its" : "ies get their")
                    + " stage and failure fields: " + String.join(", ", st.identities().stream().map(BashStateImport.Identity::key).toList()));
        }
        for (BashStateImport.StageFill f : st.stages()) {
            out.println("     " + f.stage() + ": " + f.status().wire() + (f.reason() == null ? "" : " (" + f.reason() + ")")
                    + (f.fingerprint() == null ? "" : "; last failure " + f.fingerprint())
                    + (f.lastLog() == null ? "" : "; last log " + f.lastLog()));
        }
        if (!st.identities().isEmpty()) {
            out.println("     The bash loop's failure hashes (md5 of the log tail) are not the engine's fingerprints: their counts"
                    + " stay and count toward each stage's cap of " + s.settings().stageApiCallCap() + " API calls until it is green or reset.");
        }
        if (!st.unowned().isEmpty()) {
            out.println("     kept as they are (no stage of context_map.yaml): " + String.join(", ", st.unowned()));
        }
        out.println("4. Run `engine validate`.");
    }

    private static String commitMessage(RuntimeFiles runtime, RuntimeUntracking.Plan plan) {
        StringBuilder m = new StringBuilder(COMMIT_SUBJECT).append("\n\n");
        m.append("The engine writes ").append(String.join(", ", runtime.folders().stream().map(f -> f + "/").toList()))
                .append(" on every run; the bash loop\ncommitted some of it. The files stay on disk, untracked and ignored from now on.\n");
        if (!plan.tracked().isEmpty()) {
            m.append("\nUntracked:\n");
            plan.tracked().forEach(f -> m.append("  ").append(f).append('\n'));
        }
        if (!plan.missingRules().isEmpty()) {
            m.append("\nIgnored (.gitignore): ").append(String.join(" ", plan.missingRules())).append('\n');
        }
        return m.append("\nEngine-Command: adopt\n").toString();
    }
}
