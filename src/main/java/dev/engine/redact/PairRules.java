package dev.engine.redact;

import java.util.ArrayList;
import java.util.List;

/**
 * Line rules for secrets that sit on a line of their own, named by a sibling line, where the YAML
 * around them could not be parsed (a diff hunk, a log excerpt, a half-written manifest):
 *
 * <ul>
 *   <li>a container env entry: {@code - name: DB_PASSWORD} with a sibling {@code value: x};
 *   <li>a JSON6902 / Talos patch op: {@code path: /machine/token} with a sibling {@code value: x};
 *   <li>a flag and its value as two list items: {@code - --token} then {@code - x}.
 * </ul>
 */
final class PairRules {
    private PairRules() {}

    /** One YAML-ish line: where its key starts (after {@code - }), the key, and the value's range. */
    private record Line(int start, int end, int keyCol, boolean dash, String key, int vs, int ve) {
        String value(String t) {
            return t.substring(vs, ve);
        }
    }

    static void scan(String t, List<Span> out) {
        if (!t.contains("name") && !t.contains("path") && !t.contains("- -") && !t.contains("- \"-") && !t.contains("- '-")) {
            return; // none of the three shapes can be here
        }
        List<Line> lines = lines(t);
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            if (l.key() == null) {
                flagItem(t, lines, i, out);
                continue;
            }
            String v = unquote(l.value(t));
            if (l.key().equals("name") && (KeyNames.isSensitiveEnvName(v) || KeyNames.classify(v) != KeyNames.Strength.NONE)) {
                sibling(t, lines, i, "value", v, out);
            } else if (l.key().equals("path") && v.startsWith("/")) {
                String seg = v.substring(v.lastIndexOf('/') + 1);
                if (!seg.isEmpty() && KeyNames.classify(seg) != KeyNames.Strength.NONE) {
                    sibling(t, lines, i, "value", seg, out);
                }
            }
        }
    }

    /** Finds {@code key} among the siblings of line {@code i} (same item, same key column) and redacts its value. */
    private static void sibling(String t, List<Line> lines, int i, String key, String name, List<Span> out) {
        Line l = lines.get(i);
        for (int dir = -1; dir <= 1; dir += 2) {
            for (int j = i + dir, seen = 0; j >= 0 && j < lines.size() && seen < 8; j += dir, seen++) {
                Line o = lines.get(j);
                if (o.keyCol() < 0) {
                    continue; // blank or comment
                }
                if (o.keyCol() < l.keyCol()) {
                    break; // left the item
                }
                if (o.keyCol() == l.keyCol()) {
                    if (key.equals(o.key())) {
                        addValue(t, o, name, out);
                        return;
                    }
                    if (dir > 0 ? o.dash() : l.dash()) {
                        break; // the next item starts (or, going back, this item started here)
                    }
                }
            }
        }
    }

    private static void addValue(String t, Line o, String name, List<Span> out) {
        int vs = o.vs();
        int ve = o.ve();
        if (ve - vs >= 2 && (t.charAt(vs) == '"' || t.charAt(vs) == '\'') && t.charAt(ve - 1) == t.charAt(vs)) {
            vs++;
            ve--;
        }
        String v = t.substring(vs, ve);
        if (v.startsWith("{") || v.startsWith("[") || v.startsWith("|") || v.startsWith(">")) {
            return;
        }
        if (KeyNames.isSecretValue(name, v, KeyNames.Strength.STRONG)) {
            out.add(new Span(vs, ve, Span.Layer.FIELD));
        }
    }

    /** {@code - --token} followed by {@code - VALUE} at the same column. */
    private static void flagItem(String t, List<Line> lines, int i, List<Span> out) {
        Line l = lines.get(i);
        if (!l.dash() || l.vs() >= l.ve() || i + 1 >= lines.size()) {
            return;
        }
        String item = unquote(l.value(t));
        if (!item.startsWith("-") || item.indexOf('=') >= 0 || item.indexOf(' ') >= 0) {
            return;
        }
        String flag = item.replaceFirst("^--?", "");
        if (flag.isEmpty() || KeyNames.classify(flag) != KeyNames.Strength.STRONG) {
            return;
        }
        Line next = lines.get(i + 1);
        if (next.dash() && next.key() == null && next.keyCol() == l.keyCol()) {
            String v = unquote(next.value(t));
            if (!v.startsWith("-")) {
                addValue(t, next, flag, out);
            }
        }
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static List<Line> lines(String t) {
        List<Line> out = new ArrayList<>();
        int n = t.length();
        int ls = 0;
        while (ls < n) {
            int le = t.indexOf('\n', ls);
            le = le < 0 ? n : le;
            int ce = le > ls && t.charAt(le - 1) == '\r' ? le - 1 : le;
            out.add(parse(t, ls, ce));
            ls = le + 1;
        }
        return out;
    }

    private static Line parse(String t, int ls, int ce) {
        int p = ls;
        while (p < ce && (t.charAt(p) == ' ' || t.charAt(p) == '\t')) {
            p++;
        }
        if (p >= ce || t.charAt(p) == '#') {
            return new Line(ls, ce, -1, false, null, ce, ce);
        }
        boolean dash = false;
        if (t.charAt(p) == '-' && (p + 1 == ce || t.charAt(p + 1) == ' ' || t.charAt(p + 1) == '\t')) {
            dash = true;
            p++;
            while (p < ce && (t.charAt(p) == ' ' || t.charAt(p) == '\t')) {
                p++;
            }
        }
        int keyCol = p - ls;
        char q = p < ce ? t.charAt(p) : 0;
        int ks = q == '"' || q == '\'' ? p + 1 : p;
        int ke = ks;
        while (ke < ce && (Character.isLetterOrDigit(t.charAt(ke)) || t.charAt(ke) == '_' || t.charAt(ke) == '-' || t.charAt(ke) == '.')) {
            ke++;
        }
        int after = ke < ce && (q == '"' || q == '\'') && t.charAt(ke) == q ? ke + 1 : ke;
        if (ke > ks && after < ce && t.charAt(after) == ':' && (after + 1 == ce || t.charAt(after + 1) == ' ' || t.charAt(after + 1) == '\t')) {
            int vs = after + 1;
            while (vs < ce && (t.charAt(vs) == ' ' || t.charAt(vs) == '\t')) {
                vs++;
            }
            int ve = commentStart(t, vs, ce);
            while (ve > vs && (t.charAt(ve - 1) == ' ' || t.charAt(ve - 1) == '\t')) {
                ve--;
            }
            if (ve > vs && t.charAt(ve - 1) == ',') {
                ve--; // "value": "x", in pretty-printed JSON
            }
            return new Line(ls, ce, keyCol, dash, t.substring(ks, ke), vs, ve);
        }
        int ve = commentStart(t, p, ce);
        while (ve > p && (t.charAt(ve - 1) == ' ' || t.charAt(ve - 1) == '\t')) {
            ve--;
        }
        return new Line(ls, ce, keyCol, dash, null, p, ve);
    }

    private static int commentStart(String t, int v, int ce) {
        char q = v < ce ? t.charAt(v) : 0;
        if (q == '"' || q == '\'') {
            int close = t.indexOf(q, v + 1);
            if (close > 0 && close < ce) {
                int h = t.indexOf(" #", close);
                return h < 0 || h > ce ? ce : h;
            }
        }
        for (int i = v + 1; i < ce; i++) {
            if (t.charAt(i) == '#' && (t.charAt(i - 1) == ' ' || t.charAt(i - 1) == '\t')) {
                return i;
            }
        }
        return ce;
    }
}
