package dev.engine.console;

import dev.engine.audit.AuditEvent;
import dev.engine.git.AiBranch;
import dev.engine.git.CommitFiles;
import dev.engine.git.PendingCommit;
import dev.engine.redact.Redactor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The review page's data: the pending AI commits with their side-by-side diffs, all text redacted. */
final class Reviews {
    static final int MAX_FILE_BYTES = 512 * 1024;

    private final Path workspace;
    private final String aiBranch;
    private final Redactor redactor;
    private final SideBySide sideBySide = new SideBySide();

    Reviews(Path workspace, String aiBranch, Redactor redactor) {
        this.workspace = workspace;
        this.aiBranch = aiBranch;
        this.redactor = redactor;
    }

    /** The page; a repository that cannot be read is a problem shown on it, not an error page. */
    View.Review page(List<AuditEvent> greens, boolean canAct, String mode) {
        String main = "main";
        try (AiBranch ai = AiBranch.open(workspace, aiBranch, "main")) {
            main = ai.mainBranch();
            List<View.Commit> commits = new ArrayList<>();
            List<View.Commit> foreign = new ArrayList<>();
            for (PendingCommit c : ai.pending()) {
                if (c.foreign()) {
                    foreign.add(commit(c, List.of(), 0, "-"));
                } else {
                    CommitFiles.Changes changes = CommitFiles.of(workspace, c.sha(), MAX_FILE_BYTES);
                    commits.add(commit(c, diffs(changes), changes.notShown(), greenAfter(greens, c)));
                }
            }
            return new View.Review(aiBranch, main, commits, foreign, canAct, null, mode);
        } catch (IOException | RuntimeException e) {
            return new View.Review(aiBranch, main, List.of(), List.of(), canAct,
                    redactor.redact("cannot read the AI branch: " + e.getMessage()), mode);
        }
    }

    private View.Commit commit(PendingCommit c, List<View.FileDiff> diffs, int notShown, String greenAfter) {
        return new View.Commit(c.sha(), c.shortSha(), redactor.redact(String.valueOf(c.stage())), c.source(),
                c.fingerprint() == null || c.fingerprint().isEmpty() ? "-" : c.fingerprint(), redactor.redact(c.summary()),
                c.files().stream().map(redactor::redact).toList(), c.added(), c.removed(), greenAfter, diffs, notShown);
    }

    private List<View.FileDiff> diffs(CommitFiles.Changes changes) {
        List<View.FileDiff> out = new ArrayList<>();
        for (CommitFiles.FileVersions f : changes.files()) {
            String path = redactor.redact(f.path());
            if (f.binary()) {
                out.add(new View.FileDiff(path, f.change(), "binary file: not shown", List.of()));
            } else if (f.tooLarge()) {
                out.add(new View.FileDiff(path, f.change(), "larger than " + MAX_FILE_BYTES / 1024 + " KB: not shown", List.of()));
            } else {
                // Each side redacted by the file's own rules before the diff: a secret in a context line is hidden too.
                String before = f.before() == null ? null : redactor.redactFile(f.path(), f.before());
                String after = f.after() == null ? null : redactor.redactFile(f.path(), f.after());
                out.add(new View.FileDiff(path, f.change(), null, sideBySide.rows(before, after)));
            }
        }
        return out;
    }

    /** Whether a green event for the commit's stage was recorded after the commit was made. */
    static String greenAfter(List<AuditEvent> greens, PendingCommit c) {
        for (AuditEvent g : greens) {
            try {
                if (c.stage() != null && c.stage().equals(g.stage()) && Instant.parse(g.time()).isAfter(c.time())) {
                    return "yes";
                }
            } catch (DateTimeParseException e) {
                // an event with a damaged time says nothing
            }
        }
        return "no";
    }
}
