package dev.engine.escalation;

import java.util.Map;
import java.util.Optional;

/**
 * Escalation as it stands in this version: the model tier is not built yet, so a failure that
 * outlasts the executor becomes give_up with a reason that says so (rather than pretending).
 */
public final class NotAvailable implements Escalator {
    private final String reason;

    public NotAvailable(Map<String, String> env) {
        String key = env.get("OPENAI_API_KEY");
        this.reason = key == null || key.isBlank()
                ? "OPENAI_API_KEY is not set"
                : "escalation to the model is not implemented in this version of the engine";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.of(reason);
    }

    @Override
    public EscalationOutcome escalate(EscalationRequest request) {
        throw new IllegalStateException("escalation is unavailable: " + reason);
    }
}
