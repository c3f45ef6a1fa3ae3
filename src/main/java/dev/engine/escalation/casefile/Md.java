package dev.engine.escalation.casefile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Markdown helpers. Everything shown comes from files, logs or a model: none of it may break the case file's structure. */
final class Md {
    static final String OMITTED_FORMAT = "… (%d lines omitted) …";

    /** ANSI CSI/OSC sequences and C0/C1 controls other than tab; they cost tokens and tell the model nothing. */
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)|\u001B[@-Z\\\\-_]");
    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F\\x80-\\x9F&&[^\\r\\n]]");

    private Md() {}

    static String omitted(int lines) {
        return String.format(Locale.ROOT, OMITTED_FORMAT, lines);
    }

    /** A code fence longer than any run of backticks in {@code content}, so the content cannot close it. */
    static String fence(String content) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < content.length(); i++) {
            if (content.charAt(i) == '`') {
                run++;
                longest = Math.max(longest, run);
            } else {
                run = 0;
            }
        }
        return "`".repeat(Math.max(3, longest + 1));
    }

    /** One line of text for inline code or a list item: no newlines, no backticks, at most {@code max} characters. */
    static String inline(String s, int max) {
        String one = s.replaceAll("[\\r\\n\\t]+", " ").replace('`', '\'').strip();
        one = CONTROLS.matcher(one).replaceAll("");
        return one.length() <= max ? one : one.substring(0, max) + "…";
    }

    /** Log or command output as text: colours and control characters removed, CRLF made LF. */
    static String plain(String s) {
        String t = ANSI.matcher(s).replaceAll("");
        t = t.replace("\r\n", "\n").replace('\r', '\n');
        return CONTROLS.matcher(t).replaceAll("");
    }

    /** Lines without their terminators; a final newline does not make an empty last line. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) == '\n') {
                int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
                out.add(text.substring(start, end));
                start = i + 1;
            }
        }
        if (start < n) out.add(text.endsWith("\r") ? text.substring(start, n - 1) : text.substring(start));
        return out;
    }

    /**
     * A line cut to {@code max} characters with a marker. A cut never splits a redaction
     * placeholder: half of "[REDACTED:token]" would read as text the model could copy.
     */
    static String cutLine(String line, int max) {
        if (line.length() <= max) return line;
        int cut = max;
        int open = line.lastIndexOf("[REDACTED", cut);
        if (open >= 0 && line.indexOf(']', open) >= cut) cut = open;
        if (cut > 0 && Character.isHighSurrogate(line.charAt(cut - 1))) cut--;
        return line.substring(0, cut) + " … (" + (line.length() - cut) + " characters omitted)";
    }

    static String plural(int n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }
}
