package dev.engine.config;

import java.util.List;

/**
 * A stage's {@code sandbox:} setting (DESIGN.md §8): contained by default; {@code writable} adds
 * paths a real stage must write (e.g. {@code ~/.talos}); {@code off} runs it uncontained and must
 * be said explicitly, so {@code validate} and {@code status} can show it.
 */
public record StageSandbox(boolean off, List<String> writable) {
    public static final StageSandbox DEFAULT = new StageSandbox(false, List.of());

    public StageSandbox {
        writable = List.copyOf(writable);
    }
}
