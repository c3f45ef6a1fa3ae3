package dev.engine.gate;

import java.util.Locale;

/** The {@code auto_run} setting: which AI commits run before a human approves them. */
public enum AutoRun {
    /** Data files (YAML/JSON/TOML read by talosctl, kubectl, flux) re-run at once; code waits for review. */
    DECLARATIVE,
    /** Code runs too, sandboxed (opt-in); without a working sandbox it still waits. */
    ALL,
    /** Every AI commit waits for review. */
    NONE;

    public static AutoRun parse(String s) {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
