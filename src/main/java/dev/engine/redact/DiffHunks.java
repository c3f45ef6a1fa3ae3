package dev.engine.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hunks of a unified diff, so a diff can be read as the two texts it relates: the lines a
 * patch leaves or adds (new side) and the lines it leaves or removes (old side), each without the
 * marker column. A YAML {@code name:}/{@code value:} pair split over two {@code +} lines is then a
 * pair again.
 */
final class DiffHunks {
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@");

    /** A line of a hunk: {@code start} is its marker, {@code end} its end (without the line break). */
    record Line(int start, int end, char marker, int newLine) {}

    record Hunk(String path, List<Line> lines) {}

    /** {@code path} is the new path ({@code +++ b/...}), or the old one for a deletion; {@code pathStart..pathEnd} where it is written. */
    record FileDiff(String path, int pathStart, int pathEnd, List<Hunk> hunks) {}

    private DiffHunks() {}

    static boolean looksLikeDiff(String t) {
        return t.startsWith("@@ -") || t.contains("\n@@ -");
    }

    static List<FileDiff> parse(String t) {
        List<FileDiff> files = new ArrayList<>();
        String path = "";
        int pathStart = -1;
        int pathEnd = -1;
        String oldPath = "";
        List<Hunk> hunks = new ArrayList<>();
        int n = t.length();
        int ls = 0;
        while (ls < n) {
            int le = t.indexOf('\n', ls);
            le = le < 0 ? n : le;
            int ce = le > ls && t.charAt(le - 1) == '\r' ? le - 1 : le;
            if (t.startsWith("diff --git ", ls) || (t.startsWith("--- ", ls) && nextStartsWith(t, le, "+++ "))) {
                if (!hunks.isEmpty() || pathStart >= 0) {
                    files.add(new FileDiff(path.isEmpty() ? oldPath : path, pathStart, pathEnd, hunks));
                    hunks = new ArrayList<>();
                    path = "";
                    pathStart = -1;
                    pathEnd = -1;
                }
                if (t.startsWith("--- ", ls)) {
                    oldPath = stripPrefix(t.substring(ls + 4, ce));
                }
            } else if (t.startsWith("+++ ", ls)) {
                String p = stripPrefix(t.substring(ls + 4, ce));
                path = p.equals("/dev/null") ? oldPath : p;
                pathStart = ls + 4;
                pathEnd = ce;
            } else if (t.startsWith("@@ -", ls)) {
                Matcher m = HUNK.matcher(t.substring(ls, ce));
                if (m.find()) {
                    int oldLeft = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
                    int newLeft = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
                    int newLine = Integer.parseInt(m.group(3));
                    List<Line> lines = new ArrayList<>();
                    int p = le + 1;
                    while (p < n && (oldLeft > 0 || newLeft > 0)) {
                        int e = t.indexOf('\n', p);
                        e = e < 0 ? n : e;
                        int c = e > p && t.charAt(e - 1) == '\r' ? e - 1 : e;
                        char mk = p < c ? t.charAt(p) : ' ';
                        if ((t.startsWith("--- ", p) && nextStartsWith(t, e, "+++ ")) || t.startsWith("diff --git ", p)) {
                            break; // the counts were wrong: the next file starts here
                        }
                        if (mk == ' ') {
                            lines.add(new Line(p, c, ' ', newLine++));
                            oldLeft--;
                            newLeft--;
                        } else if (mk == '-') {
                            lines.add(new Line(p, c, '-', -1));
                            oldLeft--;
                        } else if (mk == '+') {
                            lines.add(new Line(p, c, '+', newLine++));
                            newLeft--;
                        } else if (mk == '\\') {
                            lines.add(new Line(p, c, '\\', -1));
                        } else {
                            break;
                        }
                        p = e + 1;
                    }
                    hunks.add(new Hunk(path.isEmpty() ? oldPath : path, lines));
                    ls = Math.max(le + 1, p);
                    continue;
                }
            }
            ls = le + 1;
        }
        if (!hunks.isEmpty() || pathStart >= 0) {
            files.add(new FileDiff(path.isEmpty() ? oldPath : path, pathStart, pathEnd, hunks));
        }
        return files;
    }

    private static boolean nextStartsWith(String t, int le, String prefix) {
        return le + 1 < t.length() && t.startsWith(prefix, le + 1);
    }

    private static String stripPrefix(String p) {
        int tab = p.indexOf('\t');
        String s = tab >= 0 ? p.substring(0, tab) : p;
        if (s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.startsWith("a/") || s.startsWith("b/")) {
            s = s.substring(2);
        }
        return s;
    }

    /** The hunk seen from one side ({@code '+'}: new, {@code '-'}: old), markers left out. */
    static TextView side(TextView whole, Hunk h, char marker) {
        TextView.Builder b = whole.builder();
        String t = whole.text;
        for (Line l : h.lines()) {
            if (l.marker() == ' ' || l.marker() == marker) {
                int from = Math.min(l.start() + 1, l.end());
                int to = l.end() < t.length() && t.charAt(l.end()) == '\r' ? l.end() + 2 : l.end() + 1;
                b.append(from, Math.min(to, t.length()));
            }
        }
        return b.build();
    }
}
