package dev.engine.patch;

/** The diff text cannot be understood; the message names the 1-based diff line. */
public final class PatchFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    public PatchFormatException(int line, String message) {
        super("diff line " + line + ": " + message);
        this.line = line;
    }

    /** 1-based line number in the diff text, 0 when not tied to a line. */
    public int line() { return line; }
}
