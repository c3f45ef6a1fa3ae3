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
 * Replaces secrets in text that leaves the machine (case files, executor bundles, diagnostics
 * output) with placeholders {@code [REDACTED:<kind>:<8 hex>]} (invariant I8).
 *
 * <p>The hex is an HMAC-SHA256 of the secret under the home's {@link RedactionKey}: the same secret
 * gets the same placeholder in every case file and every run, so the model can see that two
 * values are equal, and learns nothing else. A multi-line secret is replaced line by line, so
 * line numbers (and diff hunks the model writes against them) stay valid.
 *
 * <p>An instance remembers, in memory only, the secrets it replaced: their other occurrences are
 * redacted too (also in later texts), and {@link #restore} can map placeholders the model quotes
 * in diff context lines back. Thread-safe.
 */
public final class Redactor {
    /** The placeholder shape, whoever wrote it (case-insensitive: a model may change the case). */
    public static final Pattern PLACEHOLDER =
            Pattern.compile("\\[REDACTED:([a-z0-9][a-z0-9_-]{0,31}+):([0-9a-f]{8})\\]", Pattern.CASE_INSENSITIVE);

    /** Shorter environment values would match too much ordinary text. */
    static final int MIN_ENV_SECRET = 6;
    /** Values found in text are searched everywhere only from this length on, for the same reason. */
    static final int MIN_LEARNED_SECRET = 8;

    /** Bounds the memory of a long-running engine; rules still catch secrets beyond it. */
    static final int MAX_LEARNED = 10_000;

    private static final String AMBIGUOUS = new String("ambiguous"); // identity marker: two secrets, one hex

    private final SecretKeySpec key;
    /** Secret value (one line of it) to its placeholder. */
    private final Map<String, String> placeholders = new ConcurrentHashMap<>();
    /** Placeholder hex to secret, for {@link #restore}. */
    private final Map<String, String> secretsByHex = new ConcurrentHashMap<>();
    /** Values searched for in every text, with the kind of their placeholder. */
    private final Map<String, String> literals = new ConcurrentHashMap<>();
    /** HMACs (not the values) of the secrets replaced so far. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private Redactor(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /**
     * @param key the home's key ({@link RedactionKey#loadOrCreate})
     * @param env environment; values (6+ characters) of variables with secret-like names are
     *     redacted wherever they appear
     */
    public static Redactor create(byte[] key, Map<String, String> env) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("redaction key must have at least 16 bytes (state/redaction.key holds 32)");
        }
        Redactor r = new Redactor(key);
        if (env != null) {
            env.forEach((name, value) -> {
                if (name != null && value != null && KeyNames.isSensitiveEnvName(name)) {
                    r.addEnvSecret(value);
                }
            });
        }
        return r;
    }

    private void addEnvSecret(String value) {
        for (String line : value.split("\r?\n")) {
            String v = line.strip();
            if (v.length() >= MIN_ENV_SECRET && !KeyNames.isTrivial(v) && !KeyNames.looksLikePath(v)) {
                literals.putIfAbsent(v, "env");
                remember(v, hex(v)); // so restore() works for placeholders written by an earlier run
            }
        }
    }

    /** Redacts every rule (PEM keys, secret fields, token formats, env values) in {@code text}. */
    public String redact(String text) {
        return redact(text, FileHints.NONE);
    }

    /**
     * Like {@link #redact}, with hints from the path: in kubeconfig, talosconfig and Talos machine
     * configs a bare {@code key:} holds a private key; in {@code .env} files any random-looking
     * value goes too.
     */
    public String redactFile(String relativePath, String text) {
        return redact(text, FileHints.of(relativePath, text));
    }

    /**
     * Puts back the secrets behind placeholders this redactor produced, or could have produced
     * (same key, a secret it has seen). Unknown placeholders stay. For matching diff context
     * against real files only: the result must never leave the machine.
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
            String secret = secretsByHex.get(m.group(2).toLowerCase(Locale.ROOT));
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

    private String redact(String t, FileHints hints) {
        if (t == null || t.isEmpty()) {
            return t;
        }
        List<Span> spans = new ArrayList<>();
        PemScanner.scan(t, spans);
        new KeyValueScanner(hints.configFile(), hints.envFile()).scan(t, spans);
        TokenScanner.scan(t, spans, hints.configFile());
        for (Span s : spans) {
            learn(t, s);
        }
        LiteralFinder.find(t, literals, spans);
        if (spans.isEmpty()) {
            return t;
        }
        return replace(t, withoutPlaceholders(t, merge(spans)));
    }

    /** Values found here are searched for in the rest of this text and in later texts. */
    private void learn(String t, Span s) {
        forEachLine(t, s.start(), s.end(), (a, b) -> {
            if (b - a >= MIN_LEARNED_SECRET && literals.size() < MAX_LEARNED) {
                String v = t.substring(a, b);
                // only random-looking values: learning "password" from a doc's user:password@host
                // would blank out the word everywhere after
                if (v.chars().noneMatch(Character::isWhitespace) && !KeyNames.isTrivial(v) && KeyNames.looksRandom(v)) {
                    literals.putIfAbsent(v, s.kind());
                }
            }
        });
    }

    private static List<Span> merge(List<Span> spans) {
        spans.sort(Comparator.comparingInt(Span::start));
        List<Span> merged = new ArrayList<>();
        Span cur = null;
        for (Span s : spans) {
            if (cur != null && s.start() < cur.end()) {
                Span best = s.priority() > cur.priority() ? s : cur;
                cur = new Span(cur.start(), Math.max(cur.end(), s.end()), best.kind(), best.priority());
            } else {
                if (cur != null) {
                    merged.add(cur);
                }
                cur = s;
            }
        }
        merged.add(cur);
        return merged;
    }

    /** Placeholders already in the text (a case file redacted twice) are cut out of the spans. */
    private static List<Span> withoutPlaceholders(String t, List<Span> spans) {
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
        List<Span> out = new ArrayList<>();
        int h = 0;
        for (Span s : spans) {
            int start = s.start();
            while (h < holes.size() && holes.get(h)[1] <= start) {
                h++;
            }
            int k = h;
            while (start < s.end()) {
                if (k < holes.size() && holes.get(k)[0] < s.end()) {
                    int[] hole = holes.get(k);
                    if (hole[0] > start) {
                        out.add(new Span(start, hole[0], s.kind(), s.priority()));
                    }
                    start = Math.max(start, hole[1]);
                    k++;
                } else {
                    out.add(new Span(start, s.end(), s.kind(), s.priority()));
                    break;
                }
            }
        }
        return out;
    }

    private String replace(String t, List<Span> spans) {
        StringBuilder sb = new StringBuilder(t.length());
        int[] pos = {0};
        for (Span s : spans) {
            forEachLine(t, s.start(), s.end(), (a, b) -> {
                sb.append(t, pos[0], a).append(placeholder(t.substring(a, b), s.kind()));
                pos[0] = b;
            });
            seen.add(HexFormat.of().formatHex(hmac(t.substring(s.start(), s.end()))));
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

    private String placeholder(String secret, String kind) {
        return placeholders.computeIfAbsent(secret, s -> {
            String hex = hex(s);
            remember(s, hex);
            return "[REDACTED:" + kind + ":" + hex + "]";
        });
    }

    private void remember(String secret, String hex) {
        secretsByHex.merge(hex, secret, (old, now) -> old.equals(now) ? old : AMBIGUOUS);
    }

    private String hex(String secret) {
        return HexFormat.of().formatHex(Arrays.copyOf(hmac(secret), 4));
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
