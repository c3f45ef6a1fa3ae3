package dev.engine.git;

import java.util.Objects;

/**
 * What the engine knows about an AI fix, written into the commit message as trailers so that
 * {@code review} can list the commits without any state outside git.
 *
 * @param stage       the stage the fix is for, e.g. {@code talos}
 * @param source      {@code executor}, {@code api} or {@code manual}
 * @param fingerprint the failure fingerprint the fix answers; may be null
 * @param patchFile   the kept copy of the diff it came from, relative to the home; may be null
 * @param summary     one line for humans; cut to fit a commit subject
 */
public record CommitInfo(String stage, String source, String fingerprint, String patchFile, String summary) {
    public CommitInfo {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(summary, "summary");
        if (oneLine(stage).isEmpty()) throw new IllegalArgumentException("stage must not be blank");
        if (oneLine(source).isEmpty()) throw new IllegalArgumentException("source must not be blank");
    }

    /** Newlines in a subject or trailer would end it early and corrupt the trailer block. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
