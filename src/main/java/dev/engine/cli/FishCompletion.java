package dev.engine.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

/**
 * The fish completion script of a command tree, written from picocli's model of it (picocli itself
 * writes bash only). fish completes by conditions on the words typed so far: each subcommand,
 * option and argument is one {@code complete -c} line whose condition names the subcommand path
 * it belongs to, found by a helper that skips the options and their values.
 */
final class FishCompletion {
    /** A full stop that ends a sentence: not the one of "e.g." or "i.e.", and a capital after it. */
    private static final Pattern SENTENCE_END = Pattern.compile("(?<!\\be\\.g|\\bi\\.e)\\.\\s+(?=[A-Z`])");

    private FishCompletion() {}

    static String script(String name, CommandSpec root) {
        StringBuilder out = new StringBuilder();
        String fn = "__" + name.replaceAll("[^A-Za-z0-9_]", "_");
        out.append("# fish completion for ").append(name).append(", written by `").append(name).append(" completion fish`.\n");
        out.append("# Install: ").append(name).append(" completion fish > ~/.config/fish/completions/").append(name).append(".fish\n\n");
        out.append(helpers(name, fn, valueOptions(root)));
        out.append("complete -c ").append(name).append(" -f\n");
        command(out, name, fn, root, List.of());
        return out.toString();
    }

    /** The functions the conditions call: the words past the engine's options, and the stage and commit names. */
    private static String helpers(String name, String fn, TreeSet<String> valueOptions) {
        return """
                function FN_args --description 'the words after NAME, without options and their values'
                    set -l words (commandline -opc)
                    set -e words[1]
                    set -l skip 0
                    for w in $words
                        if test $skip = 1
                            set skip 0
                            continue
                        end
                        switch $w
                            case VALUE_OPTIONS
                                set skip 1
                            case '-*'
                            case '*'
                                echo $w
                        end
                    end
                end

                function FN_at --description 'the words so far are exactly this subcommand path'
                    set -l args (FN_args)
                    test (count $args) -eq (count $argv); or return 1
                    for i in (seq (count $argv))
                        test "$args[$i]" = "$argv[$i]"; or return 1
                    end
                end

                function FN_in --description 'the words so far start with this subcommand path'
                    set -l args (FN_args)
                    test (count $args) -ge (count $argv); or return 1
                    for i in (seq (count $argv))
                        test "$args[$i]" = "$argv[$i]"; or return 1
                    end
                end

                function FN_globals --description 'the --home and --workspace options typed, for the helpers below'
                    set -l words (commandline -opc)
                    set -l n (count $words)
                    set -l i 2
                    while test $i -le $n
                        switch $words[$i]
                            case --home --workspace
                                if test $i -lt $n
                                    echo $words[$i]
                                    echo $words[(math $i + 1)]
                                end
                                set i (math $i + 1)
                            case '--home=*' '--workspace=*'
                                echo $words[$i]
                        end
                        set i (math $i + 1)
                    end
                end

                function FN_stages --description 'the stage names engine status lists'
                    NAME (FN_globals) status --no-headers 2>/dev/null | string replace -r '\\*?\\s.*$' ''
                end

                function FN_commits --description 'the AI commits engine review lists'
                    NAME (FN_globals) review list --no-headers 2>/dev/null | string replace -r '\\s.*$' ''
                end

                """.replace("FN", fn).replace("NAME", name).replace("VALUE_OPTIONS", String.join(" ", valueOptions));
    }

    /** Names of every option that takes a value, anywhere in the tree: their values are no subcommand words. */
    private static TreeSet<String> valueOptions(CommandSpec spec) {
        TreeSet<String> names = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (o.arity().max() > 0 && !o.hidden()) {
                names.addAll(List.of(o.names()));
            }
        }
        for (CommandLine sub : spec.subcommands().values()) {
            names.addAll(valueOptions(sub.getCommandSpec()));
        }
        return names;
    }

    private static void command(StringBuilder out, String name, String fn, CommandSpec spec, List<String> path) {
        boolean parent = !spec.subcommands().isEmpty();
        String here = condition(fn + "_at", path);
        // A parent's own options and arguments apply before one of its subcommands is named; a
        // leaf's after any number of its arguments.
        String within = parent ? here : condition(fn + "_in", path);
        out.append('\n').append("# ").append(path.isEmpty() ? name : name + " " + String.join(" ", path)).append('\n');
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden() || !e.getKey().equals(sub.name())) {
                continue; // hidden, or an alias
            }
            out.append("complete -c ").append(name).append(" -n ").append(quote(here)).append(" -a ").append(quote(e.getKey()))
                    .append(" -d ").append(quote(summary(sub.usageMessage().description()))).append('\n');
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.inherited()) {
                continue;
            }
            // Options every subcommand inherits (--home, --workspace) complete everywhere.
            boolean everywhere = path.isEmpty() && o.scopeType() == CommandLine.ScopeType.INHERIT;
            out.append("complete -c ").append(name);
            if (!everywhere) {
                out.append(" -n ").append(quote(within));
            }
            for (String n : o.names()) {
                if (n.startsWith("--")) {
                    out.append(" -l ").append(n.substring(2));
                } else if (n.length() == 2 && n.charAt(0) == '-') {
                    out.append(" -s ").append(n.charAt(1));
                } else {
                    out.append(" -o ").append(n.substring(1));
                }
            }
            if (o.arity().max() > 0) {
                out.append(values(fn, o));
            }
            out.append(" -d ").append(quote(summary(o.description()))).append('\n');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden() || p.inherited()) {
                continue;
            }
            out.append("complete -c ").append(name).append(" -n ").append(quote(within)).append(values(fn, p))
                    .append(" -d ").append(quote(summary(p.description()).isEmpty() ? p.paramLabel() : summary(p.description())))
                    .append('\n');
        }
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (!sub.usageMessage().hidden() && e.getKey().equals(sub.name())) {
                List<String> subPath = new ArrayList<>(path);
                subPath.add(e.getKey());
                command(out, name, fn, sub, subPath);
            }
        }
    }

    /** How the value of an option or argument completes: files, fixed words, stages, commits or nothing offered. */
    private static String values(String fn, ArgSpec a) {
        Class<?> type = a.type();
        String label = a.paramLabel();
        if (a.completionCandidates() != null) {
            List<String> words = new ArrayList<>();
            a.completionCandidates().forEach(words::add);
            return " -x -a " + quote(String.join(" ", words));
        }
        if (label.equals("STAGE")) {
            boolean all = String.join(" ", a.description()).contains("`all`");
            return " -x -a " + quote((all ? "all " : "") + "(" + fn + "_stages)");
        }
        if (label.equals("COMMIT")) {
            return " -x -a " + quote("(" + fn + "_commits)");
        }
        if (label.equals("DIR")) {
            return " -x -a " + quote("(__fish_complete_directories)");
        }
        if (type == Path.class || type == File.class) {
            return " -r -F";
        }
        return " -x";
    }

    private static String condition(String function, List<String> path) {
        return path.isEmpty() ? function : function + " " + String.join(" ", path);
    }

    /** The first sentence of a description, on one line: fish shows it beside the candidate. */
    static String summary(String[] description) {
        if (description == null || description.length == 0) {
            return "";
        }
        String first = description[0].replaceAll("\\s+", " ").strip();
        Matcher end = SENTENCE_END.matcher(first);
        return end.find() ? first.substring(0, end.start() + 1) : first;
    }

    /** A fish single-quoted word: only the backslash and the quote are special inside. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
