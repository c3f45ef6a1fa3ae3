package dev.engine.patch;

import java.util.Objects;

/** A reason a patch may not be applied. {@code rule} is e.g. "I2-protected" or "I4-traversal". */
public record Violation(String path, String rule, String message) {
    public Violation {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return rule + (path.isEmpty() ? "" : " " + path) + ": " + message;
    }
}
