package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.config.Settings;
import dev.engine.fingerprint.Fingerprinter;
import dev.engine.fingerprint.LogNormalizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "hash", mixinStandardHelpOptions = true,
        description = {
            "Print a log's fingerprint, the hash its failures are counted by.",
            "",
            "It hashes the last LOG_TAIL_LINES (100) non-empty lines after timestamps, durations, addresses, "
                    + "ephemeral ports, ids, pod suffixes, PIDs, restart and retry counters and temp paths are "
                    + "normalized, and repeated lines or rounds of lines are collapsed. Service ports (below 32768) "
                    + "and exit codes are kept. Only the end of the file is read.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine hash logs/talos/talos_20261206-190947_attempt3.log",
            "  engine hash --explain a.log     which tokens were normalized, line by line",
            "  diff <(engine hash --explain a.log) <(engine hash --explain b.log)",
        })
final class HashCommand implements Callable<Integer> {
    /** A raw line longer than this is cut when shown: it is context, the normalized line is the point. */
    static final int RAW_SHOWN_CHARS = 400;

    @ParentCommand
    EngineCommand root;

    @Parameters(paramLabel = "LOG_FILE", description = "The log file, e.g. logs/talos/talos_20261206-190947_attempt3.log.")
    Path log;

    @Option(names = "--explain", description = "Also print the normalized tail, and for each line the raw line it came from"
            + " and every token that was normalized, with its class (e.g. 10.0.0.5 -> <ip>).")
    boolean explain;

    @Override
    public Integer call() throws IOException, ConfigException {
        Path file = root.ctx.cwd().resolve(log).toAbsolutePath().normalize();
        if (!Files.exists(file)) {
            return refuse("log file " + file + " does not exist; give the path of a stage log, e.g. one listed by `engine status`");
        }
        if (!Files.isRegularFile(file)) {
            return refuse(file + " is not a regular file; give the path of a stage log file");
        }
        if (!Files.isReadable(file)) {
            return refuse("log file " + file + " cannot be read (permissions)");
        }
        Fingerprinter fingerprinter = new Fingerprinter(tailLines());
        PrintStream out = root.ctx.out();
        if (!explain) {
            out.println(fingerprinter.of(file).hash());
            return Main.OK;
        }
        Fingerprinter.Explanation e = fingerprinter.explain(file);
        out.println(e.fingerprint().hash());
        out.println("normalized tail (" + e.lines().size() + " lines, oldest first), each with the newest raw line it stands for"
                + " and the tokens normalized in it:");
        List<Fingerprinter.ExplainedLine> lines = e.lines();
        for (int i = 0; i < lines.size(); i++) {
            Fingerprinter.ExplainedLine line = lines.get(i);
            out.println(String.format("%4d  %s", i + 1, line.normalized()));
            String repeats = line.rawLines() > 1 ? " (newest of " + line.rawLines() + " raw lines collapsed into this one)" : "";
            out.println("        raw" + repeats + ": " + shown(line.newest().raw()));
            for (LogNormalizer.Change c : line.newest().changes()) {
                out.println("        " + shown(c.from()) + " \u2192 " + c.to() + "   [" + c.kind() + "]");
            }
        }
        return Main.OK;
    }

    private int refuse(String message) {
        root.ctx.err().println("engine hash: " + message);
        return Main.USAGE;
    }

    /**
     * A log line is untrusted: its control characters (an ANSI sequence could rewrite the
     * operator's terminal) are shown escaped, and a very long line is cut.
     */
    static String shown(String raw) {
        StringBuilder sb = new StringBuilder(Math.min(raw.length(), RAW_SHOWN_CHARS) + 16);
        for (int i = 0; i < raw.length() && sb.length() < RAW_SHOWN_CHARS; i++) {
            char c = raw.charAt(i);
            if (c == '\t') {
                sb.append(' ');
            } else if (Character.isISOControl(c)) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= RAW_SHOWN_CHARS && raw.length() > RAW_SHOWN_CHARS) {
            sb.append("\u2026 (").append(raw.length()).append(" chars)");
        }
        return sb.toString();
    }

    /** The home's setting when there is a home; hashing a stray log must not need one. */
    private int tailLines() throws ConfigException {
        try {
            return Sessions.open(root).settings().logTailLines();
        } catch (ConfigException e) {
            return Settings.resolve(Map.of(), root.ctx.env(), null).logTailLines();
        }
    }
}
