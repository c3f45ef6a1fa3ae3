package dev.engine.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The engine's subcommands, registered only when needed. picocli builds each command's model by
 * reflection when it is added, which for all eleven cost about a quarter of {@code engine status}'s
 * start-up; a command line that names one subcommand gets only that one. Help, version, a mistyped
 * name or anything unclear gets all of them, so usage and error messages stay complete.
 */
final class Subcommands {
    /** Name to class, in the order the usage lists them; each name is the class's {@code @Command(name)} (a test checks). */
    static final Map<String, Class<?>> ALL = all();

    private Subcommands() {}

    private static Map<String, Class<?>> all() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("run", RunCommand.class);
        m.put("status", StatusCommand.class);
        m.put("reset", ResetCommand.class);
        m.put("audit", AuditCommand.class);
        m.put("hash", HashCommand.class);
        m.put("case", CaseCommand.class);
        m.put("validate", ValidateCommand.class);
        m.put("patch", PatchCommand.class);
        m.put("review", ReviewCommand.class);
        m.put("demo", DemoCommand.class);
        m.put("watch", WatchCommand.class);
        m.put("console", ConsoleCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

    static void register(CommandLine root, String[] args) {
        Optional<String> named = named(args);
        ALL.forEach((name, type) -> {
            if (named.isEmpty() || named.get().equals(name)) {
                root.addSubcommand(name, type);
            }
        });
    }

    /** The subcommand the arguments name after the engine's own options; empty when that is not plain. */
    static Optional<String> named(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--home") || a.equals("--workspace")) {
                i++;
            } else if (a.startsWith("--home=") || a.startsWith("--workspace=") || a.equals("--verbose") || a.equals("--no-color")) {
                continue;
            } else {
                return ALL.containsKey(a) ? Optional.of(a) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
