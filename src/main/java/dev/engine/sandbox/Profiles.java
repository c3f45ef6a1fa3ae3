package dev.engine.sandbox;

import dev.engine.config.StageSandbox;
import dev.engine.config.StageSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The containment profiles of one home (DESIGN.md §8):
 * <ul>
 * <li>a stage (its command and success checks) writes only its clone, a private /tmp and the
 *     paths its {@code sandbox: writable:} names; the home's {@code state/}, {@code logs/},
 *     {@code escalations/} and {@code patches/} are hidden, everything else is read-only;</li>
 * <li>a diagnostic sees the same, but its clone read-only;</li>
 * <li>the executor writes only its scratch clone (and {@code executor_writable}); the whole
 *     workspace is hidden from it except the repository's objects its clone borrows and the
 *     bundle it is given.</li>
 * </ul>
 *
 * @param objects the workspace repository's objects folder (a clone borrows it, read-only)
 * @param userHome for {@code ~/} in writable paths
 */
public record Profiles(Path workspace, Path home, Path objects, String userHome, List<Path> pathDirs) {
    private static final List<String> RUNTIME = List.of("state", "logs", "escalations", "patches");

    public static Profiles of(Path workspace, Path home, Path objects, Map<String, String> env) {
        List<Path> path = new ArrayList<>();
        for (String dir : env.getOrDefault("PATH", "").split(":")) {
            if (dir.startsWith("/")) {
                path.add(Path.of(dir));
            }
        }
        return new Profiles(workspace.toAbsolutePath().normalize(), home.toAbsolutePath().normalize(),
                objects.toAbsolutePath().normalize(), env.getOrDefault("HOME", System.getProperty("user.home")), List.copyOf(path));
    }

    public Containment stage(StageSpec stage, Path clone) {
        StageSandbox s = stage.sandbox();
        if (s.off()) {
            return Containment.off("sandbox: off for stage " + stage.name() + " in context_map.yaml");
        }
        List<Path> writable = new ArrayList<>();
        writable.add(clone);
        writable.addAll(expand(s.writable()));
        return Containment.of(visible(), runtimeDirs(), List.of(), writable);
    }

    public Containment diagnostics(StageSpec stage, Path clone) {
        StageSandbox s = stage.sandbox();
        if (s.off()) {
            return Containment.off("sandbox: off for stage " + stage.name() + " in context_map.yaml");
        }
        return Containment.of(visible(), runtimeDirs(), List.of(clone), expand(s.writable()));
    }

    /**
     * @param bundle the redacted case bundle it reads ($ENGINE_BUNDLE)
     * @param command the executor command line: absolute paths in it (its program) stay visible
     */
    public Containment executor(Path scratch, Path bundle, List<String> extraWritable, String command) {
        List<Path> hidden = new ArrayList<>(runtimeDirs());
        hidden.add(0, workspace);
        List<Path> writable = new ArrayList<>();
        writable.add(scratch);
        writable.addAll(expand(extraWritable));
        List<Path> visible = new ArrayList<>(pathDirs);
        visible.add(Path.of(userHome));
        for (String word : command.split("[\\s'\"=;|&()]+")) {
            if (word.startsWith("/") && !word.equals("/")) {
                visible.add(Path.of(word));
            }
        }
        // Shown first, hidden after: a program inside the workspace is still hidden from it.
        return Containment.of(visible, hidden, List.of(objects, bundle), writable);
    }

    /**
     * Shown read-only even under the private /tmp: the workspace, the home, the user's home folder
     * and the folders of PATH (the tools a stage calls).
     */
    private List<Path> visible() {
        List<Path> out = new ArrayList<>(List.of(workspace, home, Path.of(userHome)));
        out.addAll(pathDirs);
        return out;
    }

    private List<Path> runtimeDirs() {
        return RUNTIME.stream().map(home::resolve).toList();
    }

    private List<Path> expand(List<String> paths) {
        return paths.stream().map(p -> Path.of(p.equals("~") ? userHome : p.startsWith("~/") ? userHome + p.substring(1) : p))
                .toList();
    }
}
