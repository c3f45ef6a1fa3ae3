package dev.engine.redact;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Layer 6, never mangle code: shell parameter expansions ({@code ${CF_API_TOKEN:0:4}},
 * {@code ${SSH_PASS:+*****}}, {@code ${VAR#prefix}}) operate on a variable and hold no value, so
 * no name- or randomness-based span may touch them. Known values and token formats still go
 * (a literal token pasted into {@code ${X:-ghp_...}} is a token), and so does the default of a
 * secret variable ({@code ${DB_PASSWORD:-hunter2}}).
 */
final class ShellCode {
    private final List<int[]> expansions;
    private final Set<Span> defaults = Collections.newSetFromMap(new IdentityHashMap<>());

    private ShellCode(List<int[]> expansions) {
        this.expansions = expansions;
    }

    /** Finds the expansions of {@code t} and adds the spans of secret defaults to {@code out}. */
    static ShellCode scan(String t, List<Span> out) {
        List<int[]> exps = new ArrayList<>();
        ShellCode code = new ShellCode(exps);
        int n = t.length();
        for (int a = t.indexOf("${"); a >= 0; a = t.indexOf("${", a + 1)) {
            int close = closing(t, a + 2, n);
            if (close < 0) {
                continue;
            }
            exps.add(new int[] {a, close + 1});
            code.secretDefault(t, a + 2, close, out);
            a = close;
        }
        return code;
    }

    /** Index of the {@code }} closing an expansion whose body starts at {@code from}, on the same line. */
    private static int closing(String t, int from, int n) {
        int depth = 0;
        int lim = Math.min(n, from + 1024);
        for (int i = from; i < lim; i++) {
            char c = t.charAt(i);
            if (c == '\n') {
                return -1;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    /** {@code ${DB_PASSWORD:-hunter2}}: the default of a secret variable is a secret written into code. */
    private void secretDefault(String t, int bs, int be, List<Span> out) {
        int i = bs;
        while (i < be && (Character.isLetterOrDigit(t.charAt(i)) || t.charAt(i) == '_')) {
            i++;
        }
        if (i == bs || i >= be) {
            return;
        }
        String name = t.substring(bs, i);
        int w = i;
        if (t.charAt(w) == ':') {
            w++;
        }
        if (w >= be || (t.charAt(w) != '-' && t.charAt(w) != '=')) {
            return;
        }
        w++;
        String word = t.substring(w, be);
        if (word.indexOf('$') >= 0 || KeyNames.isTrivial(word) || !KeyNames.isSensitiveEnvName(name) || !KeyNames.looksRandom(word)) {
            return;
        }
        if (word.length() >= 2 && (word.charAt(0) == '"' || word.charAt(0) == '\'') && word.charAt(word.length() - 1) == word.charAt(0)) {
            w++;
            be--;
        }
        if (be > w) {
            Span s = new Span(w, be, Span.Layer.FIELD);
            defaults.add(s);
            out.add(s);
        }
    }

    /** {@code spans} without those that a name or randomness rule placed inside an expansion. */
    List<Span> keepCode(List<Span> spans) {
        if (expansions.isEmpty()) {
            return spans;
        }
        List<Span> kept = new ArrayList<>(spans.size());
        for (Span s : spans) {
            if (s.layer().ordinal() >= Span.Layer.LEARNED.ordinal() || defaults.contains(s) || !touchesExpansion(s)) {
                kept.add(s);
            }
        }
        return kept;
    }

    private boolean touchesExpansion(Span s) {
        int lo = 0;
        int hi = expansions.size() - 1;
        while (lo <= hi) { // expansions are sorted and disjoint: binary search for one overlapping s
            int mid = (lo + hi) >>> 1;
            int[] e = expansions.get(mid);
            if (e[1] <= s.start()) {
                lo = mid + 1;
            } else if (e[0] >= s.end()) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
