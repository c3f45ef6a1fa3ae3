package dev.engine.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells /readyz whether this process still holds {@code state/engine.lock}, without touching the
 * lock file's contents: opening and closing any descriptor of that file in the holding process
 * releases the process's POSIX lock on it (so {@code EngineLock.isHeld} and {@code readHolder} must
 * never be called by the holder). A stat is safe; it shows whether the file is still the one locked,
 * since a lock on a deleted or replaced file no longer keeps other engines out. The file is known by
 * its inode and modification time together: a deleted file's inode number is often reused at once,
 * and nobody writes the lock file while it is held.
 */
public final class LockWatch {
    private final Path file;
    private final Identity identity;
    private volatile boolean released;

    private record Identity(Object inode, FileTime modified) {
        static Identity of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Identity(a.fileKey(), a.lastModifiedTime());
        }
    }

    private LockWatch(Path file, Identity identity) {
        this.file = file;
        this.identity = identity;
    }

    /** Call right after acquiring the lock on {@code lockFile}. */
    public static LockWatch of(Path lockFile) throws IOException {
        return new LockWatch(lockFile, Identity.of(lockFile));
    }

    /** Why the lock is not (or no longer effectively) held; empty while it is. */
    public Optional<String> problem() {
        if (released) {
            return Optional.of("the engine lock has been released: watch is stopping");
        }
        try {
            if (!Objects.equals(identity, Identity.of(file))) {
                return Optional.of(file + " was replaced after watch locked it, so another engine could take it; restart watch");
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.of(file + " was deleted after watch locked it, so another engine could take it; restart watch");
        } catch (IOException e) {
            return Optional.of("cannot stat " + file + ": " + e.getMessage());
        }
    }

    public void released() {
        released = true;
    }
}
