package dev.engine.escalation.casefile;

import java.util.List;
import java.util.function.Supplier;

/**
 * A piece of the case file that can be shown in several ways, richest first (level 0) down to its
 * smallest. Renderings are built on first use: most levels of most parts are never needed.
 */
final class Part {
    /** Trimmed first: lower tiers give way to higher ones (DESIGN: keep the log tail, then files the log names, ...). */
    static final int MEMO_KEYWORD = 0;
    static final int MEMO_SECTION = 1;
    static final int OTHER_FILE = 2;
    static final int NAMED_FILE = 3;
    static final int DIAGNOSTIC = 4;
    static final int HISTORY = 5;
    static final int LOG = 6;

    private final String label;
    private final int tier;
    private final List<Supplier<Rendering>> levels;
    private final Rendering[] cache;
    private final int softCap;
    private int level;

    /**
     * @param softCap tokens this part may take before others have had their share; it may grow
     *                back past that at the end if room is left (Integer.MAX_VALUE: no cap)
     */
    Part(String label, int tier, List<Supplier<Rendering>> levels, int softCap) {
        if (levels.isEmpty()) throw new IllegalArgumentException("a part needs at least one rendering: " + label);
        this.label = label;
        this.tier = tier;
        this.levels = List.copyOf(levels);
        this.cache = new Rendering[levels.size()];
        this.softCap = softCap;
    }

    Part(String label, int tier, List<Supplier<Rendering>> levels) {
        this(label, tier, levels, Integer.MAX_VALUE);
    }

    String label() {
        return label;
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

    Rendering at(int l) {
        if (cache[l] == null) cache[l] = levels.get(l).get();
        return cache[l];
    }

    Rendering current() {
        return at(level);
    }

    boolean atSmallest() {
        return level == levels.size() - 1;
    }
}
