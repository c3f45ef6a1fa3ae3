package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.config.ConfigException;
import dev.engine.config.StageSpec;
import dev.engine.git.PatchLanding;
import dev.engine.patch.Violation;
import dev.engine.redact.Redaction;
import dev.engine.redact.RedactionKey;
import dev.engine.redact.Redactor;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "patch", mixinStandardHelpOptions = true,
        description = {
            "Check unified diffs against the safety rules, or commit them.",
            "",
            "The rules are those of DESIGN.md §6 (I2-I5, I8): protected files, paths, size and secrets. "
                    + "`patch check` only reports; `patch apply` commits an acceptable diff to the AI branch for review.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine patch check fix.diff --stage talos",
            "  engine patch apply fix.diff --stage talos -m \"talos: use port 6443\"",
        },
        subcommands = {PatchCommand.Check.class, PatchCommand.Apply.class})
final class PatchCommand implements Runnable {
    @ParentCommand
    EngineCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.ctx.out());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {
                "Check a unified diff against the safety rules, writing nothing.",
                "",
                "It checks protected and repository-control files (.git*, .github/, .envrc, .sops.yaml and what it "
                        + "covers), new top-level directories, path traversal, symlinks, look-alike and non-ASCII "
                        + "names, renames, binary and mode changes, deletions, redaction placeholders in added lines, "
                        + "at most 60 changed lines and 5 files, and that every hunk applies to exactly one place. "
                        + "Every violation is listed. The diff is checked against the AI branch tip when it exists, "
                        + "else against main (never the checked-out branch).",
                "",
                "Exit 0: the patch is acceptable; 1: it would be refused; 2: unreadable input.",
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine patch check fix.diff",
                "  git diff > fix.diff && engine patch check fix.diff --stage talos",
            })
    static final class Check implements Callable<Integer> {
        @ParentCommand
        PatchCommand patch;

        @Parameters(paramLabel = "DIFF", description = "The unified diff file (git-style or plain ---/+++).")
        Path diff;

        @Option(names = "--stage", paramLabel = "STAGE",
                description = "Also hold the patch to this stage's `files` scope, as executor patches are.")
        String stage;

        @Override
        public Integer call() throws ConfigException, IOException {
            EngineCommand root = patch.root;
            Session s = Sessions.open(root);
            PatchLanding.Proposal proposal = proposal(s, root.ctx.cwd().resolve(diff), stage, null);
            // A check writes nothing: the home's key is used only when it exists; without one no
            // placeholder was ever written, and a throwaway key still finds the secrets a diff adds.
            Path key = s.layout().stateDir().resolve(RedactionKey.FILE_NAME);
            Optional<Redactor> redactor = Optional.of(Files.isRegularFile(key) ? s.redactor()
                    : Redaction.throwaway(s.layout().workspace(), root.ctx.env()));
            PatchLanding.Result r = landing(s, redactor).check(proposal);
            return print(r, root.ctx.out()) ? 0 : 1;
        }
    }

    static PatchLanding landing(Session s, Optional<Redactor> redactor) {
        return new PatchLanding(new PatchLanding.Setup(s.layout().workspace(), s.layout().home(), s.settings().aiBranch(), "main",
                s.map().protectedFiles(), s.audit(), redactor));
    }

    /** The diff in {@code file} as a manual proposal, held to {@code stageName}'s files when one is given. */
    static PatchLanding.Proposal proposal(Session s, Path file, String stageName, String message) throws ConfigException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, 0, "DIFF", "no such file");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Optional<StageSpec> stage = stageName == null ? Optional.empty() : Optional.of(s.map().select(List.of(stageName)).get(0));
        return new PatchLanding.Proposal(PatchLanding.Source.MANUAL, stage.map(StageSpec::name).orElse(null), null, text,
                message != null ? message : "manual patch " + file.getFileName(), stage.map(StageSpec::files));
    }

    /** Prints the verdict; true when the patch is acceptable. */
    static boolean print(PatchLanding.Result result, PrintStream out) {
        if (result instanceof PatchLanding.Result.Refused refused) {
            out.println("refused (checked against " + refused.against() + "): " + refused.violations().size() + " violation(s)");
            for (Violation v : refused.violations()) {
                out.println("  " + v.rule() + "  " + (v.path() == null || v.path().isEmpty() ? "-" : v.path()) + ": " + v.message());
            }
            return false;
        }
        List<String> files;
        int added;
        int removed;
        if (result instanceof PatchLanding.Result.Committed c) {
            files = c.files();
            added = c.added();
            removed = c.removed();
        } else {
            PatchLanding.Result.Checked c = (PatchLanding.Result.Checked) result;
            files = c.files();
            added = c.added();
            removed = c.removed();
        }
        out.println("ok (checked against " + result.against() + "): " + files.size() + " file(s), +" + added + " -" + removed
                + " lines; applies cleanly to " + String.join(", ", files));
        return true;
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {
                "Check a unified diff, then commit it to the AI branch.",
                "",
                "It is checked exactly as by `patch check`, then committed to the AI branch (created at main on "
                        + "first use, whatever branch is checked out). main, HEAD, the index and the working tree are "
                        + "not touched; a human reviews the commit with `engine review`. A copy of the diff (redacted) "
                        + "is kept in the home's patches/ folder and named in the commit. Exit 1 when refused.",
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine patch apply fix.diff --stage talos -m \"talos: use port 6443\"",
                "  engine review                  then review the commit it made",
            })
    static final class Apply implements Callable<Integer> {
        private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

        @ParentCommand
        PatchCommand patch;

        @Parameters(paramLabel = "DIFF", description = "The unified diff file.")
        Path diff;

        @Option(names = "--stage", paramLabel = "STAGE", description = "The stage the fix is for; holds the patch to its `files` scope.")
        String stage;

        @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "Summary for the commit (default: the diff's file name).")
        String message;

        @Override
        public Integer call() throws ConfigException, IOException, LockHeldException {
            EngineCommand root = patch.root;
            Session s = Sessions.open(root);
            PatchLanding.Proposal proposal = proposal(s, root.ctx.cwd().resolve(diff), stage, message);
            try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine patch apply " + diff)) {
                PatchLanding.Result r = landing(s, Optional.of(s.redactor())).land(proposal, keepAs(s, proposal, root));
                if (!print(r, root.ctx.out())) {
                    return 1;
                }
                PatchLanding.Result.Committed c = (PatchLanding.Result.Committed) r;
                root.ctx.out().println("committed " + c.commit().substring(0, 10) + " to " + s.settings().aiBranch()
                        + " (main untouched); review it with `engine review`");
                return 0;
            }
        }

        /** patches/{@literal <stage|manual>_<stamp>}_patch.diff, never overwriting an earlier one. */
        private static Path keepAs(Session s, PatchLanding.Proposal p, EngineCommand root) {
            String base = (p.stage() == null ? "manual" : p.stage()) + "_" + STAMP.format(LocalDateTime.now(root.ctx.clock()));
            Path kept = s.layout().patchesDir().resolve(base + "_patch.diff");
            for (int n = 2; Files.exists(kept); n++) {
                kept = s.layout().patchesDir().resolve(base + "-" + n + "_patch.diff");
            }
            return kept;
        }
    }
}
