package dev.engine.stage;

import dev.engine.config.StageSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/** Runs one attempt of a stage and leaves its log; {@code stage.StageRunner} is the real one. */
@FunctionalInterface
public interface Attempts {
    /** @param started told the process group of each command as it starts (for recovery after a crash) */
    StageResult run(StageSpec stage, int attempt, Path logsDir, Cancellation cancellation, LongConsumer started) throws IOException;
}
