package dev.engine.git;

import java.time.Instant;
import java.util.List;

/**
 * One commit on the AI branch that main does not have yet. {@code source} is {@code unknown} and
 * stage/fingerprint/patchFile are empty for commits made by hand (no engine trailers).
 */
public record PendingCommit(String sha, String shortSha, String stage, String source, String fingerprint,
        String patchFile, String summary, List<String> files, int added, int removed, Instant time) {
    public PendingCommit {
        files = List.copyOf(files);
    }
}
