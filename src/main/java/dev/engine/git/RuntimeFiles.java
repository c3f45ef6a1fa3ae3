package dev.engine.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The home's runtime folders (state/, logs/, escalations/, patches/) as paths inside the workspace
 * repository: what the engine writes and owns, whatever git thinks of it. The bash loop committed
 * some of these files; until {@code engine adopt} stops tracking them, they must not count as the
 * user's uncommitted work.
 *
 * @param folders workspace-relative, '/'-separated, without a trailing slash ({@code ai/state})
 */
public record RuntimeFiles(List<String> folders) {
    /** The runtime folders of a home, in the order of DESIGN.md §2. */
    public static final List<String> NAMES = List.of("state", "logs", "escalations", "patches");

    public RuntimeFiles {
        folders = List.copyOf(folders);
    }

    /** The folders of {@code home} inside {@code workspace}; none when the home is outside it. */
    public static RuntimeFiles of(Path workspace, Path home) {
        Path ws = workspace.toAbsolutePath().normalize();
        Path h = home.toAbsolutePath().normalize();
        List<String> out = new ArrayList<>();
        if (h.startsWith(ws)) {
            for (String name : NAMES) {
                out.add(ws.relativize(h.resolve(name)).toString().replace('\\', '/'));
            }
        }
        return new RuntimeFiles(out);
    }

    /** Whether the workspace-relative {@code path} is one of the folders or lies inside one. */
    public boolean owns(String path) {
        for (String f : folders) {
            if (path.equals(f) || path.startsWith(f + "/")) return true;
        }
        return false;
    }

    /** gitignore lines for the folders, anchored at the repository root ({@code /ai/state/}). */
    public List<String> ignoreRules() {
        return folders.stream().map(f -> "/" + f + "/").toList();
    }
}
