package dev.engine.fingerprint;

import java.util.List;
import java.util.Objects;

/**
 * The identity of a failure: a short hash plus the normalized log tail it was computed from,
 * kept so that a human (or the engine's report) can see why two failures were counted together.
 *
 * @param hash first 12 hex characters of SHA-256 over {@code normalizedTail} joined by {@code "\n"};
 *             an empty or blank log has the empty tail and therefore {@link #EMPTY_HASH}
 * @param normalizedTail the normalized, de-duplicated lines, oldest first
 */
public record Fingerprint(String hash, List<String> normalizedTail) {

    /** SHA-256 of the empty string, truncated: the fingerprint of a log with no visible content. */
    public static final String EMPTY_HASH = "e3b0c44298fc";

    public Fingerprint {
        Objects.requireNonNull(hash, "hash");
        normalizedTail = List.copyOf(normalizedTail);
    }
}
