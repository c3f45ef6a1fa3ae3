package dev.engine.patch;

import java.util.Objects;

/**
 * One body line of a hunk. {@code text} is the line without its leading marker and without the
 * '\n'; a '\r' is kept because it is part of the content of a CRLF file.
 * {@code noNewlineAtEnd} records a following "\ No newline at end of file" marker.
 */
public record HunkLine(Kind kind, String text, boolean noNewlineAtEnd) {
    public enum Kind { CONTEXT, ADD, REMOVE }

    public HunkLine {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    public static HunkLine context(String text) { return new HunkLine(Kind.CONTEXT, text, false); }
    public static HunkLine add(String text) { return new HunkLine(Kind.ADD, text, false); }
    public static HunkLine remove(String text) { return new HunkLine(Kind.REMOVE, text, false); }

    HunkLine withNoNewline() { return new HunkLine(kind, text, true); }

    /** Present in the file before the change. */
    public boolean onOldSide() { return kind != Kind.ADD; }

    /** Present in the file after the change. */
    public boolean onNewSide() { return kind != Kind.REMOVE; }
}
