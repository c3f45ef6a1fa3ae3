package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.audit.AuditLog;
import dev.engine.config.ConfigException;
import dev.engine.redact.Redactor;
import dev.engine.report.IncidentReport;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {
            "Print a stage's last incident as a Markdown timeline.",
            "",
            "Read from the audit trail for an issue or a commit message: what failed, what was tried, what it cost "
                    + "(attempts, model calls, tokens), what fixed it and who approved the fix, then every step with its time.",
            "",
            "Values from the trail are redacted as case files are, and shown as code, so a model's or a stage's text "
                    + "cannot turn into links, images or mentions where the Markdown is rendered. Needs no lock.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine report talos",
            "  engine report talos > incident.md",
            "  gh issue create --title \"talos incident\" --body-file <(engine report talos)",
        })
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Parameters(paramLabel = "STAGE", description = "The stage, as named in context_map.yaml or in the audit trail.")
    String stage;

    @Override
    public Integer call() throws ConfigException, IOException {
        Session s = Sessions.open(root);
        AuditLog.Read read = s.audit().read(Optional.empty(), 0);
        if (s.map().stage(stage).isEmpty() && read.events().stream().noneMatch(e -> stage.equals(e.stage()))) {
            // Unknown both to the map and to the trail: the same message `run` gives for a typo.
            s.map().select(List.of(stage));
        }
        // As a run redacts: the workspace's known secret values too, not only patterns and the environment.
        Redactor redactor = s.redactor();
        Optional<String> md;
        try (GitCommits commits = GitCommits.open(s)) {
            md = IncidentReport.markdown(stage, read.events(), redactor::redact, commits);
        }
        if (md.isEmpty()) {
            root.ctx.out().println(stage + ": no failure in the audit trail (" + s.audit().file() + "); nothing to report");
        } else {
            root.ctx.out().print(md.get());
        }
        if (read.unreadableLines() > 0) {
            root.ctx.err().println("engine: " + read.unreadableLines() + " line(s) of " + s.audit().file() + " could not be read and were skipped");
        }
        return 0;
    }

    /** The report's questions to git, answered from the workspace's repository (nothing is known without one). */
    private static final class GitCommits implements IncidentReport.Commits, AutoCloseable {
        private final Repository repo;

        private GitCommits(Repository repo) {
            this.repo = repo;
        }

        static GitCommits open(Session s) {
            try {
                return new GitCommits(Git.open(s.layout().workspace().toFile()).getRepository());
            } catch (IOException e) {
                return new GitCommits(null);
            }
        }

        @Override
        public boolean contains(String tip, String commit) {
            return IncidentReport.Commits.UNKNOWN.contains(tip, commit) || reaches(tip, commit);
        }

        @Override
        public boolean inMain(String commit) {
            return reaches("refs/heads/main", commit);
        }

        private boolean reaches(String tip, String commit) {
            if (repo == null || tip == null || tip.isEmpty() || commit == null || commit.isEmpty()) {
                return false;
            }
            try (RevWalk walk = new RevWalk(repo)) {
                ObjectId t = repo.resolve(tip + "^{commit}");
                ObjectId c = repo.resolve(commit + "^{commit}");
                return t != null && c != null && walk.isMergedInto(walk.parseCommit(c), walk.parseCommit(t));
            } catch (IOException | RuntimeException e) {
                return false; // a commit gone from the repository (rejected, collected): not known to be in main
            }
        }

        @Override
        public void close() {
            if (repo != null) {
                repo.close();
            }
        }
    }
}
