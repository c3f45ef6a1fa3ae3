package dev.engine.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;

/** Writes small context maps for tests and loads them. */
final class Yamls {
    private Yamls() {}

    static Path write(Path dir, String yaml) {
        try {
            return Files.writeString(dir.resolve("context_map.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ContextMap load(Path dir, String yaml) throws ConfigException {
        return ContextMapLoader.load(write(dir, yaml));
    }

    /** Loads a file that must fail and returns the problems it reported. */
    static ConfigException failure(Path dir, String yaml) {
        try {
            ContextMapLoader.load(write(dir, yaml));
        } catch (ConfigException e) {
            return e;
        }
        return Assertions.fail("expected the file to be rejected:\n" + yaml);
    }
}
