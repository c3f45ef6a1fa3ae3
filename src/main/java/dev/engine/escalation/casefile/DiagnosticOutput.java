package dev.engine.escalation.casefile;

import java.util.Objects;

/**
 * A diagnostics command the model asked for and the engine ran (DESIGN.md §6 I7).
 *
 * @param output its combined output, already redacted by the runner (the builder redacts again)
 */
public record DiagnosticOutput(String command, int exitCode, boolean timedOut, String output) {
    public DiagnosticOutput {
        command = Objects.requireNonNullElse(command, "");
        output = Objects.requireNonNullElse(output, "");
    }
}
