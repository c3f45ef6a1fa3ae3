package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.config.Settings;
import dev.engine.fingerprint.Fingerprint;
import dev.engine.fingerprint.Fingerprinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "hash", mixinStandardHelpOptions = true,
        description = {
            "Print the fingerprint of a log: a hash of its last LOG_TAIL_LINES (100) non-empty lines after",
            "timestamps, durations, addresses, ids, pod suffixes, PIDs, retry counters and temp paths are",
            "normalized. Only the end of the file is read, whatever its size.",
        })
final class HashCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Parameters(paramLabel = "LOG", description = "The log file.")
    Path log;

    @Option(names = "--explain", description = "Also print the normalized tail the hash is computed from.")
    boolean explain;

    @Override
    public Integer call() throws IOException, ConfigException {
        Path file = root.ctx.cwd().resolve(log);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, 0, "LOG", "no such file");
        }
        Fingerprint fp = new Fingerprinter(tailLines()).of(file);
        root.ctx.out().println(fp.hash());
        if (explain) {
            root.ctx.out().println("normalized tail (" + fp.normalizedTail().size() + " lines):");
            fp.normalizedTail().forEach(l -> root.ctx.out().println("  " + l));
        }
        return 0;
    }

    /** The home's setting when there is a home; hashing a stray log must not need one. */
    private int tailLines() throws ConfigException {
        try {
            return Session.open(root).settings().logTailLines();
        } catch (ConfigException e) {
            return Settings.resolve(Map.of(), root.ctx.env(), null).logTailLines();
        }
    }
}
