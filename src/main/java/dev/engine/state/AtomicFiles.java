package dev.engine.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a reader (or a crash at any instant) sees either the old content or the
 * new, never a mix: temp file in the same directory, fsync, rename, and (by default) fsync of the
 * directory so that the rename itself survives a power loss.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What must be on disk when a write returns. */
    public enum Sync {
        /** The new content; after a power loss the file may still show the previous complete version. */
        CONTENT,
        /** The content and the rename: after a power loss the file shows the new version. */
        CONTENT_AND_RENAME
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, Sync.CONTENT_AND_RENAME);
    }

    public static void write(Path target, byte[] content, Sync sync) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
            if (sync == Sync.CONTENT_AND_RENAME) {
                syncDirectory(dir);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes the rename itself durable; not all file systems allow opening a directory, which is harmless. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // best effort: the data itself is already on disk
        }
    }
}
