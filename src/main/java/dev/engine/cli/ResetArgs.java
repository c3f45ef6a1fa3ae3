package dev.engine.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The bash loop was driven as {@code bootstrap_loop.sh talos --reset} and {@code --reset talos};
 * operators keep typing that. Rewrites both spellings to {@code reset talos}, keeping global
 * options (and their values) where they were.
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
        if (!positional.isEmpty() && positional.get(0).equals("reset")) {
            positional.remove(0);
        }
        List<String> out = new ArrayList<>(globals);
        out.add("reset");
        out.addAll(positional);
        return out.toArray(String[]::new);
    }
}
