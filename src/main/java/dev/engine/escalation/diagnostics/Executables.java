package dev.engine.escalation.diagnostics;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a command on the PATH of the environment the diagnostic will get. Java's process
 * launcher would search the engine's own PATH instead, so the lookup is done here and the
 * process gets an absolute path. Relative PATH entries (and the empty one, which means the
 * current directory) are skipped: the current directory is a workspace a model can write to.
 */
final class Executables {
    private Executables() {}

    static Optional<Path> resolve(String command, Map<String, String> env, Path cwd) {
        try {
            if (command.contains("/")) {
                return executable(cwd.resolve(command));
            }
            String path = env.get("PATH");
            if (path == null || command.isEmpty()) {
                return Optional.empty();
            }
            for (String dir : path.split(":")) {
                if (dir.isEmpty() || !Path.of(dir).isAbsolute()) {
                    continue;
                }
                Optional<Path> found = executable(Path.of(dir).resolve(command));
                if (found.isPresent()) {
                    return found;
                }
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Path> executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
    }
}
