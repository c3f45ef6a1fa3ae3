package dev.engine.git;

import static dev.engine.git.CommitInfo.oneLine;

import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The engine's commit message format: {@code ai(<stage>): <summary>}, an optional body holding the
 * full summary when the subject had to be cut, then git trailers that {@code review} parses back.
 */
final class CommitMessage {
    static final String STAGE = "Engine-Stage";
    static final String SOURCE = "Engine-Source";
    static final String FINGERPRINT = "Engine-Fingerprint";
    static final String PATCH = "Engine-Patch";
    static final int SUBJECT_MAX = 72;

    private CommitMessage() {}

    static String format(CommitInfo info) {
        String stage = oneLine(info.stage());
        String summary = oneLine(info.summary());
        if (summary.isEmpty()) summary = "fix";
        String subject = "ai(" + stage + "): " + summary;
        boolean cut = subject.length() > SUBJECT_MAX;
        if (cut) subject = subject.substring(0, Math.max(SUBJECT_MAX - 3, 0)).stripTrailing() + "...";
        StringBuilder sb = new StringBuilder(subject).append("\n\n");
        if (cut) sb.append(summary).append("\n\n");
        sb.append(STAGE).append(": ").append(stage).append('\n');
        sb.append(SOURCE).append(": ").append(oneLine(info.source())).append('\n');
        if (!oneLine(info.fingerprint()).isEmpty()) sb.append(FINGERPRINT).append(": ").append(oneLine(info.fingerprint())).append('\n');
        if (!oneLine(info.patchFile()).isEmpty()) sb.append(PATCH).append(": ").append(oneLine(info.patchFile())).append('\n');
        return sb.toString();
    }

    /** True when {@code c} carries the engine's trailers (its source); anything else was made by someone else. */
    static boolean madeByEngine(RevCommit c) {
        return !first(c, SOURCE).isEmpty() && !first(c, STAGE).isEmpty();
    }

    /** The trailers of {@code c}; a hand-made commit gets source {@code unknown} and its subject as summary. */
    static CommitInfo parse(RevCommit c) {
        String source = first(c, SOURCE);
        if (source.isEmpty()) {
            return new CommitInfo("-", "unknown", "", "", c.getShortMessage());
        }
        String subject = c.getShortMessage();
        int colon = subject.indexOf("): ");
        String summary = subject.startsWith("ai(") && colon > 0 ? subject.substring(colon + 3) : subject;
        String[] paragraphs = c.getFullMessage().strip().split("\n\\s*\n");
        if (paragraphs.length >= 3 && summary.endsWith("...")) summary = paragraphs[1].strip();
        return new CommitInfo(orDash(first(c, STAGE)), source, first(c, FINGERPRINT), first(c, PATCH), summary);
    }

    private static String first(RevCommit c, String key) {
        List<String> values = c.getFooterLines(key);
        return values.isEmpty() ? "" : values.get(0).strip();
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
