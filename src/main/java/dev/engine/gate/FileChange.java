package dev.engine.gate;

import java.util.Optional;

/**
 * One path an AI commit changes, as the gate needs to see it.
 *
 * @param before the content before the commit (empty when the file is new, or binary)
 * @param after the content after it (empty when deleted, or binary)
 */
public record FileChange(String path, boolean executableBefore, boolean executableAfter, Optional<String> before,
                         Optional<String> after) {}
