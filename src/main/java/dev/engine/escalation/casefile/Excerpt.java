package dev.engine.escalation.casefile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Renders chosen lines of a text with "… (N lines omitted) …" markers between them, and what that costs. */
final class Excerpt {
    static final int MAX_LINE_CHARS = 2000;

    /** The rendered lines (each ending in a newline) and how many lines of the text were shown. */
    record Body(String text, int shown) {}

    /** A half-open range [from, to) of 0-based line indices. */
    record Range(int from, int to) {}

    private Excerpt() {}

    static List<Range> all(int size) {
        return size == 0 ? List.of() : List.of(new Range(0, size));
    }

    static List<Range> head(int n, int size) {
        return List.of(new Range(0, Math.min(n, size)));
    }

    static List<Range> tail(int n, int size) {
        return List.of(new Range(Math.max(0, size - n), size));
    }

    /** {@code context} lines either side of each center, merged where they touch. */
    static List<Range> around(Collection<Integer> centers, int context, int size) {
        List<Range> out = new ArrayList<>();
        for (int c : centers.stream().sorted().distinct().toList()) {
            if (c < 0 || c >= size) continue;
            out.add(new Range(Math.max(0, c - context), Math.min(size, c + context + 1)));
        }
        return merge(out);
    }

    static List<Range> merge(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> a.from() != b.from() ? Integer.compare(a.from(), b.from()) : Integer.compare(a.to(), b.to()));
        List<Range> out = new ArrayList<>();
        for (Range r : sorted) {
            if (r.from() >= r.to()) continue;
            if (!out.isEmpty() && r.from() <= out.get(out.size() - 1).to()) {
                Range last = out.remove(out.size() - 1);
                out.add(new Range(last.from(), Math.max(last.to(), r.to())));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    static int count(List<Range> ranges) {
        int n = 0;
        for (Range r : ranges) n += r.to() - r.from();
        return n;
    }

    /**
     * @param numbered prefix each line with its 1-based number ("  42 | "), so a patch can be placed
     * @param cutLongLines cut lines longer than {@link #MAX_LINE_CHARS} (a whole file keeps its lines as they are)
     */
    static Body render(Lines lines, List<Range> ranges, boolean numbered, boolean cutLongLines) {
        List<Range> rs = merge(ranges);
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        String format = "%" + Integer.toString(Math.max(1, lines.size())).length() + "d | ";
        int next = 0;
        for (Range r : rs) {
            int to = Math.min(r.to(), lines.size());
            if (r.from() > next) sb.append(Md.omitted(r.from() - next)).append('\n');
            for (int i = r.from(); i < to; i++) {
                if (numbered) sb.append(String.format(Locale.ROOT, format, i + 1));
                String line = lines.get(i);
                sb.append(cutLongLines ? Md.cutLine(line, MAX_LINE_CHARS) : line).append('\n');
                shown++;
            }
            next = Math.max(next, to);
        }
        if (next < lines.size()) sb.append(Md.omitted(lines.size() - next)).append('\n');
        return new Body(sb.toString(), shown);
    }

    /** A fenced block around {@code body}, with its cost. */
    static Rendering fenced(String before, String fence, String lang, Body body, Costs costs, String note) {
        String text = before + fence + lang + "\n" + body.text() + fence + "\n\n";
        return new Rendering(text, costs.of(text), note, body.shown() > 0);
    }
}
