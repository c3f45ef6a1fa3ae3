package dev.engine.stage.ssh;

import dev.engine.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the engine connects over SSH.
 *
 * @param knownHosts the only source of trusted host keys; never written to
 * @param identityFile the one private key to use; when empty the user's default keys
 *                     ({@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa}) that exist
 * @param connectTimeout for the TCP connection and the SSH handshake together
 */
public record SshOptions(Path knownHosts, Optional<Path> identityFile, Duration connectTimeout) {
    public SshOptions {
        identityFile = identityFile == null ? Optional.empty() : identityFile;
        if (knownHosts == null || connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("knownHosts and a positive connectTimeout are required");
        }
    }

    public static SshOptions from(Settings settings) {
        return new SshOptions(settings.sshKnownHosts(), settings.sshIdentityFile(), settings.sshConnectTimeout());
    }

    /** The settings' defaults: what an operator gets without configuring anything. */
    public static SshOptions defaults() {
        return from(Settings.defaults());
    }
}
