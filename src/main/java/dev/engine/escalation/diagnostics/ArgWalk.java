package dev.engine.escalation.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the arguments of a tool the way its flag parser (Go's pflag, for kubectl, talosctl,
 * flux and helm) would: {@code --name=value}, {@code --name value} for flags known to take a
 * value, and clusters of short flags ({@code -pf}, {@code -nkube-system}). A flag not known to
 * take a value is taken as a switch, so the word after it is checked as an argument: a mistake
 * there refuses too much, never too little.
 */
final class ArgWalk {
    record Flag(String name, String value) {}

    record Result(List<Flag> flags, List<String> positionals) {}

    /** @param forbidden flag name (with its dashes) to the reason it is refused */
    record Spec(Set<String> valueFlags, Map<String, String> forbidden) {}

    static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private ArgWalk() {}

    static Result walk(String tool, List<String> args, Spec spec) {
        List<Flag> flags = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        boolean flagsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (flagsEnded || a.equals("-") || !a.startsWith("-")) {
                positionals.add(a);
            } else if (a.equals("--")) {
                flagsEnded = true;
            } else if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                refuseIfForbidden(tool, name, a, spec);
                String value = eq < 0 ? null : a.substring(eq + 1);
                if (value == null && spec.valueFlags().contains(name)) {
                    value = valueAfter(tool, name, args, ++i);
                }
                flags.add(new Flag(name, value));
            } else {
                for (int k = 1; k < a.length(); k++) {
                    String name = "-" + a.charAt(k);
                    refuseIfForbidden(tool, name, a, spec);
                    if (spec.valueFlags().contains(name)) {
                        String rest = a.substring(k + 1);
                        rest = rest.startsWith("=") ? rest.substring(1) : rest;
                        flags.add(new Flag(name, rest.isEmpty() ? valueAfter(tool, name, args, ++i) : rest));
                        break;
                    }
                    flags.add(new Flag(name, null));
                }
            }
        }
        return new Result(List.copyOf(flags), List.copyOf(positionals));
    }

    private static String valueAfter(String tool, String name, List<String> args, int i) {
        if (i >= args.size()) {
            throw new Refusal(tool + " flag '" + name + "' needs a value");
        }
        return args.get(i);
    }

    private static void refuseIfForbidden(String tool, String name, String written, Spec spec) {
        String why = spec.forbidden().get(name);
        if (why != null) {
            String shown = written.equals(name) ? "'" + name + "'" : "'" + name + "' (in '" + written + "')";
            throw new Refusal(tool + " flag " + shown + " is not allowed: " + why);
        }
    }
}
