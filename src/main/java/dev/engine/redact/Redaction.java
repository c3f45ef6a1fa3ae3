package dev.engine.redact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

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
}
