package dev.engine.redact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every occurrence of known secret values (sensitive environment variables, values already
 * redacted elsewhere), also when a line break was inserted inside them (a terminal or a log
 * shipper wrapped the line, a base64 tool wrapped at 76 columns, CRLF or LF).
 *
 * <p>One pass whatever the number of values: a rolling hash of each 6-character window is looked
 * up in a bit set of the values' first 6 characters; only hits are compared.
 */
final class LiteralFinder {
    /** Shortest value searched for; see {@link Redactor#MIN_ENV_SECRET}. */
    static final int WINDOW = 6;
    private static final long BASE = 1_000_003L;

    private LiteralFinder() {}

    static void find(String t, Map<String, String> needles, List<Span> out) {
        if (needles.isEmpty() || t.length() < WINDOW) {
            return;
        }
        // A view of the text without line breaks, and where each of its characters came from.
        int n = t.length();
        int breaks = 0;
        for (int i = 0; i < n; i++) {
            char c = t.charAt(i);
            if (c == '\n' || c == '\r') {
                breaks++;
            }
        }
        char[] flat = new char[n - breaks];
        int[] origin = breaks == 0 ? null : new int[n - breaks];
        int k = 0;
        for (int i = 0; i < n; i++) {
            char c = t.charAt(i);
            if (c != '\n' && c != '\r') {
                flat[k] = c;
                if (origin != null) {
                    origin[k] = i;
                }
                k++;
            }
        }

        if (flat.length < WINDOW) {
            return;
        }
        int bits = Integer.highestOneBit(Math.max(1 << 12, needles.size() * 64)) << 1;
        long[] filter = new long[bits >>> 6];
        Map<Long, List<Map.Entry<String, String>>> byPrefix = new HashMap<>();
        for (Map.Entry<String, String> e : needles.entrySet()) {
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
                List<Map.Entry<String, String>> hits = byPrefix.get(h);
                if (hits != null) {
                    for (Map.Entry<String, String> e : hits) {
                        if (regionEquals(flat, i, e.getKey())) {
                            int last = i + e.getKey().length() - 1;
                            int start = origin == null ? i : origin[i];
                            int end = (origin == null ? last : origin[last]) + 1;
                            out.add(new Span(start, end, e.getValue(), Span.LITERAL));
                        }
                    }
                }
            }
            if (i + WINDOW >= flat.length) {
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

    private static boolean regionEquals(char[] flat, int at, String s) {
        if (at + s.length() > flat.length) {
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
