package dev.engine.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bash loop was driven as {@code bootstrap_loop.sh talos --reset} and {@code --reset talos};
 * operators keep typing that. Rewrites both spellings to {@code reset talos}, keeping global
 * options (and their values) where they were. {@code engine run talos --reset} is read the same
 * way: the bash loop's {@code --reset} only reset, and {@link #note} says what to type to run.
 */
final class ResetArgs {
    private static final Set<String> GLOBAL_WITH_VALUE = Set.of("--home", "--workspace");

    private ResetArgs() {}

    static String[] rewrite(String[] args) {
        List<String> list = List.of(args);
        if (!list.contains("--reset")) {
            return args;
        }
        List<String> globals = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--reset")) {
                continue;
            }
            if (GLOBAL_WITH_VALUE.contains(a) && i + 1 < args.length) {
                globals.add(a);
                globals.add(args[++i]);
            } else if (a.startsWith("-")) {
                globals.add(a);
            } else {
                positional.add(a);
            }
        }
        if (!positional.isEmpty() && (positional.get(0).equals("reset") || positional.get(0).equals("run"))) {
            positional.remove(0);
        }
        List<String> out = new ArrayList<>(globals);
        out.add("reset");
        out.addAll(positional);
        return out.toArray(String[]::new);
    }

    /**
     * What to tell the user when the rewrite changed the meaning of what they typed: {@code run
     * talos --reset} resets talos and does not run it.
     */
    static Optional<String> note(String[] args) {
        List<String> list = List.of(args);
        if (!list.contains("--reset")) {
            return Optional.empty();
        }
        String[] rewritten = rewrite(args);
        List<String> stages = new ArrayList<>();
        boolean run = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (GLOBAL_WITH_VALUE.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                if (stages.isEmpty() && !run && a.equals("run")) {
                    run = true;
                } else {
                    stages.add(a);
                }
            }
        }
        if (!run || stages.isEmpty()) {
            return Optional.empty();
        }
        // rewritten is: globals, "reset", stages
        List<String> runLine = new ArrayList<>(List.of(rewritten));
        runLine.set(rewritten.length - stages.size() - 1, "run");
        return Optional.of("engine: `--reset` resets and runs nothing, as the bash loop's did: this is `engine "
                + String.join(" ", rewritten) + "`; then run " + (stages.size() == 1 ? "it" : "them") + " with `engine "
                + String.join(" ", runLine) + "`");
    }
}
