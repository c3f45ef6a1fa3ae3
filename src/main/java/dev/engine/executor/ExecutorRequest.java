package dev.engine.executor;

import dev.engine.config.StageSpec;
import java.nio.file.Path;

/** What the executor is told about the failure it may try to fix. */
public record ExecutorRequest(StageSpec stage, String fingerprint, int attempts, Path log) {}
