package dev.engine.redact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.function.Supplier;

/** The usual ways to get the engine's one {@link Redactor}: the home's key and what the engine knows. */
public final class Redaction {
    private Redaction() {}

    /** Redactor keyed by {@code stateDir/redaction.key} (created if absent), aware of this process's environment. */
    public static Redactor forState(Path stateDir) throws IOException {
        return forState(stateDir, System.getenv());
    }

    public static Redactor forState(Path stateDir, Map<String, String> env) throws IOException {
        return Redactor.create(RedactionKey.loadOrCreate(stateDir), env);
    }

    /**
     * Redactor keyed by {@code stateDir/redaction.key} that also knows every secret value the
     * workspace holds ({@link KnownSecrets#collect}, bounded) and those of {@code env}. The one to
     * use for a run: build it once per process and pass it to every output channel.
     */
    public static Redactor forWorkspace(Path stateDir, Path workspace, Map<String, String> env) throws IOException {
        return Redactor.create(RedactionKey.loadOrCreate(stateDir), KnownSecrets.collect(workspace, env));
    }

    /**
     * Like {@link #forWorkspace} under a random key that is never stored: for a command that must
     * write nothing in a home that has no key yet ({@code patch check}). It finds the same
     * secrets; its placeholders match no other run's.
     */
    public static Redactor throwaway(Path workspace, Map<String, String> env) throws IOException {
        byte[] key = new byte[RedactionKey.LENGTH];
        new SecureRandom().nextBytes(key);
        return Redactor.create(key, KnownSecrets.collect(workspace, env));
    }

    /**
     * {@link #forWorkspace}, built on the first {@code get()} and then the same instance for the
     * life of the process. Collecting a large workspace takes about a second, and a command that
     * only reads (status, audit, review list) must neither pay it nor create the key; so the
     * process holds this and every channel asks it only when it has text to redact.
     *
     * @throws UncheckedIOException from {@code get()} when the key cannot be read or created
     */
    public static Supplier<Redactor> lazily(Path stateDir, Path workspace, Map<String, String> env) {
        Map<String, String> copy = Map.copyOf(env);
        return new Supplier<>() {
            private volatile Redactor built;

            @Override
            public Redactor get() {
                Redactor r = built;
                if (r == null) {
                    synchronized (this) {
                        r = built;
                        if (r == null) {
                            try {
                                r = forWorkspace(stateDir, workspace, copy);
                            } catch (IOException e) {
                                throw new UncheckedIOException("cannot set up redaction (state/" + RedactionKey.FILE_NAME
                                        + " in " + stateDir + "): " + e.getMessage(), e);
                            }
                            built = r;
                        }
                    }
                }
                return r;
            }

            @Override
            public String toString() {
                return built == null ? "Redactor (not built yet)" : "Redactor (built)";
            }
        };
    }
}
