package dev.engine.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a changed file is code a stage may execute: it has the exec bit or a {@code #!} line
 * (before or after the change), it is named like a script, or a stage runs or sources it. Anything
 * else is data (YAML, JSON, TOML read by talosctl, kubectl, flux) and re-runs at once.
 */
public final class CodeChanges {
    private static final Set<String> SCRIPT_EXTENSIONS = Set.of("sh", "bash", "zsh", "ksh", "fish", "py", "pl", "rb",
            "lua", "php", "tcl", "js", "mjs", "cjs", "ts", "ps1", "awk", "sed", "env", "bats", "mk");
    private static final Set<String> SCRIPT_NAMES = Set.of("makefile", "gnumakefile", "justfile", "taskfile.yml",
            "taskfile.yaml", ".envrc", "dockerfile", "containerfile", "rakefile", "vagrantfile");

    private CodeChanges() {}

    /** Why {@code c} is code, one reason per rule that says so; empty when it is data. */
    public static List<String> reasons(FileChange c, ExecutedFiles executed) {
        List<String> why = new ArrayList<>();
        if (c.executableBefore() || c.executableAfter()) {
            why.add(c.path() + " has the exec bit");
        }
        if (c.before().map(CodeChanges::shebang).orElse(false) || c.after().map(CodeChanges::shebang).orElse(false)) {
            why.add(c.path() + " starts with a #! line");
        }
        scriptName(c.path()).ifPresent(why::add);
        executed.why(c.path()).ifPresent(w -> why.add(c.path() + " is " + w));
        return why;
    }

    private static boolean shebang(String text) {
        return text.startsWith("#!") || text.startsWith("\uFEFF#!");
    }

    private static Optional<String> scriptName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (SCRIPT_NAMES.contains(name)) {
            return Optional.of(path + " is a build or shell file (" + name + ")");
        }
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && SCRIPT_EXTENSIONS.contains(name.substring(dot + 1))) {
            return Optional.of(path + " is a script (." + name.substring(dot + 1) + ")");
        }
        if (name.startsWith(".env")) {
            return Optional.of(path + " is an environment file a shell may source");
        }
        return Optional.empty();
    }
}
