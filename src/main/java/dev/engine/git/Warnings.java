package dev.engine.git;

import java.util.ArrayList;
import java.util.List;

/** Warnings of one checkout operation, capped so a pathological tree cannot flood the operator's terminal. */
final class Warnings {
    static final int MAX = 50;

    private final List<String> items = new ArrayList<>();
    private int dropped;

    void add(String warning) {
        if (items.size() < MAX) items.add(warning);
        else dropped++;
    }

    List<String> list() {
        if (dropped == 0) return List.copyOf(items);
        List<String> out = new ArrayList<>(items);
        out.add("... and " + dropped + " more warnings");
        return List.copyOf(out);
    }
}
