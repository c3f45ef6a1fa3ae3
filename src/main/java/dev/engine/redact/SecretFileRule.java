package dev.engine.redact;

import java.util.List;

/**
 * A file that holds only secrets (see {@link FileHints#secretFile}): each non-comment line is one,
 * with the shapes of the common ones: {@code .pgpass} ({@code host:port:db:user:password}, the
 * last field), {@code .netrc} ({@code machine h login u password p}), a bare token.
 * {@code .git-credentials} lines are URLs whose userinfo the URL rule takes.
 */
final class SecretFileRule {
    private SecretFileRule() {}

    static void scan(String t, List<Span> out) {
        int n = t.length();
        int ls = 0;
        while (ls < n) {
            int le = t.indexOf('\n', ls);
            le = le < 0 ? n : le;
            int s = ls;
            int e = le;
            while (s < e && Character.isWhitespace(t.charAt(s))) {
                s++;
            }
            while (e > s && Character.isWhitespace(t.charAt(e - 1))) {
                e--;
            }
            if (s < e && t.charAt(s) != '#') {
                line(t, s, e, out);
            }
            ls = le + 1;
        }
    }

    private static void line(String t, int s, int e, List<Span> out) {
        String l = t.substring(s, e);
        if (l.contains("://") || (l.startsWith("[") && l.endsWith("]"))) {
            return; // a URL (its userinfo is the URL rule's), an INI section
        }
        int pw = l.indexOf("password ");
        if (l.startsWith("machine ") || l.startsWith("default ") || pw >= 0) {
            if (pw >= 0) {
                int vs = s + pw + 9;
                while (vs < e && t.charAt(vs) == ' ') {
                    vs++;
                }
                int ve = vs;
                while (ve < e && !Character.isWhitespace(t.charAt(ve))) {
                    ve++;
                }
                add(t, vs, ve, out);
            }
            return;
        }
        if (l.indexOf(' ') < 0 && l.chars().filter(c -> c == ':').count() == 4) {
            add(t, s + l.lastIndexOf(':') + 1, e, out); // .pgpass
            return;
        }
        if (l.indexOf(' ') < 0 && l.indexOf('=') < 0 && l.length() >= 6) {
            add(t, s, e, out);
        }
    }

    private static void add(String t, int vs, int ve, List<Span> out) {
        if (ve > vs && !KeyNames.isTrivial(t.substring(vs, ve))) {
            out.add(new Span(vs, ve, Span.Layer.FIELD));
        }
    }
}
