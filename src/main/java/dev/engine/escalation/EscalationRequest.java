package dev.engine.escalation;

import dev.engine.config.StageSpec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One escalation step: a model call about this failure.
 *
 * @param thread the escalation this step continues (after diagnostics); empty to start one
 */
public record EscalationRequest(StageSpec stage, String fingerprint, int apiCallsUsed, Path log, Optional<CaseThread> thread) {
    public EscalationRequest(StageSpec stage, String fingerprint, int apiCallsUsed, Path log) {
        this(stage, fingerprint, apiCallsUsed, log, Optional.empty());
    }
}
