package dev.engine.escalation.casefile;

import java.util.function.Supplier;

/**
 * One way to show a part of the case file. Its cost is known before its text is built: the text of
 * a large file is only put together when the rendering is actually used.
 */
final class Rendering {
    private final Supplier<String> build;
    private String text;
    private final int tokens;
    private final boolean exact;
    private final int size;
    private final String note;
    private final boolean shown;

    /**
     * @param tokens estimated tokens of the text, or {@code limit + 1} when counting stopped at a limit
     * @param exact  false when {@code tokens} is only a lower bound (counting stopped at the limit)
     * @param size   about how many characters the text has (to tell which of two large parts is larger)
     * @param note   what this rendering leaves out and why, or null when it leaves out nothing
     * @param shown  whether any of the part's content is in the text
     */
    Rendering(Supplier<String> build, int tokens, boolean exact, int size, String note, boolean shown) {
        this.build = build;
        this.tokens = tokens;
        this.exact = exact;
        this.size = size;
        this.note = note;
        this.shown = shown;
    }

    /** A rendering whose text is at hand (small parts), counted up to {@code limit}. */
    static Rendering of(String text, Costs costs, int limit, String note, boolean shown) {
        int t = costs.upTo(text, limit);
        return new Rendering(() -> text, t, t <= limit, text.length(), note, shown);
    }

    /** Nothing shown; the note says why. */
    static Rendering none(String note) {
        return new Rendering(() -> "", 0, true, 0, note, false);
    }

    String text() {
        if (text == null) text = build.get();
        return text;
    }

    int tokens() {
        return tokens;
    }

    boolean exact() {
        return exact;
    }

    /** Tokens if exact, else a guess from the size that is at least the lower bound: to rank parts by size. */
    int sizeHint() {
        return exact ? tokens : Math.max(tokens, size / 4);
    }

    String note() {
        return note;
    }

    boolean shown() {
        return shown;
    }
}
