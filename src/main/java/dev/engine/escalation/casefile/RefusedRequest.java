package dev.engine.escalation.casefile;

import java.util.Objects;

/** A diagnostics command the model asked for that the allowlist refused, and why. */
public record RefusedRequest(String command, String reason) {
    public RefusedRequest {
        command = Objects.requireNonNullElse(command, "");
        reason = Objects.requireNonNullElse(reason, "");
    }
}
