package dev.engine.cli;

import dev.engine.audit.AuditLog;
import dev.engine.config.ConfigException;
import dev.engine.config.ContextMap;
import dev.engine.config.ContextMapLoader;
import dev.engine.config.Layout;
import dev.engine.config.LayoutLocator;
import dev.engine.config.Settings;
import dev.engine.redact.Redaction;
import dev.engine.redact.Redactor;
import dev.engine.state.StateStore;
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
record Session(Layout layout, ContextMap map, Settings settings, StateStore state, AuditLog audit,
               Supplier<Redactor> redaction) {

    /** The map's stages, then any that only the state still knows (left by an older map). */
    java.util.List<String> knownStages() throws java.io.IOException {
        java.util.List<String> names = new java.util.ArrayList<>(map.stageNames());
        state.statuses().keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    /** The Redactor of this process (built now if nothing needed it yet). */
    Redactor redactor() {
        return redaction.get();
    }

    static Session open(EngineCommand root) throws ConfigException {
        return open(root, Map.of());
    }

    static Session open(EngineCommand root, Map<String, String> settingFlags) throws ConfigException {
        // Here, not at start-up: the commands that open a home are the ones that use git, and
        // setting it up costs help, version and hash ~100 ms of JGit initialisation for nothing.
        dev.engine.git.GitSystemConfig.useGitDefault(root.ctx.env());
        // Relative flags are relative to the caller's directory, which in tests is not the JVM's.
        Layout layout = LayoutLocator.locate(
                Optional.ofNullable(root.workspace).map(p -> root.ctx.cwd().resolve(p)),
                Optional.ofNullable(root.home).map(p -> root.ctx.cwd().resolve(p)),
                root.ctx.cwd());
        ContextMap map = ContextMapLoader.load(layout.contextMap());
        Settings settings = Settings.resolve(settingFlags, root.ctx.env(), map);
        Supplier<Redactor> redaction = Redaction.lazily(layout.stateDir(), layout.workspace(), root.ctx.env());
        UnaryOperator<String> redact = text -> redaction.get().redact(text);
        return new Session(layout, map, settings, new StateStore(layout.stateDir(), redact),
                new AuditLog(layout.stateDir(), root.ctx.clock(), redact), redaction);
    }
}
