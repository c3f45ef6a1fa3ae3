package dev.engine.escalation;

import dev.engine.config.StageSpec;
import java.nio.file.Path;

public record EscalationRequest(StageSpec stage, String fingerprint, int apiCallsUsed, Path log) {}
