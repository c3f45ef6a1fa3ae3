package dev.engine.escalation.casefile;

import java.util.HashMap;
import java.util.Map;

/**
 * Token costs during one build; one instance per build, never shared between threads.
 *
 * <p>Counts stop at {@code limit} (the budget): a rendering larger than the whole budget can never
 * be used, and knowing only that it is too large is much cheaper than counting a large file to the
 * end. Short strings repeat (markers, headings), so their counts are remembered.
 *
 * <p>The cost of a text assembled from pieces is estimated as the sum of the pieces. BPE merges
 * rarely cross a line end, so the sum is close; the builder counts the final text exactly and
 * corrects any difference.
 */
final class Costs {
    private static final int MEMO_LIMIT = 80;

    private final TokenCounter counter;
    private final int limit;
    private final Map<String, Integer> shortOnes = new HashMap<>();

    Costs(TokenCounter counter, int limit) {
        this.counter = counter;
        this.limit = limit;
    }

    /** Tokens of {@code text}, or {@code limit + 1} when it has more than the budget. */
    int of(String text) {
        if (text.length() > MEMO_LIMIT) return counter.countUpTo(text, limit);
        return shortOnes.computeIfAbsent(text, t -> counter.countUpTo(t, limit));
    }

    /** Tokens of {@code text}, or {@code max + 1} when it has more than {@code max}. */
    int upTo(String text, int max) {
        if (text.length() <= MEMO_LIMIT) return Math.min(of(text), max + 1);
        return counter.countUpTo(text, Math.min(max, limit));
    }

    int limit() {
        return limit;
    }

    TokenCounter counter() {
        return counter;
    }
}
