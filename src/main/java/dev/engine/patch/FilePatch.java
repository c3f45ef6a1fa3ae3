package dev.engine.patch;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The change to one file. For {@link Kind#ADD} the old path is {@value #DEV_NULL}, for
 * {@link Kind#DELETE} the new path is; use {@link #path()} / {@link #touchedPaths()} rather than
 * reading the raw paths.
 */
public record FilePatch(String oldPath, String newPath, Kind kind, List<Hunk> hunks, boolean binary,
                        Optional<String> oldMode, Optional<String> newMode,
                        boolean oldNoNewlineAtEnd, boolean newNoNewlineAtEnd) {

    public static final String DEV_NULL = "/dev/null";

    public enum Kind { MODIFY, ADD, DELETE, RENAME }

    public FilePatch {
        Objects.requireNonNull(oldPath, "oldPath");
        Objects.requireNonNull(newPath, "newPath");
        Objects.requireNonNull(kind, "kind");
        hunks = List.copyOf(hunks);
        Objects.requireNonNull(oldMode, "oldMode");
        Objects.requireNonNull(newMode, "newMode");
    }

    /** The path this patch is about: the new path, except for a deletion. */
    public String path() { return kind == Kind.DELETE ? oldPath : newPath; }

    /** Every path the patch creates, modifies, deletes or renames (both sides of a rename). */
    public List<String> touchedPaths() {
        return switch (kind) {
            case ADD -> List.of(newPath);
            case DELETE, MODIFY -> List.of(oldPath);
            case RENAME -> List.of(oldPath, newPath);
        };
    }

    public int addedLines() { return hunks.stream().mapToInt(Hunk::addedLines).sum(); }

    public int removedLines() { return hunks.stream().mapToInt(Hunk::removedLines).sum(); }

    public int changedLines() { return addedLines() + removedLines(); }
}
