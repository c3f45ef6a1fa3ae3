package dev.engine.redact;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Per-home key so placeholders are stable across runs but reveal nothing about the secret.
 *
 * <p>The key lives in {@code state/redaction.key} (32 random bytes, mode 0600). It never leaves the
 * machine: without it nobody can test a guessed secret against a placeholder.
 */
public final class RedactionKey {
    public static final String FILE_NAME = "redaction.key";
    public static final int LENGTH = 32;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private RedactionKey() {}

    /**
     * Reads {@code stateDir/redaction.key}, creating it if absent. Two engines starting at once
     * end up with the same key: the file is published with a hard link, which fails if it exists.
     */
    public static byte[] loadOrCreate(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE_NAME);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return read(file);
        }
        Files.createDirectories(stateDir);
        byte[] key = new byte[LENGTH];
        new SecureRandom().nextBytes(key);
        Path tmp = createPrivateTemp(stateDir);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(key);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (!publish(tmp, file)) {
                return read(file); // another process won the race: use its key
            }
            syncDirectory(stateDir);
            return key;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates {@code file} from {@code tmp} unless it already exists; false if it did. */
    private static boolean publish(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException e) {
            // No hard links on this file system: a plain move without REPLACE_EXISTING still
            // refuses to overwrite a key another process wrote first.
            try {
                Files.move(tmp, file);
                return true;
            } catch (FileAlreadyExistsException exists) {
                return false;
            }
        }
    }

    private static byte[] read(Path file) throws IOException {
        byte[] key;
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size != LENGTH) {
                throw new KeyFileException(file + ": expected " + LENGTH + " bytes, found " + size
                        + "; delete it to create a new key (placeholders from earlier runs will then no longer match)");
            }
            ByteBuffer buf = ByteBuffer.allocate(LENGTH);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // keep reading
            }
            if (buf.hasRemaining()) {
                throw new KeyFileException(file + ": file shrank while being read");
            }
            key = buf.array();
        } catch (KeyFileException e) {
            throw e;
        } catch (IOException e) {
            // a symlink (refused: the key must not be redirected elsewhere), a directory, no permission
            throw new KeyFileException(file + ": cannot read the redaction key, it must be a regular file readable by the engine ("
                    + e.getMessage() + ")", e);
        }
        tightenPermissions(file);
        return key;
    }

    /** Already names the file; not wrapped again. */
    private static final class KeyFileException extends IOException {
        KeyFileException(String message) {
            super(message);
        }

        KeyFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A key readable by others still works, but it should not stay that way. */
    private static void tightenPermissions(Path file) {
        try {
            if (Files.getFileStore(file).supportsFileAttributeView("posix")
                    && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort: reading the key already succeeded
        }
    }

    private static Path createPrivateTemp(Path dir) throws IOException {
        String prefix = "." + FILE_NAME + ".";
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            return Files.createTempFile(dir, prefix, ".tmp", attr);
        }
        return Files.createTempFile(dir, prefix, ".tmp");
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // best effort: the key itself is already on disk
        }
    }
}
