package dev.engine.cli;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {
            "Print a shell completion script for bash, zsh or fish.",
            "",
            "It completes commands, subcommands, options and the values of -o; the fish script also completes stage "
                    + "names and AI commits by asking `engine status` and `engine review` in the current directory. "
                    + "The zsh script is the bash one, which loads itself through zsh's bashcompinit.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  source <(engine completion bash)     in ~/.bashrc",
            "  engine completion bash > /etc/bash_completion.d/engine",
            "  source <(engine completion zsh)      in ~/.zshrc",
            "  engine completion fish > ~/.config/fish/completions/engine.fish",
        })
final class CompletionCommand implements Callable<Integer> {
    static final List<String> SHELLS = List.of("bash", "zsh", "fish");

    static final class Shells implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return SHELLS.iterator();
        }
    }

    @ParentCommand
    EngineCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", completionCandidates = Shells.class, description = "The shell: bash, zsh or fish.")
    String shell;

    @Override
    public Integer call() {
        if (!SHELLS.contains(shell)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "no completion for shell '" + shell + "'; choose bash, zsh or fish");
        }
        // The command line that ran this one holds only `completion` (Subcommands registers what
        // is named); the script needs every command.
        CommandLine full = new CommandLine(new EngineCommand(root.ctx));
        Subcommands.register(full, new String[0]);
        String script = switch (shell) {
            case "fish" -> FishCompletion.script("engine", full.getCommandSpec());
            case "zsh" -> "# zsh completion for engine: the bash script below enables zsh's bashcompinit itself.\n"
                    + AutoComplete.bash("engine", full);
            default -> AutoComplete.bash("engine", full);
        };
        root.ctx.out().print(script);
        return 0;
    }
}
