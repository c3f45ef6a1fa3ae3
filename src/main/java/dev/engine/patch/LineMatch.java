package dev.engine.patch;

/**
 * How strictly a hunk line must equal a file line, expressed as a comparison key. Line-ending
 * differences never count: a CRLF file edited by an LF diff is the common case, and the file's
 * own line text is what ends up in the result anyway.
 */
enum LineMatch {
    EXACT,
    IGNORE_WHITESPACE;

    String key(String line) {
        String s = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        // Amount of whitespace ignored, presence inside a line kept (like git --ignore-space-change).
        return this == EXACT ? s : s.strip().replaceAll("\\s+", " ");
    }

    String describe() {
        return this == EXACT ? "exact" : "whitespace-insensitive";
    }
}
