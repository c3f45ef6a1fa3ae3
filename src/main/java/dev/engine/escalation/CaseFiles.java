package dev.engine.escalation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A folder of timestamped files from one stage's failures: {@code escalations/} for cases and
 * answers, {@code patches/} for executor bundles and diffs. Only names and writes; what goes in
 * them is built elsewhere ({@link CaseAssembler}).
 *
 * @param dir   the folder the names are made for (and {@link #write} writes to); it may not exist yet
 * @param clock the time stamped into new names
 */
public record CaseFiles(Path dir, Clock clock) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** {@code <stage>_<yyyyMMdd-HHmmss>}: the common prefix of one escalation's files. */
    public String newPrefix(String stage) {
        return newPrefix(stage, "", "_case_v1.md");
    }

    /**
     * {@code <stage>_<yyyyMMdd-HHmmss><tail>}, with {@code -2}, {@code -3}, ... added while
     * {@link #dir} holds that name followed by {@code marker}: two in one second (a quick
     * re-escalation, a second fingerprint's first executor attempt) must not overwrite each
     * other's files.
     */
    public String newPrefix(String stage, String tail, String marker) {
        String base = stage + "_" + STAMP.format(LocalDateTime.now(clock)) + tail;
        String prefix = base;
        for (int n = 2; Files.exists(dir.resolve(prefix + marker)); n++) {
            prefix = base + "-" + n;
        }
        return prefix;
    }

    /** Writes a file atomically enough for a reader (whole file or nothing) and returns it. */
    public Path write(String name, String text) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
