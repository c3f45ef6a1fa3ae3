package dev.engine.redact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The usual way to get a {@link Redactor}: the home's key and the engine's own environment. */
public final class Redaction {
    private Redaction() {}

    /** Redactor keyed by {@code stateDir/redaction.key} (created if absent), aware of this process's environment. */
    public static Redactor forState(Path stateDir) throws IOException {
        return forState(stateDir, System.getenv());
    }

    public static Redactor forState(Path stateDir, Map<String, String> env) throws IOException {
        return Redactor.create(RedactionKey.loadOrCreate(stateDir), env);
    }
}
