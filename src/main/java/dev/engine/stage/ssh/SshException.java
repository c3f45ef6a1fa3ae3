package dev.engine.stage.ssh;

import java.io.IOException;

/**
 * An SSH stage could not run its command to an end. The first line of the message starts with
 * {@link #kind()}, a fixed phrase per subclass, so each kind of failure leaves its own line in
 * the stage log (and so its own fingerprint); the following lines say what to do about it.
 * Messages never contain key material, only paths, key types and public fingerprints.
 */
public class SshException extends IOException {
    private final String kind;

    public SshException(String message) {
        this("ssh error", message, null);
    }

    SshException(String kind, String message, Throwable cause) {
        super(kind + " " + message, cause);
        this.kind = kind;
    }

    /** The fixed phrase that starts the message, e.g. {@code unknown host key}. */
    public String kind() {
        return kind;
    }

    /** The first line of the message: what went wrong, without the advice. */
    public String summary() {
        String m = getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The server's host key is not in known_hosts. The engine never adds it by itself. */
    public static final class UnknownHostKey extends SshException {
        private final String offeredFingerprint;

        UnknownHostKey(String message, String offeredFingerprint) {
            super("unknown host key for", message, null);
            this.offeredFingerprint = offeredFingerprint;
        }

        /** {@code SHA256:...} of the key the server offered, as {@code ssh-keygen -lf} prints it. */
        public String offeredFingerprint() {
            return offeredFingerprint;
        }
    }

    /** known_hosts has a different key of the same type for the host: possibly a man-in-the-middle. */
    public static final class ChangedHostKey extends SshException {
        ChangedHostKey(String message) {
            super("host key CHANGED for", message, null);
        }
    }

    /** The server accepted none of the keys the engine offered. */
    public static final class AuthFailed extends SshException {
        AuthFailed(String message) {
            super("authentication failed for", message, null);
        }
    }

    /** No SSH server answered: connection refused, no route, unknown name, or connect timeout. */
    public static final class Unreachable extends SshException {
        Unreachable(String message, Throwable cause) {
            super("cannot reach", message, cause);
        }
    }

    /** The connection was lost while the command ran; the remote command may still be running. */
    public static final class ConnectionDropped extends SshException {
        ConnectionDropped(String message) {
            super("connection lost to", message, null);
        }
    }

    /** Anything else the SSH layer refused (no common algorithm, a revoked host key, a protocol error). */
    static SshException other(String message, Throwable cause) {
        return new SshException("ssh error", message, cause);
    }
}
