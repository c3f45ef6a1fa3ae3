package dev.engine.escalation.diagnostics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the arguments of a tool the way its flag parser (Go's pflag, for kubectl, talosctl, flux
 * and helm) would: {@code --name=value}, {@code --name value} for flags that take a value,
 * switches, and clusters of short flags ({@code -pf}, {@code -nkube-system}). The lists are
 * positive: a flag that is neither a known value flag nor a known switch is refused
 * ({@link Rule#FLAG_UNKNOWN}), so a flag this class does not know can never take the next word
 * as its value behind our back. Every word also goes through {@link ConfigFlags}.
 */
final class ArgWalk {
    record Flag(String name, String value) {}

    record Result(List<Flag> flags, List<String> positionals) {
        /** The values given to any of {@code names}, in order. */
        List<String> values(String... names) {
            Set<String> wanted = Set.of(names);
            return flags.stream().filter(f -> wanted.contains(f.name()) && f.value() != null).map(Flag::value).toList();
        }
    }

    record Forbid(Rule rule, String why) {}

    /**
     * @param values    flags (with their dashes) that take a value
     * @param switches  flags that take none
     * @param forbidden flags refused with a rule of their own, before the positive lists are looked at
     */
    record Spec(Set<String> values, Set<String> switches, Map<String, Forbid> forbidden) {
        Spec {
            values = Set.copyOf(values);
            switches = Set.copyOf(switches);
            forbidden = Map.copyOf(forbidden);
        }

        Spec plus(Spec other) {
            Set<String> v = new HashSet<>(values);
            v.addAll(other.values);
            Set<String> s = new HashSet<>(switches);
            s.addAll(other.switches);
            Map<String, Forbid> f = new HashMap<>(forbidden);
            f.putAll(other.forbidden);
            return new Spec(v, s, f);
        }

        String allowed() {
            Set<String> all = new TreeSet<>(values);
            all.addAll(switches);
            return all.isEmpty() ? "none" : String.join(", ", all);
        }
    }

    private ArgWalk() {}

    static Result walk(String tool, List<String> args, Spec spec) {
        List<Flag> flags = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        boolean flagsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            ConfigFlags.check(tool, a);
            if (flagsEnded || a.equals("-") || !a.startsWith("-")) {
                positionals.add(a);
            } else if (a.equals("--")) {
                flagsEnded = true;
            } else if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                refuseIfForbidden(tool, name, a, spec);
                String value = eq < 0 ? null : a.substring(eq + 1);
                if (spec.values().contains(name)) {
                    if (value == null) {
                        value = valueAfter(tool, name, args, ++i);
                    }
                } else if (!spec.switches().contains(name)) {
                    throw unknown(tool, name, a, spec);
                }
                flags.add(new Flag(name, value));
            } else {
                for (int k = 1; k < a.length(); k++) {
                    String name = "-" + a.charAt(k);
                    refuseIfForbidden(tool, name, a, spec);
                    if (spec.values().contains(name)) {
                        String rest = a.substring(k + 1);
                        rest = rest.startsWith("=") ? rest.substring(1) : rest;
                        flags.add(new Flag(name, rest.isEmpty() ? valueAfter(tool, name, args, ++i) : rest));
                        break;
                    }
                    if (!spec.switches().contains(name)) {
                        throw unknown(tool, name, a, spec);
                    }
                    flags.add(new Flag(name, null));
                }
            }
        }
        return new Result(List.copyOf(flags), List.copyOf(positionals));
    }

    private static String valueAfter(String tool, String name, List<String> args, int i) {
        if (i >= args.size()) {
            throw new RuleViolation(Rule.ARGUMENTS, tool + " flag '" + name + "' needs a value");
        }
        String value = args.get(i);
        ConfigFlags.check(tool, value);
        return value;
    }

    static void refuseIfForbidden(String tool, String name, String written, Spec spec) {
        Forbid why = spec.forbidden().get(name);
        if (why != null) {
            throw new RuleViolation(why.rule(), tool + " flag " + shown(name, written) + " is not allowed: " + why.why());
        }
    }

    static RuleViolation unknown(String tool, String name, String written, Spec spec) {
        return new RuleViolation(Rule.FLAG_UNKNOWN, tool + " flag " + shown(name, written) + " is not on the list of flags a"
                + " diagnostic may use (allowed here: " + spec.allowed() + ")");
    }

    private static String shown(String name, String written) {
        return written.equals(name) ? "'" + name + "'" : "'" + name + "' (in '" + written + "')";
    }
}
