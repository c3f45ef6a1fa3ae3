package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.config.ConfigException;
import java.util.Map;
import java.util.Optional;

/** Opens the home a command line names, from the global options parsed once by {@link EngineCommand}. */
final class Sessions {
    private Sessions() {}

    static Session open(EngineCommand root) throws ConfigException {
        return open(root, Map.of());
    }

    static Session open(EngineCommand root, Map<String, String> settingFlags) throws ConfigException {
        return Session.open(new Session.Location(Optional.ofNullable(root.workspace), Optional.ofNullable(root.home), root.ctx.cwd()),
                root.ctx.env(), root.ctx.clock(), settingFlags);
    }
}
