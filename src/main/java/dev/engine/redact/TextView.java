package dev.engine.redact;

import java.util.Arrays;
import java.util.List;

/**
 * A text seen without some of its characters (the marker column of a diff hunk, the indentation
 * of a YAML block scalar, the lines outside a fenced block), with the way back to the original:
 * detectors that need whole lines or a parser run on the view, their spans are mapped back.
 */
final class TextView {
    final String text;
    /** Index in the original of each character of {@link #text}; null: {@code offset + i}. */
    private final int[] origin;
    private final int offset;

    private TextView(String text, int[] origin, int offset) {
        this.text = text;
        this.origin = origin;
        this.offset = offset;
    }

    /** {@code [from, to)} of the original as it is. */
    static TextView of(String original, int from, int to) {
        return new TextView(from == 0 && to == original.length() ? original : original.substring(from, to), null, from);
    }

    /** The whole original. */
    static TextView whole(String original) {
        return of(original, 0, original.length());
    }

    /** Builds a view from chosen characters of this one. */
    static final class Builder {
        private final TextView base;
        private final StringBuilder sb = new StringBuilder();
        private int[] origin = new int[64];

        Builder(TextView base) {
            this.base = base;
        }

        /** Appends {@code [from, to)} of the base view. */
        Builder append(int from, int to) {
            for (int i = from; i < to; i++) {
                if (sb.length() == origin.length) {
                    origin = Arrays.copyOf(origin, origin.length * 2);
                }
                origin[sb.length()] = base.toOriginal(i);
                sb.append(base.text.charAt(i));
            }
            return this;
        }

        int length() {
            return sb.length();
        }

        TextView build() {
            return new TextView(sb.toString(), Arrays.copyOf(origin, sb.length()), 0);
        }
    }

    Builder builder() {
        return new Builder(this);
    }

    /** {@code [from, to)} of this view as a view of its own. */
    TextView sub(int from, int to) {
        if (origin == null) {
            return new TextView(text.substring(from, to), null, offset + from);
        }
        return builder().append(from, to).build();
    }

    int toOriginal(int i) {
        return origin == null ? offset + i : origin[i];
    }

    /**
     * Adds {@code s} (in view coordinates) to {@code out} in original coordinates, one span per
     * line of the view: the characters a view left out (diff markers, indentation) between two
     * lines are never inside a span.
     */
    void mapBack(Span s, List<Span> out) {
        int a = s.start();
        boolean single = text.indexOf('\n', a) < 0 || text.indexOf('\n', a) >= s.end();
        while (a < s.end()) {
            int nl = text.indexOf('\n', a);
            int b = nl < 0 || nl > s.end() ? s.end() : nl;
            if (b > a) {
                Span piece = single ? s : new Span(0, 0, s.layer(), s.kind());
                out.add(piece.withRange(toOriginal(a), toOriginal(b - 1) + 1));
            }
            a = b + 1;
        }
    }
}
