package dev.engine.cli;

import dev.engine.app.Io;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "engine",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Drives a git repository of homelab infrastructure to green, stage by stage.",
            "",
            "A stage is a command from context_map.yaml. When it fails, the engine fingerprints the error, lets the "
                    + "local executor try a fix while the failure is new, then gives up or escalates to a model. Fixes "
                    + "land as commits on the AI branch for a human to review. State lives in the home's state/ folder; "
                    + "every decision is in state/audit.jsonl.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine validate                 check configuration, tools and git first",
            "  engine run all                  converge every stage in dependency order",
            "  engine status -w                follow the stages as they change",
            "  engine review                   the AI commits waiting for a human",
            "  engine report talos > inc.md    the talos stage's last incident",
            "  source <(engine completion bash)",
            "",
            "Exit codes:",
            "  0  success: all requested stages green (also after a stop by a signal)",
            "  1  a stage is not green (failed, give_up)",
            "  2  usage or configuration error (the message names file, line and field)",
            "  3  another engine holds the lock on this home",
            "",
            "Also accepted: `engine <stage> --reset` and `engine --reset <stage>`.",
        })
// The subcommands are registered by Subcommands, not listed here: see why there.
public final class EngineCommand implements Runnable {
    final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Folder with context_map.yaml and the runtime folders (default: the workspace root, else its ai/ folder).")
    Path home;

    @Option(names = "--workspace", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "The git repository being converged (default: the git top level of the current directory).")
    Path workspace;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Copy stage output to the terminal; print stack traces on internal errors.")
    boolean verbose;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "No colours or terminal control codes (also when NO_COLOR is set).")
    boolean noColor;

    public EngineCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    /** What the engine takes from this command line's process (dev.engine.app knows nothing of picocli). */
    Io io() {
        return new Io(ctx.env(), ctx.out(), ctx.err(), ctx.clock(), ctx.cancellation(), interactive(), verbose);
    }

    boolean interactive() {
        return ctx.interactive() && !noColor && !ctx.env().containsKey("NO_COLOR");
    }
}
