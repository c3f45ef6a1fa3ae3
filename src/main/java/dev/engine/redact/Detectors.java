package dev.engine.redact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs the detectors that need no memory of earlier texts (all layers but known values) over one
 * text, and decides where the structure-aware layer applies and where the line rules take over:
 *
 * <ol>
 *   <li>context-free layers over the whole text: PEM and DER keys, token formats (also wrapped),
 *       command lines, URLs and headers, secret defaults of shell expansions;
 *   <li>a diff is read as its hunks' two sides (see {@link DiffHunks});
 *   <li>each YAML/JSON document that parses is redacted by path ({@link StructuredScanner});
 *   <li>where parsing fails: fenced blocks and one-line JSON inside are parsed on their own, and
 *       the line rules ({@link KeyValueScanner}, {@link PairRules}, secret files) run.
 * </ol>
 *
 * Spans that a name or randomness rule placed inside a shell expansion are dropped at the end.
 */
final class Detectors {
    /** Texts inside texts (a manifest in a block scalar in a fenced block) are read this deep. */
    static final int MAX_DEPTH = 3;
    /** Embedded JSON lines and YAML runs parsed per stretch of unparsed text. */
    private static final int MAX_EMBEDDED = 200;

    private final FileHints hints;
    /** Per text: names repeat, and classifying one allocates. */
    private final Map<String, KeyNames.Strength> names = new HashMap<>();
    private Yaml yaml;

    Detectors(FileHints hints) {
        this.hints = hints;
    }

    /** One parser for all the documents of this text (a Yaml instance is not thread-safe, and costs to build). */
    Yaml yaml() {
        if (yaml == null) {
            yaml = StructuredScanner.newYaml();
        }
        return yaml;
    }

    private KeyNames.Strength classify(String name) {
        KeyNames.Strength s = names.get(name);
        if (s == null) {
            s = KeyNames.classify(name);
            if (names.size() < 4096) {
                names.put(name, s);
            }
        }
        return s;
    }

    FileHints hints() {
        return hints;
    }

    List<Span> find(String t) {
        List<Span> out = new ArrayList<>();
        PemScanner.scan(t, out);
        TokenScanner.scan(t, out);
        CommandLineScanner.scan(t, out);
        ShellCode code = ShellCode.scan(t, out);
        TextView whole = TextView.whole(t);
        if (DiffHunks.looksLikeDiff(t)) {
            diff(whole, out);
        } else {
            structure(whole, 0, out);
        }
        return code.keepCode(out);
    }

    private void diff(TextView whole, List<Span> out) {
        String t = whole.text;
        List<int[]> hunkRanges = new ArrayList<>();
        for (DiffHunks.FileDiff f : DiffHunks.parse(t)) {
            Detectors forFile = new Detectors(FileHints.of(f.path(), null));
            for (DiffHunks.Hunk h : f.hunks()) {
                if (h.lines().isEmpty()) {
                    continue;
                }
                forFile.structure(DiffHunks.side(whole, h, '+'), 0, out);
                forFile.structure(DiffHunks.side(whole, h, '-'), 0, out);
                DiffHunks.Line last = h.lines().get(h.lines().size() - 1);
                hunkRanges.add(new int[] {h.lines().get(0).start(), last.end()});
            }
        }
        int pos = 0;
        for (int[] r : hunkRanges) {
            if (r[0] > pos) {
                structure(whole.sub(pos, r[0]), 0, out);
            }
            pos = Math.max(pos, r[1]);
        }
        if (pos < t.length()) {
            structure(whole.sub(pos, t.length()), 0, out);
        }
    }

    /** Structure where the view parses, embedded structure and line rules where it does not. */
    void structure(TextView v, int depth, List<Span> out) {
        List<int[]> covered = StructuredScanner.scan(this, v, depth, out);
        int pos = 0;
        for (int[] c : covered) {
            if (c[0] > pos) {
                unparsed(v, pos, c[0], depth, out);
            }
            pos = Math.max(pos, c[1]);
        }
        if (pos < v.text.length()) {
            unparsed(v, pos, v.text.length(), depth, out);
        }
    }

    /** {@code [a, b)} of {@code v} did not parse as a whole: fenced blocks, JSON lines, then line rules. */
    private void unparsed(TextView v, int a, int b, int depth, List<Span> out) {
        String t = v.text;
        int attempts = 0;
        int ruleFrom = a;
        int ls = a;
        while (ls < b) {
            int le = t.indexOf('\n', ls);
            le = le < 0 || le > b ? b : le;
            int fence = fenceAt(t, ls, le);
            if (fence > 0 && depth < MAX_DEPTH) {
                int close = closingFence(t, le + 1, b, t.substring(fence - 3, fence));
                int contentEnd = close < 0 ? b : close;
                if (ls > ruleFrom) {
                    lineRules(v.sub(ruleFrom, ls), out);
                }
                if (le + 1 < contentEnd) {
                    structure(v.sub(le + 1, contentEnd), depth + 1, out);
                }
                int after = close < 0 ? b : Math.min(b, lineEnd(t, close, b) + 1);
                ruleFrom = after;
                ls = after;
                continue;
            }
            if (attempts < MAX_EMBEDDED && depth < MAX_DEPTH) {
                int brace = jsonStart(t, ls, le);
                if (brace >= 0) {
                    attempts++;
                    int close = lastNonBlank(t, brace, le);
                    StructuredScanner.scan(this, v.sub(brace, close + 1), depth + 1, out);
                }
            }
            ls = le + 1;
        }
        if (ruleFrom < b) {
            lineRules(v.sub(ruleFrom, b), out);
            yamlRuns(v, ruleFrom, b, depth, out);
        }
    }

    /** Index just after an opening fence ({@code ```} or {@code ~~~}) at the start of the line, or -1. */
    private static int fenceAt(String t, int ls, int le) {
        int p = ls;
        while (p < le && p - ls < 4 && t.charAt(p) == ' ') {
            p++;
        }
        if (p + 3 <= le && (t.startsWith("```", p) || t.startsWith("~~~", p))) {
            return p + 3;
        }
        return -1;
    }

    private static int closingFence(String t, int from, int b, String fence) {
        int ls = from;
        while (ls < b) {
            int le = lineEnd(t, ls, b);
            int p = ls;
            while (p < le && p - ls < 4 && t.charAt(p) == ' ') {
                p++;
            }
            if (t.startsWith(fence, p)) {
                return ls;
            }
            ls = le + 1;
        }
        return -1;
    }

    private static int lineEnd(String t, int from, int b) {
        int le = t.indexOf('\n', from);
        return le < 0 || le > b ? b : le;
    }

    /** A JSON object on the line, alone or after a log prefix: {@code ... {"msg": ...}}. */
    private static int jsonStart(String t, int ls, int le) {
        int last = lastNonBlank(t, ls, le);
        if (last < 0 || t.charAt(last) != '}' || le - ls > 20_000) {
            return -1;
        }
        for (int i = ls; i < le - 1; i++) {
            if (t.charAt(i) == '{') {
                int j = i + 1;
                while (j < le && t.charAt(j) == ' ') {
                    j++;
                }
                if (j < le && t.charAt(j) == '"') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int lastNonBlank(String t, int ls, int le) {
        int e = le - 1;
        while (e >= ls && Character.isWhitespace(t.charAt(e))) {
            e--;
        }
        return e;
    }

    /**
     * Runs of YAML-looking lines inside unparsed text (a manifest printed into a log) parsed on
     * their own, so that env pairs and Secrets in them are found by path.
     */
    private void yamlRuns(TextView v, int a, int b, int depth, List<Span> out) {
        if (depth >= MAX_DEPTH) {
            return;
        }
        String t = v.text;
        int attempts = 0;
        int runStart = -1;
        int keys = 0;
        int ls = a;
        while (ls <= b && attempts < MAX_EMBEDDED) {
            int le = ls < b ? lineEnd(t, ls, b) : b;
            boolean yamlish = ls < b && isYamlLine(t, ls, le);
            if (yamlish) {
                if (runStart < 0) {
                    runStart = ls;
                    keys = 0;
                }
                keys++;
            } else if (runStart >= 0) {
                if (keys >= 2 && !(runStart == a && ls >= b)) {
                    attempts++;
                    StructuredScanner.scan(this, dedent(v, runStart, ls), depth + 1, out);
                }
                runStart = -1;
            }
            if (ls >= b) {
                break;
            }
            ls = le + 1;
        }
    }

    private static boolean isYamlLine(String t, int ls, int le) {
        int p = ls;
        while (p < le && t.charAt(p) == ' ') {
            p++;
        }
        if (p >= le) {
            return false;
        }
        return StructuredScanner.looksStructured(t, p, le) || (t.charAt(p) == '-' && p + 1 < le && t.charAt(p + 1) == ' ');
    }

    /** Lines {@code [a, b)} without their common indentation. */
    private static TextView dedent(TextView v, int a, int b) {
        String t = v.text;
        int min = Integer.MAX_VALUE;
        for (int ls = a; ls < b; ls = lineEnd(t, ls, b) + 1) {
            int p = ls;
            while (p < b && t.charAt(p) == ' ') {
                p++;
            }
            if (p < b && t.charAt(p) != '\n') {
                min = Math.min(min, p - ls);
            }
        }
        TextView.Builder out = v.builder();
        for (int ls = a; ls < b; ) {
            int le = lineEnd(t, ls, b);
            int skip = Math.min(min, le - ls);
            out.append(ls + skip, Math.min(b, le + 1));
            ls = le + 1;
        }
        return out.build();
    }

    /** The line rules, on a view: key-value pairs, sibling pairs, bare lines of a secret file. */
    void lineRules(TextView v, List<Span> out) {
        List<Span> local = new ArrayList<>();
        new KeyValueScanner(hints.configFile(), hints.envFile(), true, this::classify).scan(v.text, local);
        PairRules.scan(v.text, local);
        TableRule.scan(v.text, local);
        if (hints.secretFile()) {
            SecretFileRule.scan(v.text, local);
        }
        for (Span s : local) {
            v.mapBack(s, out);
        }
    }
}
