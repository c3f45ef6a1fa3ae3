package dev.engine.console;

import java.util.List;

/**
 * What the console's templates (src/main/jte) render. Every text in these records has been through
 * the redactor already; the templates escape it for its HTML context. Nothing here is HTML.
 */
public final class View {
    private View() {}

    /** The board: one column per status, in the order a stage moves through them. */
    public record Board(List<Column> columns, String updatedAt, boolean canAct, String mode) {}

    public record Column(String status, String title, List<Card> cards) {}

    /**
     * One stage on the board.
     *
     * @param logHref the last log's console address, null when there is none
     */
    public record Card(String name, String status, String reason, int attempts, int attemptCounter, String fingerprint,
                       String calls, String stageCalls, long tokens, String lastRun, String logHref, String logName,
                       String stageHref) {}

    /** A stage's page: its card, its timeline (newest last) and whether it can be reset here. */
    public record Stage(Card card, List<Entry> entries, int totalEvents, boolean resettable, boolean canAct, String mode) {}

    /**
     * One audit event.
     *
     * @param kind its group (attempt, fingerprint, decision, executor, model, diagnostics, patch, review, other), for styling
     */
    public record Entry(String time, String event, String kind, List<Detail> details, List<Attachment> attachments) {}

    public record Detail(String key, String value) {}

    /** A file an event names (log tail, case file, answer, diagnostics output, patch), shown folded. */
    public record Attachment(String title, String text, String note) {}

    /** The review page: the AI commits not in main, oldest first. */
    public record Review(String aiBranch, String mainBranch, List<Commit> commits, List<Commit> foreign, boolean canAct,
                         String problem, String mode) {}

    public record Commit(String sha, String shortSha, String stage, String source, String fingerprint, String summary,
                         List<String> files, int added, int removed, String greenAfter, List<FileDiff> diffs, int filesNotShown) {}

    /** @param note why no rows are shown (binary, too large), or null */
    public record FileDiff(String path, String change, String note, List<Row> rows) {}

    /**
     * One row of a side-by-side diff.
     *
     * @param kind equal, insert, delete, change, or skip (a run of unchanged lines left out)
     * @param oldText null when the row has no old line
     * @param newText null when the row has no new line
     */
    public record Row(String kind, String oldNo, String newNo, List<Segment> oldText, List<Segment> newText) {}

    /** A piece of a line; {@code changed} pieces are what an edit changed within the line. */
    public record Segment(String text, boolean changed) {}

    /** What an action did: its output (redacted) and exit code, or that watch will do it between stages. */
    public record Result(String action, int exit, String out, String err, boolean queued, String back) {}
}
