package dev.engine.escalation.casefile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Chosen lines of a text with "… (N lines omitted) …" markers between them: their cost, and their text on demand. */
final class Excerpt {
    static final int MAX_LINE_CHARS = 2000;

    /** A half-open range [from, to) of 0-based line indices. */
    record Range(int from, int to) {}

    /**
     * The lines in {@code ranges}, optionally prefixed with their 1-based numbers ("  42 | ") so a patch
     * can be placed, and optionally with lines longer than {@link #MAX_LINE_CHARS} cut (a whole file
     * keeps its lines as they are).
     */
    record View(Lines lines, List<Range> ranges, boolean numbered, boolean cutLongLines) {
        View {
            ranges = merge(ranges);
        }

        int shown() {
            return count(ranges);
        }

        /** Estimated tokens (sum of line costs, prefixes and markers), or {@code limit + 1} once past {@code limit}. */
        int tokens(Costs costs, int limit) {
            long tokens = 0;
            int next = 0;
            for (Range r : ranges) {
                int to = Math.min(r.to(), lines.size());
                if (r.from() > next) tokens += costs.of(Md.omitted(r.from() - next) + "\n");
                for (int i = r.from(); i < to && tokens <= limit; i++) {
                    if (numbered) tokens += costs.of(prefix(i));
                    tokens += lines.cost(i, cut(i), costs);
                }
                if (tokens > limit) return limit + 1;
                next = Math.max(next, to);
            }
            if (next < lines.size()) tokens += costs.of(Md.omitted(lines.size() - next) + "\n");
            return (int) Math.min(tokens, limit + 1L);
        }

        /** About the number of characters of {@link #text()}, without building it. */
        int size() {
            long n = 0;
            for (Range r : ranges) {
                for (int i = r.from(); i < Math.min(r.to(), lines.size()); i++) n += Math.min(lines.get(i).length(), MAX_LINE_CHARS) + 8;
            }
            return (int) Math.min(n, Integer.MAX_VALUE);
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            int next = 0;
            for (Range r : ranges) {
                int to = Math.min(r.to(), lines.size());
                if (r.from() > next) sb.append(Md.omitted(r.from() - next)).append('\n');
                for (int i = r.from(); i < to; i++) {
                    if (numbered) sb.append(prefix(i));
                    sb.append(cut(i) ? Md.cutLine(lines.get(i), MAX_LINE_CHARS) : lines.get(i)).append('\n');
                }
                next = Math.max(next, to);
            }
            if (next < lines.size()) sb.append(Md.omitted(lines.size() - next)).append('\n');
            return sb.toString();
        }

        private boolean cut(int i) {
            return cutLongLines && lines.get(i).length() > MAX_LINE_CHARS;
        }

        private String prefix(int i) {
            int width = Integer.toString(Math.max(1, lines.size())).length();
            return String.format(Locale.ROOT, "%" + width + "d | ", i + 1);
        }
    }

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
        return List.copyOf(out);
    }

    static int count(List<Range> ranges) {
        int n = 0;
        for (Range r : ranges) n += r.to() - r.from();
        return n;
    }

    /** A fenced block: {@code before} (heading, status line), the fence, the view, the closing fence. */
    static Rendering fenced(String before, String fence, String lang, View view, Costs costs, int limit, String note) {
        String open = before + fence + lang + "\n";
        String close = fence + "\n\n";
        long frame = (long) costs.of(open) + costs.of(close);
        int body = view.tokens(costs, (int) Math.max(0, limit - frame));
        long tokens = frame + body;
        boolean exact = tokens <= limit;
        return new Rendering(() -> open + view.text() + close, exact ? (int) tokens : limit + 1, exact,
                open.length() + view.size() + close.length(), note, view.shown() > 0);
    }
}
