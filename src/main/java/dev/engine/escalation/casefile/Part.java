package dev.engine.escalation.casefile;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A piece of the case file that can be shown in several ways, richest first (level 0) down to its
 * smallest. A rendering is made for a token limit: past the limit it only says "more than that",
 * which is all the budget needs to know and much cheaper to learn for a large file. Asked again
 * with a higher limit, the part counts further (line costs are kept, so this is cheap).
 */
final class Part {
    /** Trimmed first: lower tiers give way to higher ones (keep the log tail, then files the log names, ...). */
    static final int MEMO_KEYWORD = 0;
    static final int MEMO_SECTION = 1;
    static final int OTHER_FILE = 2;
    static final int NAMED_FILE = 3;
    static final int DIAGNOSTIC = 4;
    static final int HISTORY = 5;
    static final int LOG = 6;

    private final String label;
    private final String subject;
    private final int tier;
    private final List<IntFunction<Rendering>> levels;
    private final Rendering[] cache;
    private final int[] limits;
    private final int softCap;
    private int level;

    /**
     * @param label   what notes call it ("file a/b.yaml")
     * @param subject what it shows: a file's path, a memo section's title
     * @param levels  renderings, richest first, each made for a token limit
     * @param softCap tokens this part may take before others have had their share; it may grow
     *                back past that at the end if room is left (Integer.MAX_VALUE: no cap)
     */
    Part(String label, String subject, int tier, List<IntFunction<Rendering>> levels, int softCap) {
        if (levels.isEmpty()) throw new IllegalArgumentException("a part needs at least one rendering: " + label);
        this.label = label;
        this.subject = subject;
        this.tier = tier;
        this.levels = List.copyOf(levels);
        this.cache = new Rendering[levels.size()];
        this.limits = new int[levels.size()];
        this.softCap = softCap;
    }

    Part(String label, String subject, int tier, List<IntFunction<Rendering>> levels) {
        this(label, subject, tier, levels, Integer.MAX_VALUE);
    }

    String label() {
        return label;
    }

    String subject() {
        return subject;
    }

    int tier() {
        return tier;
    }

    int level() {
        return level;
    }

    void level(int l) {
        level = l;
    }

    int levels() {
        return levels.size();
    }

    boolean capped() {
        return softCap != Integer.MAX_VALUE;
    }

    int softCap() {
        return softCap;
    }

    /** Level {@code l}, counted at least up to {@code limit} tokens. */
    Rendering at(int l, int limit) {
        Rendering r = cache[l];
        if (r != null && (r.exact() || limits[l] >= limit)) return r;
        // Raise the limit at least twofold, so a part asked again and again with a slowly growing room is counted a few times only.
        int lim = r == null ? Math.max(1, limit) : (int) Math.min(Integer.MAX_VALUE - 1L, Math.max(limit, 2L * limits[l]));
        cache[l] = levels.get(l).apply(lim);
        limits[l] = lim;
        return cache[l];
    }

    /** The current level as last counted (a lower bound if it was counted to a limit it exceeds). */
    Rendering current() {
        return cache[level] != null ? cache[level] : at(level, 1);
    }

    boolean atSmallest() {
        return level == levels.size() - 1;
    }
}
