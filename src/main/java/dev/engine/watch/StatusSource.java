package dev.engine.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * One reading of a home's status, made by the command that owns the status document (the CLI's
 * {@code status --json}), so /api/status and /metrics show exactly what {@code engine status} shows.
 */
@FunctionalInterface
public interface StatusSource {
    Reading read() throws IOException;

    /** @param document the {@code engine status --json} document, fresh for each reading (the caller may add to it) */
    record Reading(ObjectNode document, List<StageFigures> stages) {}
}
