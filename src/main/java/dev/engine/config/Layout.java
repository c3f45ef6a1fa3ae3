package dev.engine.config;

import java.nio.file.Path;

/**
 * Where things live (DESIGN.md §2): the workspace is the git repository being converged, the
 * home holds {@code context_map.yaml} and the runtime folders.
 */
public record Layout(Path workspace, Path home) {
    public Layout {
        workspace = workspace.toAbsolutePath().normalize();
        home = home.toAbsolutePath().normalize();
    }

    public Path contextMap() { return home.resolve("context_map.yaml"); }
    public Path memo() { return home.resolve("master_memo.md"); }
    public Path stateDir() { return home.resolve("state"); }
    public Path logsDir() { return home.resolve("logs"); }
    public Path escalationsDir() { return home.resolve("escalations"); }
    public Path patchesDir() { return home.resolve("patches"); }
    /** The checkout of the AI branch tip that stage commands run in (git-ignored with the rest of state/). */
    public Path checkoutDir() { return stateDir().resolve("checkout"); }
    public Path diagnosticsLogsDir() { return logsDir().resolve("diagnostics"); }
    public Path executorLogsDir() { return logsDir().resolve("executor"); }
}
