package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.stage.Cancellation;
import dev.engine.state.LockHeldException;
import dev.engine.state.StateFileException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine;

/** Entry point of the {@code engine} launcher. */
public final class Main {
    public static final int OK = 0;
    public static final int NOT_GREEN = 1;
    public static final int USAGE = 2;
    public static final int LOCKED = 3;

    private Main() {}

    public static void main(String[] args) {
        CliContext ctx = new CliContext(LauncherKeys.withKeys(System.getenv()), Path.of("").toAbsolutePath(), System.out, System.err,
                Clock.systemUTC(), System.console() != null, true, new Cancellation());
        int code = execute(args, ctx);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line against {@code ctx}; returns the exit code of DESIGN.md §3. */
    public static int execute(String[] args, CliContext caller) {
        // The one place output is made safe for a terminal: model summaries, stage and log text
        // reach the user only through these two streams.
        CliContext ctx = caller.withStreams(TerminalSafe.wrap(caller.out()), TerminalSafe.wrap(caller.err()));
        try {
            return run(args, ctx);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    private static int run(String[] args, CliContext ctx) {
        String[] argv = ResetArgs.rewrite(args);
        EngineCommand root = new EngineCommand(ctx);
        CommandLine cl = new CommandLine(root);
        Subcommands.register(cl, argv);
        cl.setOut(new PrintWriter(ctx.out(), true));
        cl.setErr(new PrintWriter(ctx.err(), true));
        StageAsCommand.install(cl, root);
        ResetArgs.note(args).ifPresent(ctx.err()::println);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            int code = exitCode(ex);
            String prefix = code == USAGE ? "engine: configuration error:\n" : "engine: ";
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            ctx.err().println(prefix + (code == USAGE ? indent(msg) : msg));
            if (root.verbose) {
                ex.printStackTrace(ctx.err());
            } else if (code == NOT_GREEN) {
                ctx.err().println("engine: (run again with --verbose for the stack trace)");
            }
            return code;
        });
        return cl.execute(argv);
    }

    private static int exitCode(Exception ex) {
        if (ex instanceof ConfigException || ex instanceof StateFileException) {
            return USAGE;
        }
        if (ex instanceof LockHeldException) {
            return LOCKED;
        }
        return NOT_GREEN;
    }

    private static String indent(String msg) {
        return "  " + msg.replace("\n", "\n  ");
    }
}
