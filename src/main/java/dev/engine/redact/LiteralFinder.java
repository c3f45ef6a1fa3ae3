package dev.engine.redact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every occurrence of known secret values (and their encodings), also where a line break was
 * inserted inside one: a terminal or a log shipper wrapped the line, a base64 tool wrapped at 76
 * columns, a YAML plain scalar was folded onto an indented next line; CRLF or LF.
 *
 * <p>One pass whatever the number of values: a rolling hash of each 6-character window is looked
 * up in a bit set of the values' first 6 characters; only hits are compared.
 */
final class LiteralFinder {
    /** Shortest value searched for; see {@link KnownSecrets#MIN_ENV_SECRET}. */
    static final int WINDOW = 6;
    private static final long BASE = 1_000_003L;

    private LiteralFinder() {}

    static void find(String t, Map<String, KnownValues.Needle> needles, List<Span> out, long learnedBefore) {
        if (needles.isEmpty() || t.length() < WINDOW) {
            return;
        }
        // A view of the text without line breaks (and the indentation after them), and where each
        // of its characters came from.
        int n = t.length();
        char[] flat = new char[n];
        int[] origin = null;
        int k = 0;
        boolean afterBreak = false;
        for (int i = 0; i < n; i++) {
            char c = t.charAt(i);
            boolean skip = c == '\n' || c == '\r' || (afterBreak && (c == ' ' || c == '\t'));
            if (skip) {
                afterBreak = true;
                if (origin == null) {
                    origin = new int[n];
                    for (int j = 0; j < k; j++) {
                        origin[j] = j;
                    }
                }
                continue;
            }
            afterBreak = false;
            flat[k] = c;
            if (origin != null) {
                origin[k] = i;
            }
            k++;
        }
        int len = k;
        if (len < WINDOW) {
            return;
        }
        int bits = Integer.highestOneBit(Math.max(1 << 12, needles.size() * 64)) << 1;
        long[] filter = new long[bits >>> 6];
        Map<Long, List<Map.Entry<String, KnownValues.Needle>>> byPrefix = new HashMap<>();
        for (Map.Entry<String, KnownValues.Needle> e : needles.entrySet()) {
            String s = e.getKey();
            if (s.length() < WINDOW) {
                continue;
            }
            long h = 0;
            for (int i = 0; i < WINDOW; i++) {
                h = h * BASE + s.charAt(i);
            }
            int slot = slot(h, bits);
            filter[slot >>> 6] |= 1L << slot;
            byPrefix.computeIfAbsent(h, x -> new ArrayList<>(1)).add(e);
        }

        long top = 1;
        for (int i = 1; i < WINDOW; i++) {
            top *= BASE;
        }
        long h = 0;
        for (int i = 0; i < WINDOW; i++) {
            h = h * BASE + flat[i];
        }
        for (int i = 0; ; i++) {
            int slot = slot(h, bits);
            if ((filter[slot >>> 6] & (1L << slot)) != 0) {
                List<Map.Entry<String, KnownValues.Needle>> hits = byPrefix.get(h);
                if (hits != null) {
                    for (Map.Entry<String, KnownValues.Needle> e : hits) {
                        if (regionEquals(flat, len, i, e.getKey())) {
                            int last = i + e.getKey().length() - 1;
                            int start = origin == null ? i : origin[i];
                            int end = (origin == null ? last : origin[last]) + 1;
                            KnownValues.Needle nd = e.getValue();
                            Span.Layer layer = nd.learnedAt() < 0 || nd.learnedAt() < learnedBefore ? Span.Layer.KNOWN : Span.Layer.LEARNED;
                            out.add(new Span(start, end, layer, null, nd.identity(), nd.form()));
                        }
                    }
                }
            }
            if (i + WINDOW >= len) {
                break;
            }
            h = (h - flat[i] * top) * BASE + flat[i + WINDOW];
        }
    }

    private static int slot(long h, int bits) {
        h ^= h >>> 31;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 29;
        return (int) h & (bits - 1);
    }

    private static boolean regionEquals(char[] flat, int len, int at, String s) {
        if (at + s.length() > len) {
            return false;
        }
        for (int j = 0; j < s.length(); j++) {
            if (flat[at + j] != s.charAt(j)) {
                return false;
            }
        }
        return true;
    }
}
