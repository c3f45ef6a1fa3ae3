package dev.engine.patch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Path spellings found in diff headers: git's C-style quoting, a/ b/ prefixes, timestamps. */
final class GitPaths {
    // "--- file<TAB>2024-01-01 10:00:00.000000000 +0000" (diff -u) or the same with spaces.
    private static final Pattern TIMESTAMP = Pattern.compile(
            "\\s+\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?( ?[+-]\\d{4})?\\s*$");
    private static final Pattern CTIME_STAMP = Pattern.compile(
            "\\s+(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} +\\d{1,2} \\d{2}:\\d{2}:\\d{2} \\d{4}.*$");

    private GitPaths() {}

    /** A result of reading one path: the path and where the text after it starts. */
    record Read(String path, int end) {}

    /** The path of a "--- x" / "+++ x" line (text after the marker), without timestamp. */
    static String headerPath(String rest, int lineNo) throws PatchFormatException {
        String s = rest.strip();
        if (s.startsWith("\"")) {
            return readQuoted(s, 0, lineNo).path();
        }
        int tab = s.indexOf('\t');
        if (tab >= 0) s = s.substring(0, tab);
        s = TIMESTAMP.matcher(s).replaceFirst("");
        s = CTIME_STAMP.matcher(s).replaceFirst("");
        return s.strip();
    }

    /** Reads a C-quoted path starting at {@code start} (which must be '"'). */
    static Read readQuoted(String s, int start, int lineNo) throws PatchFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                return new Read(out.toString(StandardCharsets.UTF_8), i + 1);
            }
            if (c != '\\') {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(b);
                i++;
                continue;
            }
            if (i + 1 >= s.length()) break;
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case 'a' -> out.write(7);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'v' -> out.write(11);
                case '\\' -> out.write('\\');
                case '"' -> out.write('"');
                default -> {
                    if (e >= '0' && e <= '3' && i + 1 < s.length()
                            && isOctal(s.charAt(i)) && isOctal(s.charAt(i + 1))) {
                        out.write(Integer.parseInt(s.substring(i - 1, i + 2), 8));
                        i += 2;
                    } else {
                        throw new PatchFormatException(lineNo, "bad escape '\\" + e + "' in quoted path");
                    }
                }
            }
        }
        throw new PatchFormatException(lineNo, "unterminated quoted path");
    }

    private static boolean isOctal(char c) { return c >= '0' && c <= '7'; }

    /**
     * Splits the "a/x b/y" of a "diff --git" line. Unquoted names may contain spaces, so when the
     * two names are equal (the usual case) the line is cut in the middle, as git itself does.
     */
    static String[] gitHeaderPaths(String s, int lineNo) throws PatchFormatException {
        if (s.startsWith("\"")) {
            Read first = readQuoted(s, 0, lineNo);
            String rest = s.substring(first.end()).strip();
            String second = rest.startsWith("\"") ? readQuoted(rest, 0, lineNo).path() : rest;
            return new String[] {first.path(), second};
        }
        int q = s.indexOf(" \"");
        if (q >= 0) {
            return new String[] {s.substring(0, q), readQuoted(s, q + 1, lineNo).path()};
        }
        if (s.length() % 2 == 1) {
            int mid = s.length() / 2;
            String a = s.substring(0, mid);
            String b = s.substring(mid + 1);
            if (s.charAt(mid) == ' ' && stripPrefix(a, "a/").equals(stripPrefix(b, "b/"))) {
                return new String[] {a, b};
            }
        }
        int sep = s.indexOf(" b/");
        if (sep < 0) sep = s.indexOf(' ');
        if (sep < 0) throw new PatchFormatException(lineNo, "cannot read the two paths of the 'diff --git' line");
        return new String[] {s.substring(0, sep), s.substring(sep + 1)};
    }

    static String stripPrefix(String path, String prefix) {
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }
}
