package dev.engine.escalation.casefile;

import java.util.Objects;

/**
 * A diagnostics command the model asked for that the allowlist refused, why, and the id of the
 * rule that refused it (as in the audit trail; empty when unknown).
 */
public record RefusedRequest(String command, String reason, String rule) {
    public RefusedRequest {
        command = Objects.requireNonNullElse(command, "");
        reason = Objects.requireNonNullElse(reason, "");
        rule = Objects.requireNonNullElse(rule, "");
    }

    public RefusedRequest(String command, String reason) {
        this(command, reason, "");
    }
}
