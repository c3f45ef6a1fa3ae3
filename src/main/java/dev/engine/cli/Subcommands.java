package dev.engine.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The engine's subcommands, registered only when needed. picocli builds each command's model by
 * reflection when it is added, which for all of them cost about a quarter of {@code engine status}'s
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
        m.put("report", ReportCommand.class);
        m.put("hash", HashCommand.class);
        m.put("case", CaseCommand.class);
        m.put("validate", ValidateCommand.class);
        m.put("adopt", AdoptCommand.class);
        m.put("patch", PatchCommand.class);
        m.put("review", ReviewCommand.class);
        m.put("demo", DemoCommand.class);
        m.put("watch", WatchCommand.class);
        m.put("completion", CompletionCommand.class);
        m.put("version", VersionCommand.class);
        m.put("console", ConsoleCommand.class);
        return Collections.unmodifiableMap(m);
    }

    static void register(CommandLine root, String[] args) {
        Optional<String> named = named(args);
        ALL.forEach((name, type) -> {
            if (named.isEmpty() || named.get().equals(name)) {
                root.addSubcommand(name, type);
            }
        });
        conventions(root);
    }

    /**
     * What every command shares. {@code -V} prints the engine's version: picocli gives every
     * command with the standard help options a -V, but prints that command's own version, which
     * subcommands do not have, so {@code engine status -V} printed nothing and exited 0. And help
     * is as wide as the terminal, as the engine's own is, instead of 80 columns.
     */
    private static void conventions(CommandLine parent) {
        for (CommandLine sub : parent.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null && sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(new Version());
            }
            sub.getCommandSpec().usageMessage().autoWidth(parent.getCommandSpec().usageMessage().autoWidth());
            conventions(sub);
        }
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
