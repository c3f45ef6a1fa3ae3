package dev.engine.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the workspace and home (DESIGN.md §2) the way a user expects from running inside a repo:
 * flags win, otherwise the enclosing git repository, with {@code context_map.yaml} at its root or
 * in {@code ai/} as the bash loop had it.
 */
public final class LayoutLocator {
    private static final String CONTEXT_MAP = "context_map.yaml";

    private LayoutLocator() {}

    /**
     * @param cwd the directory the engine was started in; relative flags are resolved against it
     * @throws ConfigException when no workspace or home can be found, or a flag names a missing directory
     */
    public static Layout locate(Optional<Path> workspaceFlag, Optional<Path> homeFlag, Path cwd) throws ConfigException {
        Path base = cwd.toAbsolutePath().normalize();
        Path workspace = workspaceFlag.isPresent()
                ? existingDir(base.resolve(workspaceFlag.get()).normalize(), "--workspace")
                : gitTopLevel(base).orElseThrow(() -> problem("", "not inside a git repository (looked upward from "
                        + base + "); use --workspace DIR"));
        Path home;
        if (homeFlag.isPresent()) {
            home = existingDir(base.resolve(homeFlag.get()).normalize(), "--home");
        } else if (Files.isRegularFile(workspace.resolve(CONTEXT_MAP))) {
            home = workspace;
        } else if (Files.isRegularFile(workspace.resolve("ai").resolve(CONTEXT_MAP))) {
            home = workspace.resolve("ai");
        } else {
            throw problem("", "no " + CONTEXT_MAP + " found; looked for " + workspace.resolve(CONTEXT_MAP)
                    + " and " + workspace.resolve("ai").resolve(CONTEXT_MAP) + "; use --home DIR to point at the folder that has it");
        }
        return new Layout(workspace, home);
    }

    /**
     * The nearest directory at or above {@code dir} holding {@code .git}. A {@code .git} file counts
     * too: linked worktrees and submodules have one, and their top level is where it sits.
     */
    static Optional<Path> gitTopLevel(Path dir) {
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git"))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static Path existingDir(Path dir, String flag) throws ConfigException {
        if (!Files.isDirectory(dir)) {
            throw problem(flag, Files.exists(dir) ? "not a directory: " + dir : "directory does not exist: " + dir);
        }
        return dir;
    }

    private static ConfigException problem(String field, String message) {
        return new ConfigException(null, 0, field, message);
    }
}
