package dev.engine.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * {@code state/engine.lock}: an OS file lock, so a crashed or killed engine never leaves a stale
 * lock behind. The file's text (pid, start time) is only there to name the holder in the message
 * the second engine prints; the file itself is never deleted, because deleting a lock file races
 * with a process that has just opened it.
 */
public final class EngineLock implements AutoCloseable {
    public static final String FILE = "engine.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private EngineLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    public static EngineLock acquire(Path stateDir, String command) throws IOException, LockHeldException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this very process holds it already (a second command in one JVM, e.g. in tests)
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = readHolder(file);
            ch.close();
            throw new LockHeldException(file, holder);
        }
        ch.truncate(0);
        String text = "pid " + ProcessHandle.current().pid() + ", " + command + ", since " + Instant.now() + "\n";
        // No fsync: the text only tells a second engine who holds the lock; the lock itself is the
        // kernel's flock, which a crash or power loss releases anyway.
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        return new EngineLock(file, ch, lock);
    }

    /** Who holds the lock, as written by the holder; empty when nobody does. */
    public static String readHolder(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** True when some process holds the lock (used by readiness checks and status, which never take it). */
    public static boolean isHeld(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
