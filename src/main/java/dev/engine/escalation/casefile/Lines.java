package dev.engine.escalation.casefile;

import java.util.List;
import java.util.Locale;

/** The lines of one text (already redacted), with their lower-case forms made on demand for searching. */
final class Lines {
    private final List<String> lines;
    private String[] lower;

    Lines(String text) {
        this(Md.lines(text));
    }

    Lines(List<String> lines) {
        this.lines = List.copyOf(lines);
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
