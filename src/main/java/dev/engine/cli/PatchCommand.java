package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.config.StageSpec;
import dev.engine.git.AiBranch;
import dev.engine.git.AiBranchException;
import dev.engine.git.CommitInfo;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import dev.engine.patch.FilePatch;
import dev.engine.patch.GitTreeView;
import dev.engine.patch.PatchFormatException;
import dev.engine.patch.PatchOutcome;
import dev.engine.patch.PatchPolicy;
import dev.engine.patch.PatchSet;
import dev.engine.patch.UnifiedDiffParser;
import dev.engine.patch.Violation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "patch", mixinStandardHelpOptions = true,
        description = "Check unified diffs against the safety invariants (DESIGN.md §6 I2-I5).",
        subcommands = {PatchCommand.Check.class, PatchCommand.Apply.class})
final class PatchCommand implements Runnable {
    @ParentCommand
    EngineCommand root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.ctx.out());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {
                "Validate a unified diff without writing anything: protected files, new top-level",
                "directories, path traversal, symlinks, binary and mode changes, deletions, at most 60",
                "changed lines and 5 files, and that every hunk applies to exactly one place. Every",
                "violation is listed. The diff is checked against the AI branch tip when it exists,",
                "else against HEAD (committed content, never the working tree).",
                "Exit 0: the patch is acceptable; 1: it would be refused; 2: unreadable input.",
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
            Session s = Session.open(root);
            Verdict v = Verdict.of(s, root.ctx.cwd().resolve(diff), stage);
            return v.print(root.ctx.out()) ? 0 : 1;
        }

        static String summary(String text) {
            try {
                List<FilePatch> files = UnifiedDiffParser.parse(text);
                int add = files.stream().mapToInt(FilePatch::addedLines).sum();
                int del = files.stream().mapToInt(FilePatch::removedLines).sum();
                return files.size() + " file(s), +" + add + " -" + del + " lines";
            } catch (PatchFormatException e) {
                return "unparseable";
            }
        }

        static List<String> protectedFiles(Session s) {
            return dev.engine.git.PatchLanding.protectedFiles(s.layout().workspace(), s.layout().home(), s.map().protectedFiles());
        }
    }

    /** The outcome of checking one diff against the AI branch tip (or HEAD when there is none yet). */
    record Verdict(String text, Path file, PatchOutcome outcome, ObjectId base, String against, Optional<StageSpec> stage) {

        static Verdict of(Session s, Path file, String stageName) throws ConfigException, IOException {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file, 0, "DIFF", "no such file");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            PatchPolicy policy = PatchPolicy.defaults(Check.protectedFiles(s));
            Optional<StageSpec> stage = Optional.empty();
            if (stageName != null) {
                stage = Optional.of(s.map().select(List.of(stageName)).get(0));
                policy = policy.withScope(stage.get().files());
            }
            try (Repository repo = new FileRepositoryBuilder().findGitDir(s.layout().workspace().toFile()).setMustExist(true).build()) {
                boolean ai = repo.resolve("refs/heads/" + s.settings().aiBranch()) != null;
                String ref = ai ? "refs/heads/" + s.settings().aiBranch() : "HEAD";
                ObjectId base = repo.resolve(ref + "^{commit}");
                if (base == null) {
                    throw new ConfigException(s.layout().workspace(), 0, "git", "the repository has no commit yet to check the patch against");
                }
                PatchOutcome outcome = PatchSet.checkAndApply(text, policy, new GitTreeView(repo, base));
                String against = (ai ? s.settings().aiBranch() : repo.getBranch()) + " " + base.abbreviate(10).name();
                return new Verdict(text, file, outcome, base, against, stage);
            }
        }

        /** Prints the verdict; true when the patch is acceptable. */
        boolean print(PrintStream out) {
            if (outcome instanceof PatchOutcome.Refused refused) {
                out.println("refused (checked against " + against + "): " + refused.violations().size() + " violation(s)");
                for (Violation v : refused.violations()) {
                    out.println("  " + v.rule() + "  " + (v.path() == null || v.path().isEmpty() ? "-" : v.path()) + ": " + v.message());
                }
                return false;
            }
            out.println("ok (checked against " + against + "): " + Check.summary(text) + "; applies cleanly to "
                    + String.join(", ", ((PatchOutcome.Ready) outcome).changes().keySet()));
            return true;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {
                "Check a unified diff exactly as `patch check` does, then commit it to the AI branch",
                "(created at main on first use). main, HEAD, the index and the working tree are not",
                "touched; a human reviews the commit with `engine review`. A copy of the diff is kept",
                "in the home's patches/ folder and named in the commit. Exit 1 when refused.",
            })
    static final class Apply implements Callable<Integer> {
        private static final java.time.format.DateTimeFormatter STAMP = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

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
            Session s = Session.open(root);
            try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine patch apply " + diff)) {
                Verdict v = Verdict.of(s, root.ctx.cwd().resolve(diff), stage);
                String stageName = v.stage().map(StageSpec::name).orElse(null);
                if (!v.print(root.ctx.out())) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("source", "manual");
                    d.put("diff", v.file().toString());
                    d.put("violations", ((PatchOutcome.Refused) v.outcome()).violations().stream().map(Violation::toString).toList());
                    s.audit().append(stageName, "patch_refused", d);
                    return 1;
                }
                Path kept = s.layout().patchesDir().resolve((stageName == null ? "manual" : stageName) + "_"
                        + STAMP.format(java.time.LocalDateTime.now(root.ctx.clock())) + "_patch.diff");
                Files.createDirectories(kept.getParent());
                Files.writeString(kept, v.text(), StandardCharsets.UTF_8);
                String keptRel = s.layout().workspace().relativize(kept).toString();
                Map<String, Optional<String>> changes = ((PatchOutcome.Ready) v.outcome()).changes();
                try (AiBranch ai = AiBranch.open(s.layout().workspace(), s.settings().aiBranch(), "main")) {
                    ObjectId commit = ai.commit(v.base(), changes, new CommitInfo(stageName == null ? "-" : stageName, "manual", null, keptRel,
                            message != null ? message : "manual patch " + v.file().getFileName()));
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("source", "manual");
                    d.put("commit", commit.name());
                    d.put("branch", ai.branchName());
                    d.put("files", List.copyOf(changes.keySet()));
                    d.put("patch", keptRel);
                    s.audit().append(stageName, "patch_applied", d);
                    root.ctx.out().println("committed " + commit.abbreviate(10).name() + " to " + ai.branchName()
                            + " (" + ai.mainBranch() + " untouched); review it with `engine review`");
                    return 0;
                } catch (AiBranchException e) {
                    root.ctx.err().println("engine: " + e.getMessage());
                    return 1;
                }
            }
        }
    }
}
