package dev.engine.escalation.casefile;

/**
 * One way to show a part of the case file.
 *
 * @param text      the markdown, ending with a newline, or "" when the part is left out
 * @param tokens    estimated tokens of {@code text}
 * @param note      what this rendering left out and why, or null for the full rendering
 * @param shown     whether any of the part's content is in {@code text}
 */
record Rendering(String text, int tokens, String note, boolean shown) {
    static final Rendering NONE = new Rendering("", 0, null, false);
}
