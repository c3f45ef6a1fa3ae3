package dev.engine.config;

import java.nio.file.Path;

/**
 * A single thing wrong with a configuration file, located precisely enough for a human to fix it.
 *
 * @param line 1-based line, or 0 when the problem has no single line (e.g. a dependency cycle's summary)
 * @param field dotted path of the offending field, e.g. {@code stages.talos.depends_on}
 */
public record ConfigProblem(Path file, int line, String field, String message) {
    @Override
    public String toString() {
        String where = file == null ? "" : file.getFileName() + (line > 0 ? ":" + line : "") + ": ";
        return where + (field == null || field.isEmpty() ? "" : field + ": ") + message;
    }
}
