package dev.engine.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The console's per-start token (DESIGN.md §9): 256 random bits, made when watch or console
 * starts, kept in {@code state/console.token} (mode 0600, written whole) for the operator who lost
 * the URL it was printed in, and forgotten when the process ends. Actions need it; a console
 * listening beyond loopback needs it for every page.
 */
public final class ConsoleToken {
    public static final String FILE = "console.token";

    private final Path file;
    private final String value;

    private ConsoleToken(Path file, String value) {
        this.file = file;
        this.value = value;
    }

    public static ConsoleToken create(Path stateDir) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(FILE);
        // Created 0600 from the start (never widened later), then renamed over any older token.
        Path tmp = Files.createTempFile(stateDir, ".console-token-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, value + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new ConsoleToken(file, value);
    }

    public String value() {
        return value;
    }

    public Path file() {
        return file;
    }

    /** Compares in constant time, so response timing tells nothing about the token. */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the file if it still holds this token (another engine may have written its own since). */
    public void forget() {
        try {
            if (matches(Files.readString(file, StandardCharsets.US_ASCII).strip())) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            // a stale token file opens nothing: its token died with this process
        }
    }
}
