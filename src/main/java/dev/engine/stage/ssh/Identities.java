package dev.engine.stage.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The private keys offered to the server, and a description of them for error messages: paths,
 * key types and why a key was skipped; never key contents.
 */
final class Identities {
    static final List<String> DEFAULT_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final List<String> offered = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<Path> candidates;

    private Identities(List<Path> candidates) {
        this.candidates = List.copyOf(candidates);
    }

    /**
     * Adds every usable key to {@code jsch}: the configured identity file only, or else the
     * user's default keys that exist (like OpenSSH, minus the agent and passphrase prompts).
     */
    static Identities load(JSch jsch, Optional<Path> configured, Path userHome) {
        List<Path> candidates = configured.map(List::of).orElseGet(() ->
                DEFAULT_NAMES.stream().map(n -> userHome.resolve(".ssh").resolve(n)).filter(Files::exists).toList());
        Identities ids = new Identities(configured.isPresent() ? candidates
                : DEFAULT_NAMES.stream().map(n -> userHome.resolve(".ssh").resolve(n)).toList());
        for (Path key : candidates) {
            ids.add(jsch, key);
        }
        return ids;
    }

    private void add(JSch jsch, Path key) {
        if (!Files.isRegularFile(key)) {
            skipped.add(key + " (no such file)");
            return;
        }
        if (!Files.isReadable(key)) {
            skipped.add(key + " (not readable by this user)");
            return;
        }
        KeyPair pair;
        try {
            pair = KeyPair.load(jsch, key.toString());
        } catch (JSchException e) {
            // JSch's own message may quote parts of the file; the path and a reason are enough.
            skipped.add(key + " (not a private key this engine can read)");
            return;
        }
        try {
            String type = pair.getKeyTypeString();
            if (pair.isEncrypted()) {
                skipped.add(key + " (" + type + ", passphrase-protected: not supported, use a key without a passphrase"
                        + " for the engine)");
                return;
            }
            jsch.addIdentity(key.toString());
            offered.add(key + " (" + type + ")");
        } catch (JSchException e) {
            skipped.add(key + " (could not be loaded)");
        } finally {
            pair.dispose();
        }
    }

    boolean isEmpty() {
        return offered.isEmpty();
    }

    /** For error messages: what was offered and what was skipped, and why. */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (offered.isEmpty()) {
            b.append("no key could be offered");
            if (skipped.isEmpty()) {
                b.append(": none of ").append(candidates.stream().map(Path::toString).toList()).append(" exists");
            }
        } else {
            b.append("keys offered: ").append(String.join(", ", offered));
        }
        if (!skipped.isEmpty()) {
            b.append("; skipped: ").append(String.join(", ", skipped));
        }
        return b.toString();
    }
}
