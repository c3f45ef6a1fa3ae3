package dev.engine.git;

import java.time.Instant;
import java.util.List;

/**
 * One commit on the AI branch that main does not have yet. {@code source} is {@code unknown} and
 * stage/fingerprint/patchFile are empty for commits made by hand (no engine trailers).
 *
 * @param foreign the commit carries no Engine-* trailers: someone other than the engine made it,
 *     so it is never offered for approval
 */
public record PendingCommit(String sha, String shortSha, String stage, String source, String fingerprint,
        String patchFile, String summary, List<String> files, int added, int removed, Instant time, boolean foreign) {
    public PendingCommit {
        files = List.copyOf(files);
    }
}
