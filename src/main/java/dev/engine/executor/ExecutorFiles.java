package dev.engine.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Names of an executor attempt's files in patches/ (bundle, patch) and logs/executor/. */
final class ExecutorFiles {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ExecutorFiles() {}

    /**
     * {@code <stage>_<yyyyMMdd-HHmmss>_attempt<N>}, with {@code -2}, {@code -3}, ... added when a
     * bundle of that name exists already: two executor attempts in one second (a second
     * fingerprint's first attempt, a run after a reset) must not overwrite each other's records.
     */
    static String prefix(Path patchesDir, String stage, Clock clock, int attempts) {
        String base = stage + "_" + STAMP.format(LocalDateTime.now(clock)) + "_attempt" + attempts;
        String prefix = base;
        for (int n = 2; Files.exists(patchesDir.resolve(prefix + "_bundle.md")); n++) {
            prefix = base + "-" + n;
        }
        return prefix;
    }
}
