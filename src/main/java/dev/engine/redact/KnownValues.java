package dev.engine.redact;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Layer 1 at run time: the texts searched for in every text, each the raw form of a known secret
 * or one of its encodings, and the values the other layers found and taught it.
 */
final class KnownValues {
    /** Bounds the memory of a long-running engine; rules still catch secrets beyond it. */
    static final int MAX_LEARNED = 10_000;
    /** Encodings shorter than this would match ordinary text. */
    static final int MIN_ENCODED = 8;

    /**
     * What a searched text stands for.
     *
     * @param identity the raw secret when the text is an encoding of it, else null
     * @param form {@code b64}, {@code url}, {@code json}, or null for the raw value
     * @param source where the secret was found (names only: {@code .env:DB_PASSWORD}, {@code env:GITHUB_TOKEN})
     */
    record Needle(String identity, String form, String source, long learnedAt) {
        Needle(String identity, String form, String source) {
            this(identity, form, source, -1);
        }
    }

    private final Map<String, Needle> needles = new ConcurrentHashMap<>();
    private final Map<String, String> sources = new ConcurrentHashMap<>();
    private long learned;

    /** A known secret and its encodings: raw, JSON-escaped, URL-encoded, base64 at every alignment. */
    void add(String raw, String source) {
        if (!needles.containsKey(raw)) {
            needles.putIfAbsent(raw, new Needle(null, null, source));
        }
        sources.putIfAbsent(raw, source);
        forms(raw).forEach((text, form) -> {
            if (text.length() >= MIN_ENCODED && !text.equals(raw)) {
                // an encoding of a known value names that value, even if the encoded text was found on its own too
                needles.merge(text, new Needle(raw, form, source), (old, now) -> old.identity() == null ? now : old);
            }
        });
    }

    /** A value another layer found: searched for raw in the rest of this text and in later ones. */
    synchronized void learn(String v) {
        if (learned < MAX_LEARNED && !needles.containsKey(v)) {
            needles.put(v, new Needle(null, null, "seen earlier", learned++));
        }
    }

    /** Occurrences of the known values; values learned at or after {@code learnedBefore} count as {@link Span.Layer#LEARNED}. */
    void find(String t, List<Span> out, long learnedBefore) {
        LiteralFinder.find(t, needles, out, learnedBefore);
    }

    synchronized long learnedSoFar() {
        return learned;
    }

    /** Where a known raw value came from, or null. */
    String sourceOf(String raw) {
        return sources.get(raw);
    }

    Map<String, Needle> all() {
        return needles;
    }

    /**
     * The encoded forms of {@code raw}, text to a label that names the encoding exactly (so a
     * placeholder restores to the exact text): {@code json}, {@code json2} (slashes escaped),
     * {@code url}, {@code url2} ({@code %20}), {@code b64} (whole, padded), {@code b64a0..2} (the
     * characters that depend on the value alone at each of the three alignments it can have inside
     * a longer base64 string), and {@code ...u} for base64url.
     */
    static Map<String, String> forms(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        String json = jsonEscape(raw);
        if (!json.equals(raw)) {
            out.putIfAbsent(json, "json");
            String slashes = json.replace("/", "\\/");
            if (!slashes.equals(json)) {
                out.putIfAbsent(slashes, "json2");
            }
        }
        String form = URLEncoder.encode(raw, StandardCharsets.UTF_8);
        if (!form.equals(raw)) {
            out.putIfAbsent(form, "url");
            out.putIfAbsent(form.replace("+", "%20"), "url2");
        }
        byte[] b = raw.getBytes(StandardCharsets.UTF_8);
        putB64(out, Base64.getEncoder().encodeToString(b), "b64");
        for (int a = 0; a < 3; a++) {
            byte[] shifted = new byte[a + b.length];
            System.arraycopy(b, 0, shifted, a, b.length);
            String enc = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            int start = a == 0 ? 0 : a == 1 ? 2 : 3;
            int end = (int) ((8L * (a + b.length)) / 6);
            if (end > start) {
                putB64(out, enc.substring(start, Math.min(end, enc.length())), "b64a" + a);
            }
        }
        out.remove(raw);
        return out;
    }

    private static void putB64(Map<String, String> out, String s, String label) {
        out.putIfAbsent(s, label);
        String url = s.replace('+', '-').replace('/', '_');
        if (!url.equals(s)) {
            out.putIfAbsent(url, label + "u");
        }
    }

    static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
