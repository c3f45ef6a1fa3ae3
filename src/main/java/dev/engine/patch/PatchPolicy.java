package dev.engine.patch;

import java.util.List;
import java.util.Optional;

/**
 * Limits for one AI-proposed patch. {@code scope}, when present, lists the paths the patch may
 * touch: exact files, or directories given with a trailing '/'.
 */
public record PatchPolicy(List<String> protectedFiles, int maxChangedLines, int maxFiles,
                          boolean allowDeletions, Optional<List<String>> scope) {
    public static final int DEFAULT_MAX_CHANGED_LINES = 60;
    public static final int DEFAULT_MAX_FILES = 5;

    public PatchPolicy {
        protectedFiles = List.copyOf(protectedFiles);
        scope = scope.map(List::copyOf);
        if (maxChangedLines < 0 || maxFiles < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    public static PatchPolicy defaults(List<String> protectedFiles) {
        return new PatchPolicy(protectedFiles, DEFAULT_MAX_CHANGED_LINES, DEFAULT_MAX_FILES, false, Optional.empty());
    }

    public PatchPolicy withScope(List<String> paths) {
        return new PatchPolicy(protectedFiles, maxChangedLines, maxFiles, allowDeletions, Optional.of(paths));
    }

    public PatchPolicy withDeletionsAllowed() {
        return new PatchPolicy(protectedFiles, maxChangedLines, maxFiles, true, scope);
    }
}
