package dev.engine.patch;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/** A read-only view of the workspace being patched. Paths are '/'-separated and relative. */
public interface TreeView {
    /** The file's content, empty if there is no regular file at {@code path}. */
    Optional<String> read(String path) throws IOException;

    boolean exists(String path);

    boolean isSymlink(String path);

    boolean isDirectory(String path);

    Set<String> topLevelEntries();

    /**
     * The names directly inside directory {@code dir} ("" for the root); empty when it is not a
     * directory. Used to find an existing name a new one would pose as.
     */
    Set<String> list(String dir);
}
