package dev.engine.escalation.casefile;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The lines of one text (already redacted), with the token cost of each line (with its newline)
 * counted once, on demand: the renderings of a part share most of their lines, so a file is
 * counted about once however many ways of showing it are tried.
 */
final class Lines {
    private final List<String> lines;
    private final int[] cost;
    private final int[] cutCost;
    private String[] lower;

    Lines(String text) {
        this(Md.lines(text));
    }

    Lines(List<String> lines) {
        this.lines = List.copyOf(lines);
        this.cost = new int[this.lines.size()];
        this.cutCost = new int[this.lines.size()];
        Arrays.fill(cost, -1);
        Arrays.fill(cutCost, -1);
    }

    /** Tokens of line {@code i} and its newline, as shown whole or cut to {@link Excerpt#MAX_LINE_CHARS}. */
    int cost(int i, boolean cut, Costs costs) {
        int[] cache = cut ? cutCost : cost;
        if (cache[i] < 0) {
            String line = cut ? Md.cutLine(lines.get(i), Excerpt.MAX_LINE_CHARS) : lines.get(i);
            cache[i] = costs.of(line + "\n");
        }
        return cache[i];
    }

    int size() {
        return lines.size();
    }

    String get(int i) {
        return lines.get(i);
    }

    List<String> all() {
        return lines;
    }

    String lower(int i) {
        if (lower == null) {
            lower = new String[lines.size()];
        }
        if (lower[i] == null) lower[i] = lines.get(i).toLowerCase(Locale.ROOT);
        return lower[i];
    }
}
