package dev.engine.redact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces secrets in every text that leaves the engine or is kept for humans with placeholders
 * {@code [REDACTED:<kind>:<12 hex>]} (invariant I8). One instance per engine process, used for
 * every output channel: {@link #redact} for texts without a file (logs, command output, messages),
 * {@link #redactFile} for a file's content, {@link #secretsInAddedLines} to refuse a diff that would
 * commit a secret.
 *
 * <p>Redaction is layered (DESIGN.md §8): the workspace's known secret values in any encoding
 * ({@link KnownSecrets}), YAML/JSON by path ({@link StructuredScanner}), command lines, URLs and
 * headers ({@link CommandLineScanner}), token formats ({@link TokenScanner}, {@link PemScanner}),
 * random values in assignment position ({@link EntropyRule}); shell expansions are code and stay
 * ({@link ShellCode}). A placeholder covers exactly the secret's characters, never a quote.
 *
 * <p>The hex is an HMAC-SHA256 (48 bits shown) of the secret under the home's {@link RedactionKey},
 * and the kind is derived from the value alone (its token format, else {@code secret}; an encoded
 * known secret shows the raw secret's HMAC with the encoding as suffix, {@code secret-b64}): the
 * same secret gets the same placeholder in every text, every run, whichever layer found it. A
 * multi-line secret is replaced line by line, so line numbers (and diff hunks the model writes
 * against them) stay valid.
 *
 * <p>An instance remembers, in memory only, the secrets it replaced: their other occurrences are
 * redacted too (also in later texts), and {@link #restore} maps placeholders back for the patch
 * matcher. Thread-safe.
 */
public final class Redactor {
    /**
     * The placeholder shape, whoever wrote it (case-insensitive: a model may change the case).
     * 8 hex digits were written before the hash was widened to 12; both are recognised so that a
     * patch quoting an old placeholder is still refused.
     */
    public static final Pattern PLACEHOLDER = Pattern.compile(
            "\\[REDACTED:([a-z0-9][a-z0-9_-]{0,47}+):([0-9a-f]{8}(?:[0-9a-f]{4}){0,2})\\]", Pattern.CASE_INSENSITIVE);

    /** Hex digits of the HMAC shown: 48 bits, so two secrets of one home practically never share one. */
    static final int HEX_DIGITS = 12;

    private static final String AMBIGUOUS = new String("ambiguous"); // identity marker: two texts, one placeholder

    private final SecretKeySpec key;
    private final KnownValues known = new KnownValues();
    /** Kind and replaced text to placeholder. */
    private final Map<String, String> placeholders = new ConcurrentHashMap<>();
    /** {@code kind:hex} (lower case) to the text it replaced, for {@link #restore}. */
    private final Map<String, String> replaced = new ConcurrentHashMap<>();
    /** HMACs (not the values) of the secrets replaced so far. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private Redactor(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /**
     * @param key the home's key ({@link RedactionKey#loadOrCreate})
     * @param env environment; values of variables with secret-like names (6+ characters) or
     *     random-looking values are redacted wherever they appear
     */
    public static Redactor create(byte[] key, Map<String, String> env) {
        return create(key, KnownSecrets.fromEnvironment(env == null ? Map.of() : env));
    }

    /** @param secrets the values to redact wherever they appear ({@link KnownSecrets#collect}) */
    public static Redactor create(byte[] key, KnownSecrets secrets) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("redaction key must have at least 16 bytes (state/redaction.key holds 32)");
        }
        Redactor r = new Redactor(key);
        for (KnownSecrets.Known k : secrets.values()) {
            r.known.add(k.value(), k.source());
        }
        // so that restore() works for placeholders an earlier run wrote for these values
        r.known.all().forEach((text, needle) -> {
            String raw = needle.identity() == null ? text : needle.identity();
            String kind = kindOf(raw, needle.identity() == null ? null : needle.form(), text);
            r.remember(kind, r.hex(raw), text);
        });
        return r;
    }

    /** Redacts every layer in {@code text} (a log, command output, a message). */
    public String redact(String text) {
        return redact(text, FileHints.NONE);
    }

    /**
     * Like {@link #redact}, with hints from the path: in kubeconfig, talosconfig and Talos machine
     * configs a bare {@code key:} holds a private key; in {@code .env} files any random-looking
     * value goes; in a file of secrets ({@code .pgpass}, {@code *token*}) every line does.
     */
    public String redactFile(String relativePath, String text) {
        return redact(text, FileHints.of(relativePath, text));
    }

    /**
     * Puts back the secrets behind placeholders this redactor produced, or could have produced
     * (same key, a secret it has seen or knows). Unknown placeholders stay. For matching diff
     * context against real files only: the result must never leave the machine nor be stored.
     */
    public String restore(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = null;
        int pos = 0;
        Matcher m = PLACEHOLDER.matcher(text);
        for (int at = candidate(text, 0); at >= 0; at = candidate(text, at + 1)) {
            if (!m.region(at, text.length()).lookingAt()) {
                continue;
            }
            String secret = replaced.get(m.group(1).toLowerCase(Locale.ROOT) + ":" + m.group(2).toLowerCase(Locale.ROOT));
            if (secret == null || secret == AMBIGUOUS) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(text.length() + 64);
            }
            sb.append(text, pos, at).append(secret);
            pos = m.end();
        }
        return sb == null ? text : sb.append(text, pos, text.length()).toString();
    }

    /** True if {@code text} holds anything of placeholder shape, known to this process or not. */
    public static boolean containsPlaceholder(String text) {
        if (text == null) {
            return false;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        for (int at = candidate(text, 0); at >= 0; at = candidate(text, at + 1)) {
            if (m.region(at, text.length()).lookingAt()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The secrets a unified diff would add: known values and token formats (also keys) on its
     * {@code +} lines or in the names of the files it writes. Name-based and entropy findings do
     * not count here (a model may add {@code password: ${DB_PASSWORD}} or an example value). The
     * findings hold placeholders only; a patch with any finding must not land.
     */
    public List<Finding> secretsInAddedLines(String diff) {
        List<Finding> out = new ArrayList<>();
        if (diff == null || diff.isEmpty()) {
            return out;
        }
        TextView whole = TextView.whole(diff);
        long before = known.learnedSoFar();
        for (DiffHunks.FileDiff f : DiffHunks.parse(diff)) {
            FileHints hints = FileHints.of(f.path(), null);
            String shownPath = redact(f.path());
            if (f.pathStart() >= 0) {
                String p = diff.substring(f.pathStart(), f.pathEnd());
                for (Merged m : merged(p, FileHints.NONE, before)) {
                    if (m.layer().ordinal() >= Span.Layer.KNOWN.ordinal()) {
                        out.add(finding(p, m, shownPath, 0, shownPath));
                    }
                }
            }
            for (DiffHunks.Hunk h : f.hunks()) {
                TextView side = DiffHunks.side(whole, h, '+');
                List<DiffHunks.Line> lines = h.lines().stream().filter(l -> l.marker() == ' ' || l.marker() == '+').toList();
                String st = side.text;
                List<Merged> found = merged(st, hints, before);
                if (found.stream().noneMatch(m -> m.layer().ordinal() >= Span.Layer.KNOWN.ordinal())) {
                    continue;
                }
                String[] shown = replace(st, found).split("\n", -1);
                for (Merged m : found) {
                    if (m.layer().ordinal() < Span.Layer.KNOWN.ordinal()) {
                        continue;
                    }
                    int idx = lineIndex(st, m.start());
                    if (idx < lines.size() && lines.get(idx).marker() == '+') {
                        String excerpt = idx < shown.length ? shown[idx].stripTrailing() : "";
                        out.add(finding(st, m, shownPath, lines.get(idx).newLine(), excerpt));
                    }
                }
            }
        }
        return out;
    }

    private Finding finding(String t, Merged m, String path, int line, String excerpt) {
        String text = t.substring(m.start(), m.end());
        String firstLine = text.split("\r?\n", 2)[0].strip();
        String ph = m.identity() != null ? placeholder(text, m.identity(), m.form(), null)
                : placeholder(firstLine, null, null, text.indexOf('\n') >= 0 ? m.kind() : null);
        Matcher pm = PLACEHOLDER.matcher(ph);
        String kind = pm.matches() ? pm.group(1) : "secret";
        String reason;
        if (m.layer() == Span.Layer.KNOWN) {
            String source = known.sourceOf(m.identity() != null ? m.identity() : text);
            reason = source == null || source.equals("seen earlier") ? "a value redacted earlier"
                    : "the value found at " + source;
            kind = "known value";
        } else {
            reason = "a " + (m.kind() != null ? m.kind() : kind);
        }
        return new Finding(path, line, kind, ph, excerpt, reason);
    }

    private static int lineIndex(String t, int at) {
        int n = 0;
        for (int i = t.indexOf('\n'); i >= 0 && i < at; i = t.indexOf('\n', i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Next index of {@code [REDACTED:} in any case, or -1. indexOf is far faster than letting the
     * regex engine try every position of a megabyte of log.
     */
    private static int candidate(String t, int from) {
        for (int i = t.indexOf('[', from); i >= 0; i = t.indexOf('[', i + 1)) {
            if (t.regionMatches(true, i, "[REDACTED:", 0, 10)) {
                return i;
            }
        }
        return -1;
    }

    /** Distinct secrets replaced so far by this instance. */
    public int secretsSeen() {
        return seen.size();
    }

    /** Values searched for in every text: known secrets, their encodings, and values learned so far. */
    public int valuesSearched() {
        return known.all().size();
    }

    private String redact(String t, FileHints hints) {
        if (t == null || t.isEmpty()) {
            return t;
        }
        List<Merged> m = merged(t, hints);
        return m.isEmpty() ? t : replace(t, m);
    }

    /** All layers' spans of {@code t}, trimmed, merged, without placeholders already there. */
    private List<Merged> merged(String t, FileHints hints) {
        return merged(t, hints, known.learnedSoFar());
    }

    /** @param before values learned from here on (this text, this diff) are not "known" in it (item 8) */
    private List<Merged> merged(String t, FileHints hints, long before) {
        List<Span> spans = new Detectors(hints).find(t);
        learn(t, spans);
        known.find(t, spans, before);
        if (spans.isEmpty()) {
            return List.of();
        }
        List<Span> trimmed = new ArrayList<>(spans.size());
        for (Span s : spans) {
            Span x = trim(t, s);
            if (x != null) {
                trimmed.add(x);
            }
        }
        return withoutPlaceholders(t, merge(trimmed));
    }

    /** Values found here are searched for in the rest of this text and in later texts. */
    private void learn(String t, List<Span> spans) {
        for (Span s : spans) {
            if (s.end() - s.start() >= KnownSecrets.MIN_FILE_SECRET && s.end() - s.start() <= 4096) {
                String v = t.substring(s.start(), s.end()).strip();
                // only random-looking values: learning "password" from a doc's user:password@host
                // would blank out the word everywhere after
                if (v.length() >= KnownSecrets.MIN_FILE_SECRET && v.chars().noneMatch(Character::isWhitespace)
                        && !KeyNames.isTrivial(v) && KeyNames.looksRandom(v) && !containsPlaceholder(v)) {
                    known.learn(v);
                }
            }
            if (s.identity() != null) {
                for (String line : s.identity().split("\r?\n")) {
                    String v = line.strip();
                    if (KnownSecrets.isDistinctive(v, KnownSecrets.MIN_FILE_SECRET) && !containsPlaceholder(v)) {
                        known.learn(v);
                    }
                }
            }
        }
    }

    /** Quotes and blanks a rule took along are not part of the secret (a known value's extent is exact). */
    private static Span trim(String t, Span s) {
        if (s.layer() == Span.Layer.KNOWN || s.layer() == Span.Layer.LEARNED) {
            return s;
        }
        int a = s.start();
        int b = s.end();
        while (a < b && isDelimiter(t.charAt(a))) {
            a++;
        }
        while (b > a && isDelimiter(t.charAt(b - 1))) {
            b--;
        }
        if (b - 1 > a && t.charAt(b - 1) == '\\' && b < t.length() && t.charAt(b) == '"') {
            b--; // \"secret\" inside a JSON string: the backslash escapes the closing quote
        }
        if (a >= b) {
            return null;
        }
        return a == s.start() && b == s.end() ? s : new Span(a, b, s.layer(), s.kind());
    }

    private static boolean isDelimiter(char c) {
        return c == '"' || c == '\'' || c == '`' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /**
     * Overlapping spans, merged: the widest extent, the most confident layer, the format kind if a
     * format matched, and the raw identity of a known value if one covers the whole extent.
     */
    record Merged(int start, int end, Span.Layer layer, String kind, String identity, String form) {}

    private static List<Merged> merge(List<Span> spans) {
        spans.sort(Comparator.comparingInt(Span::start).thenComparing(Comparator.comparingInt(Span::end).reversed()));
        List<Merged> merged = new ArrayList<>();
        List<Span> group = new ArrayList<>();
        int end = -1;
        for (Span s : spans) {
            if (!group.isEmpty() && s.start() >= end) {
                merged.add(close(group));
                group.clear();
            }
            group.add(s);
            end = Math.max(end, s.end());
        }
        if (!group.isEmpty()) {
            merged.add(close(group));
        }
        return merged;
    }

    private static Merged close(List<Span> group) {
        int start = Integer.MAX_VALUE;
        int end = -1;
        Span.Layer layer = Span.Layer.ENTROPY;
        for (Span s : group) {
            start = Math.min(start, s.start());
            end = Math.max(end, s.end());
            layer = s.layer().ordinal() > layer.ordinal() ? s.layer() : layer;
        }
        String kind = null;
        int kindWidth = -1;
        String identity = null;
        String form = null;
        for (Span s : group) {
            if (s.kind() != null && s.end() - s.start() > kindWidth) {
                kind = s.kind();
                kindWidth = s.end() - s.start();
            }
            if (s.identity() != null && s.start() == start && s.end() == end && (identity == null || s.layer() == Span.Layer.KNOWN)) {
                identity = s.identity();
                form = s.form();
            }
        }
        return new Merged(start, end, layer, kind, identity, form);
    }

    /** Placeholders already in the text (a case file redacted twice) are cut out of the spans. */
    private static List<Merged> withoutPlaceholders(String t, List<Merged> spans) {
        if (!containsPlaceholder(t)) {
            return spans;
        }
        List<int[]> holes = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(t);
        for (int at = candidate(t, 0); at >= 0; at = candidate(t, at + 1)) {
            if (m.region(at, t.length()).lookingAt()) {
                holes.add(new int[] {at, m.end()});
            }
        }
        List<Merged> out = new ArrayList<>();
        int h = 0;
        for (Merged s : spans) {
            int start = s.start();
            while (h < holes.size() && holes.get(h)[1] <= start) {
                h++;
            }
            int k = h;
            boolean cut = false;
            while (start < s.end()) {
                if (k < holes.size() && holes.get(k)[0] < s.end()) {
                    int[] hole = holes.get(k);
                    if (hole[0] > start) {
                        out.add(new Merged(start, hole[0], s.layer(), s.kind(), null, null));
                    }
                    start = Math.max(start, hole[1]);
                    cut = true;
                    k++;
                } else {
                    out.add(cut ? new Merged(start, s.end(), s.layer(), s.kind(), null, null) : s);
                    break;
                }
            }
        }
        return out;
    }

    private String replace(String t, List<Merged> spans) {
        StringBuilder sb = new StringBuilder(t.length());
        int[] pos = {0};
        for (Merged s : spans) {
            boolean multiLine = false;
            for (int i = s.start(); i < s.end() && !multiLine; i++) {
                char c = t.charAt(i);
                multiLine = c == '\n' || c == '\r';
            }
            if (!multiLine) {
                sb.append(t, pos[0], s.start()).append(placeholder(t.substring(s.start(), s.end()), s.identity(), s.form(), null));
                pos[0] = s.end();
                continue;
            }
            forEachLine(t, s.start(), s.end(), (a, b) -> {
                String piece = t.substring(a, b);
                sb.append(t, pos[0], a).append(placeholder(piece, null, null, s.kind() != null ? s.kind() : TokenScanner.kindOf(piece)));
                pos[0] = b;
            });
        }
        return sb.append(t, pos[0], t.length()).toString();
    }

    private interface Range {
        void accept(int start, int end);
    }

    /** Each line of {@code [start, end)} without its line break and surrounding blanks, if not empty. */
    private static void forEachLine(String t, int start, int end, Range f) {
        int a = start;
        while (a < end) {
            int b = a;
            while (b < end && t.charAt(b) != '\n' && t.charAt(b) != '\r') {
                b++;
            }
            int s = a;
            int e = b;
            while (s < e && (t.charAt(s) == ' ' || t.charAt(s) == '\t')) {
                s++;
            }
            while (e > s && (t.charAt(e - 1) == ' ' || t.charAt(e - 1) == '\t')) {
                e--;
            }
            if (s < e) {
                f.accept(s, e);
            }
            a = b;
            while (a < end && (t.charAt(a) == '\n' || t.charAt(a) == '\r')) {
                a++;
            }
        }
    }

    /**
     * The placeholder for {@code text}: named after {@code identity} (the raw secret) if the text
     * is an encoding of it, else after the text itself; {@code kind} overrides the value-derived
     * kind for the lines of a multi-line secret.
     */
    private String placeholder(String text, String identity, String form, String kind) {
        String k = kind != null ? kind : kindOf(identity != null ? identity : text, identity != null ? form : null, text);
        return placeholders.computeIfAbsent(k + '\u0000' + text, x -> {
            String raw = identity != null ? identity : text;
            String hex = hex(raw);
            seen.add(hex);
            remember(k, hex, text);
            return "[REDACTED:" + k + ":" + hex + "]";
        });
    }

    /**
     * The kind shown: the raw value's format, with the encoding as suffix for an encoded known
     * secret ({@code secret-b64}, {@code github-token-url}; see {@link KnownValues#forms}).
     */
    private static String kindOf(String raw, String form, String text) {
        String base = TokenScanner.kindOf(raw);
        return form == null ? base : base + "-" + form;
    }

    private void remember(String kind, String hex, String text) {
        replaced.merge(kind.toLowerCase(Locale.ROOT) + ":" + hex, text, (old, now) -> old.equals(now) ? old : AMBIGUOUS);
    }

    private String hex(String secret) {
        return HexFormat.of().formatHex(Arrays.copyOf(hmac(secret), HEX_DIGITS / 2));
    }

    private byte[] hmac(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
