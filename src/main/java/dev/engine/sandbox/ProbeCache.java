package dev.engine.sandbox;

import dev.engine.state.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A successful sandbox trial, remembered for the processes that follow. The key holds everything
 * that decides whether bubblewrap can start here: the boot (a reboot may change the kernel or its
 * settings), the bubblewrap binary (path, size, modification time), the user, the kernel's user
 * namespace settings, and the arguments every sandbox starts from. A different key, a file older
 * than {@link #MAX_AGE}, or anything unreadable means a new trial; a failed trial is never
 * remembered, so a fix (installing bubblewrap, a sysctl) is seen by the next command.
 *
 * <p>The file lives in the home's {@code state/}, which contained processes see read-only.
 */
final class ProbeCache {
    static final Duration MAX_AGE = Duration.ofHours(24);
    private static final List<String> KERNEL_SETTINGS = List.of("/proc/sys/kernel/random/boot_id",
            "/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/user/max_user_namespaces",
            "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "/proc/sys/kernel/osrelease");

    private final Path file;
    private final boolean write;

    ProbeCache(Path file, boolean write) {
        this.file = file;
        this.write = write;
    }

    /** The key for a trial of {@code bwrap} started with {@code base}; empty if something that decides it cannot be read. */
    static Optional<String> key(Path bwrap, List<String> base) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            Path real = bwrap.toRealPath();
            add(d, real.toString());
            add(d, Long.toString(Files.size(real)));
            add(d, Long.toString(Files.getLastModifiedTime(real).toMillis()));
            add(d, String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
            for (String setting : KERNEL_SETTINGS) {
                Path p = Path.of(setting);
                add(d, setting + "=" + (Files.isReadable(p) ? Files.readString(p, StandardCharsets.UTF_8).strip() : "-"));
            }
            add(d, String.join("\u0000", base));
            return Optional.of(HexFormat.of().formatHex(d.digest()));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void add(MessageDigest d, String part) {
        d.update(part.getBytes(StandardCharsets.UTF_8));
        d.update((byte) '\n');
    }

    boolean holds(String key) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            FileTime at = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
            Instant now = Instant.now();
            if (at.toInstant().isAfter(now) || Duration.between(at.toInstant(), now).compareTo(MAX_AGE) > 0) {
                return false;
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip().equals("ok " + key);
        } catch (IOException e) {
            return false;
        }
    }

    /** Best effort: a result that cannot be written is found out again next time. */
    void remember(String key) {
        if (!write) {
            return;
        }
        try {
            // a lost record only costs a trial: the rename need not survive a power loss
            AtomicFiles.write(file, ("ok " + key + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.Sync.CONTENT);
        } catch (IOException e) {
            // next process tries again
        }
    }
}
