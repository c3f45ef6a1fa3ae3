package dev.engine.redact;

import java.util.List;

/**
 * {@code Key    Value} tables as CLIs print them (vault, talosctl, kubectl describe without a
 * colon): a secret-named key, two or more blanks, and a one-word value.
 */
final class TableRule {
    private TableRule() {}

    static void scan(String t, List<Span> out) {
        int n = t.length();
        int ls = 0;
        while (ls < n) {
            int le = t.indexOf('\n', ls);
            le = le < 0 ? n : le;
            int ce = le > ls && t.charAt(le - 1) == '\r' ? le - 1 : le;
            line(t, ls, ce, out);
            ls = le + 1;
        }
    }

    private static void line(String t, int ls, int ce, List<Span> out) {
        int k = ls;
        while (k < ce && (t.charAt(k) == ' ' || t.charAt(k) == '\t' || t.charAt(k) == '│')) {
            k++;
        }
        int ke = k;
        while (ke < ce && (Character.isLetterOrDigit(t.charAt(ke)) || t.charAt(ke) == '_' || t.charAt(ke) == '-' || t.charAt(ke) == '.')) {
            ke++;
        }
        if (ke == k || ke + 2 > ce || t.charAt(ke) != ' ' || (t.charAt(ke + 1) != ' ' && t.charAt(ke + 1) != '\t')) {
            return;
        }
        int vs = ke;
        while (vs < ce && (t.charAt(vs) == ' ' || t.charAt(vs) == '\t' || t.charAt(vs) == '│')) {
            vs++;
        }
        int ve = vs;
        while (ve < ce && !Character.isWhitespace(t.charAt(ve))) {
            ve++;
        }
        int rest = ve;
        while (rest < ce && (t.charAt(rest) == ' ' || t.charAt(rest) == '\t' || t.charAt(rest) == '│')) {
            rest++;
        }
        if (ve == vs || rest < ce) {
            return; // not a two-column line
        }
        String key = t.substring(k, ke);
        String value = t.substring(vs, ve);
        KeyNames.Strength st = KeyNames.classify(key);
        if (st == KeyNames.Strength.STRONG && KeyNames.isSecretValue(key, value, st)) {
            out.add(new Span(vs, ve, Span.Layer.FIELD));
        }
    }
}
