package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.config.StageSpec;
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
import java.util.List;
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
        subcommands = PatchCommand.Check.class)
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
            PrintStream out = root.ctx.out();
            Session s = Session.open(root);
            Path file = root.ctx.cwd().resolve(diff);
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file, 0, "DIFF", "no such file");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            PatchPolicy policy = PatchPolicy.defaults(protectedFiles(s));
            if (stage != null) {
                StageSpec spec = s.map().select(List.of(stage)).get(0);
                policy = policy.withScope(spec.files());
            }
            try (Repository repo = new FileRepositoryBuilder().findGitDir(s.layout().workspace().toFile()).setMustExist(true).build()) {
                String ref = repo.resolve("refs/heads/" + s.settings().aiBranch()) != null ? "refs/heads/" + s.settings().aiBranch() : "HEAD";
                ObjectId base = repo.resolve(ref + "^{commit}");
                if (base == null) {
                    throw new ConfigException(s.layout().workspace(), 0, "git", "the repository has no commit yet to check the patch against");
                }
                PatchOutcome outcome = PatchSet.checkAndApply(text, policy, new GitTreeView(repo, base));
                String against = (ref.equals("HEAD") ? repo.getBranch() : s.settings().aiBranch()) + " " + base.abbreviate(10).name();
                if (outcome instanceof PatchOutcome.Refused refused) {
                    out.println("refused (checked against " + against + "): " + refused.violations().size() + " violation(s)");
                    for (Violation v : refused.violations()) {
                        out.println("  " + v.rule() + "  " + (v.path() == null || v.path().isEmpty() ? "-" : v.path()) + ": " + v.message());
                    }
                    return 1;
                }
                PatchOutcome.Ready ready = (PatchOutcome.Ready) outcome;
                out.println("ok (checked against " + against + "): " + summary(text) + "; applies cleanly to "
                        + String.join(", ", ready.changes().keySet()));
                return 0;
            }
        }

        private static String summary(String text) {
            try {
                List<FilePatch> files = UnifiedDiffParser.parse(text);
                int add = files.stream().mapToInt(FilePatch::addedLines).sum();
                int del = files.stream().mapToInt(FilePatch::removedLines).sum();
                return files.size() + " file(s), +" + add + " -" + del + " lines";
            } catch (PatchFormatException e) {
                return "unparseable";
            }
        }

        /**
         * The configured list plus the home's own files when the home is neither the workspace
         * root nor ai/ (the patch checker already knows those two places).
         */
        static List<String> protectedFiles(Session s) {
            List<String> out = new ArrayList<>(s.map().protectedFiles());
            Path rel = s.layout().workspace().relativize(s.layout().home());
            String prefix = rel.toString();
            if (!prefix.isEmpty() && !prefix.equals("ai") && !prefix.startsWith("..")) {
                for (String f : List.of("context_map.yaml", "master_memo.md", "executor_instructions.md", "state/", "logs/", "escalations/", "patches/")) {
                    out.add(prefix + "/" + f);
                }
            }
            return out;
        }
    }
}
