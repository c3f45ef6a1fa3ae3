package dev.engine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "version", mixinStandardHelpOptions = true,
        description = {
            "Print the engine's version and the Java runtime it runs on.",
            "",
            "The same as `engine --version` and as -V after any command.",
        },
        footerHeading = "%nExamples:%n",
        footer = {"  engine version", "  engine status -V"})
final class VersionCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Override
    public Integer call() {
        for (String line : new Version().getVersion()) {
            root.ctx.out().println(line);
        }
        return 0;
    }
}
