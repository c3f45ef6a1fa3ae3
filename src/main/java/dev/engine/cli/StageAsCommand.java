package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.config.ContextMapLoader;
import dev.engine.config.Layout;
import dev.engine.config.LayoutLocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The bash loop ran a stage as {@code bootstrap_loop.sh talos}; typed as {@code engine talos} it
 * is no command, and picocli would suggest the command names closest to "talos". When the words
 * are stages of this home (or {@code all}), the message says exactly what to type instead. The
 * stage is not run from a guess: a stage creates VMs and bootstraps clusters.
 */
final class StageAsCommand implements IParameterExceptionHandler {
    private final EngineCommand root;
    private final IParameterExceptionHandler fallback;

    StageAsCommand(EngineCommand root, IParameterExceptionHandler fallback) {
        this.root = root;
        this.fallback = fallback;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) throws Exception {
        Optional<String> hint = ex instanceof UnmatchedArgumentException u && ex.getCommandLine().getCommand() == root
                ? hint(u.getUnmatched()) : Optional.empty();
        if (hint.isEmpty()) {
            return fallback.handleParseException(ex, args);
        }
        root.ctx.err().println(hint.get());
        return Main.USAGE;
    }

    /** The message for unmatched words that are all stage names; empty when any is not. */
    Optional<String> hint(List<String> unmatched) {
        List<String> words = unmatched.stream().filter(w -> !w.startsWith("-")).toList();
        if (words.isEmpty()) {
            return Optional.empty();
        }
        Set<String> stages;
        try {
            Layout layout = LayoutLocator.locate(
                    Optional.ofNullable(root.workspace).map(p -> root.ctx.cwd().resolve(p)),
                    Optional.ofNullable(root.home).map(p -> root.ctx.cwd().resolve(p)),
                    root.ctx.cwd());
            stages = Set.copyOf(ContextMapLoader.load(layout.contextMap()).stageNames());
        } catch (ConfigException | RuntimeException noHome) {
            return Optional.empty();
        }
        if (!words.stream().allMatch(w -> stages.contains(w) || w.equals("all"))) {
            return Optional.empty();
        }
        List<String> line = new ArrayList<>(globals());
        line.add("run");
        line.addAll(words);
        String what = words.size() == 1 ? (words.get(0).equals("all") ? "'all' means every stage" : "'" + words.get(0) + "' is a stage")
                : "'" + String.join(" ", words) + "' are stages";
        return Optional.of("engine: " + what + ", not a command; run " + (words.size() == 1 ? "it" : "them") + " with `engine "
                + String.join(" ", line) + "` (`engine status` shows where each stands)");
    }

    /** The global options as given, so the line to type names the same home. */
    private List<String> globals() {
        List<String> out = new ArrayList<>();
        if (root.workspace != null) {
            out.add("--workspace");
            out.add(root.workspace.toString());
        }
        if (root.home != null) {
            out.add("--home");
            out.add(root.home.toString());
        }
        return out;
    }

    /** Installs the handler on {@code cl}, keeping picocli's for every other mistake. */
    static void install(CommandLine cl, EngineCommand root) {
        cl.setParameterExceptionHandler(new StageAsCommand(root, cl.getParameterExceptionHandler()));
    }
}
