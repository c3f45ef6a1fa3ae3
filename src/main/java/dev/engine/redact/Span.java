package dev.engine.redact;

/**
 * A stretch {@code [start, end)} of the input to replace. Overlapping spans are merged; the
 * placeholder kind comes from the span with the highest priority (a known token format says more
 * than the name of the field it sits in, which says more than a bare value match).
 */
record Span(int start, int end, String kind, int priority) {
    static final int LITERAL = 1;
    static final int FIELD = 2;
    static final int FORMAT = 3;
}
