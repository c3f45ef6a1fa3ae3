package dev.engine.app;

import dev.engine.audit.AuditLog;
import dev.engine.config.ConfigException;
import dev.engine.config.ContextMap;
import dev.engine.config.ContextMapLoader;
import dev.engine.config.Layout;
import dev.engine.config.LayoutLocator;
import dev.engine.config.Settings;
import dev.engine.git.GitSystemConfig;
import dev.engine.redact.Redaction;
import dev.engine.redact.Redactor;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A command's view of one home: where it is, its configuration and its state.
 *
 * @param redaction the process's one {@link Redactor} (the workspace's known values and the
 *     environment's), built on first use: the audit trail and the stage reasons written through
 *     this session are redacted with it, so a command that only reads never builds it
 */
public record Session(Layout layout, ContextMap map, Settings settings, StateStore state, AuditLog audit,
               Supplier<Redactor> redaction) {

    /** The map's stages, then any that only the state still knows (left by an older map). */
    public List<String> knownStages() throws IOException {
        List<String> names = new ArrayList<>(map.stageNames());
        state.statuses().keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    /** The Redactor of this process (built now if nothing needed it yet). */
    public Redactor redactor() {
        return redaction.get();
    }

    /**
     * Where a command looks for its home: the {@code --workspace} and {@code --home} flags (relative
     * to {@code cwd}, the caller's directory), else found from {@code cwd}.
     */
    public record Location(Optional<Path> workspace, Optional<Path> home, Path cwd) {}

    /**
     * Opens the home: layout, context map, settings (flag &gt; environment &gt; engine block &gt;
     * default), state and audit trail, and a Redactor built on first use.
     */
    public static Session open(Location where, Map<String, String> env, Clock clock, Map<String, String> settingFlags)
            throws ConfigException {
        // Here, not at start-up: the commands that open a home are the ones that use git, and
        // setting it up costs help, version and hash ~100 ms of JGit initialisation for nothing.
        GitSystemConfig.useGitDefault(env);
        // Relative flags are relative to the caller's directory, which in tests is not the JVM's.
        Layout layout = LayoutLocator.locate(where.workspace().map(p -> where.cwd().resolve(p)),
                where.home().map(p -> where.cwd().resolve(p)), where.cwd());
        ContextMap map = ContextMapLoader.load(layout.contextMap());
        Settings settings = Settings.resolve(settingFlags, env, map);
        Supplier<Redactor> redaction = Redaction.lazily(layout.stateDir(), layout.workspace(), env);
        UnaryOperator<String> redact = text -> redaction.get().redact(text);
        return new Session(layout, map, settings, new StateStore(layout.stateDir(), redact),
                new AuditLog(layout.stateDir(), clock, redact), redaction);
    }
}
