package dev.engine.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the workspace and home (DESIGN.md §2) the way a user expects from running inside a repo:
 * flags win, otherwise the enclosing git repository, with {@code context_map.yaml} at its root or
 * in {@code ai/} as the bash loop had it.
 */
public final class LayoutLocator {
    private static final String CONTEXT_MAP = "context_map.yaml";
    /**
     * Folders whose entries have fixed names the engine opens and appends to (state/audit.jsonl,
     * the lock, the key; logs/&lt;stage&gt;/): a symlink planted there is followed. escalations/ and
     * patches/ get fresh names written by rename, which replaces a link instead of following it
     * (and a killed executor's scratch link there is cleaned up by recovery).
     */
    private static final List<String> WRITTEN_THROUGH = List.of("state", "logs");

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
        Layout layout = new Layout(workspace, home);
        checkRuntimeFolders(layout);
        return layout;
    }

    /**
     * state/, logs/, escalations/ and patches/ are where the engine writes its key, state, logs and
     * case files. A repository can commit any of them as a symlink (or plant one inside state/ or
     * logs/), and every write would then land wherever it points. Checked before anything is written (the lock and
     * the redaction key included), so a refusal leaves no trace.
     */
    static void checkRuntimeFolders(Layout layout) throws ConfigException {
        Path home = layout.home();
        List<ConfigProblem> problems = new ArrayList<>();
        Path realHome;
        try {
            realHome = home.toRealPath();
        } catch (IOException e) {
            throw problem("--home", "cannot resolve the home " + home + ": " + e.getMessage());
        }
        for (Path dir : List.of(layout.stateDir(), layout.logsDir(), layout.escalationsDir(), layout.patchesDir())) {
            String name = dir.getFileName().toString();
            try {
                if (Files.isSymbolicLink(dir)) {
                    problems.add(runtimeProblem(layout, dir, "is a symlink (to " + Files.readSymbolicLink(dir) + ")"));
                } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        problems.add(runtimeProblem(layout, dir, "is a file, not a folder"));
                    } else if (!dir.toRealPath().startsWith(realHome)) {
                        problems.add(runtimeProblem(layout, dir, "resolves outside the home (to " + dir.toRealPath() + ")"));
                    } else if (WRITTEN_THROUGH.contains(name)) {
                        try (Stream<Path> entries = Files.list(dir)) {
                            for (Path e : (Iterable<Path>) entries::iterator) {
                                if (Files.isSymbolicLink(e)) {
                                    problems.add(runtimeProblem(layout, e, "is a symlink (to " + Files.readSymbolicLink(e) + ")"));
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                problems.add(new ConfigProblem(null, 0, name + "/", "cannot inspect " + dir + ": " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static ConfigProblem runtimeProblem(Layout layout, Path p, String what) {
        String rel = layout.home().relativize(p).toString();
        String inRepo = layout.workspace().relativize(p).toString();
        return new ConfigProblem(null, 0, rel, what + "; the engine writes its runtime files there and will not"
                + " follow it out of the home " + layout.home() + ". Remove it (`rm " + p + "`; if git tracks it, `git rm --cached "
                + inRepo + "` and add `" + rel.split("/")[0] + "/` to .gitignore), then run again: the engine makes a real folder.");
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
