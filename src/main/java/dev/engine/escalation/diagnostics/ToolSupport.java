package dev.engine.escalation.diagnostics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Pieces the per-tool rules share: finding the verb after global flags, set helpers. */
final class ToolSupport {
    static final String NEVER_ENDS = "it never ends (the diagnostic would only time out); ask for a bounded form such as --tail=N";

    record Verb(String name, List<String> globalArgs, List<String> rest) {}

    private ToolSupport() {}

    /**
     * The verb after the global flags. Only known global flags may come first: an unknown one
     * might take the next word as its value, so the tool would see another verb than we do.
     */
    static Verb verb(String tool, List<String> args, ArgWalk.Spec global) {
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-") && !args.get(i).equals("-")) {
            String a = args.get(i);
            ConfigFlags.check(tool, a);
            if (a.equals("--")) {
                throw new RuleViolation(Rule.ARGUMENTS, tool + ": '--' before the verb is not allowed");
            }
            int eq = a.indexOf('=');
            String name = a.startsWith("--") ? (eq < 0 ? a : a.substring(0, eq)) : a.substring(0, 2);
            ArgWalk.refuseIfForbidden(tool, name, a, global);
            if (global.switches().contains(name) && (a.startsWith("--") || a.length() == 2)) {
                i++;
            } else if (global.values().contains(name)) {
                boolean inline = a.startsWith("--") ? eq >= 0 : a.length() > 2;
                if (!inline) {
                    if (i + 1 >= args.size()) {
                        throw new RuleViolation(Rule.ARGUMENTS, tool + " flag '" + name + "' needs a value");
                    }
                    ConfigFlags.check(tool, args.get(i + 1));
                }
                i += inline ? 1 : 2;
            } else {
                throw new RuleViolation(Rule.FLAG_UNKNOWN, tool + " flag '" + a + "' before the verb is not allowed (allowed there: "
                        + global.allowed() + ")");
            }
        }
        if (i >= args.size()) {
            throw new RuleViolation(Rule.ARGUMENTS, tool + " without a verb is not allowed");
        }
        return new Verb(args.get(i), args.subList(0, i), args.subList(i + 1, args.size()));
    }

    static String sorted(Set<String> names) {
        return String.join(", ", new TreeSet<>(names));
    }

    static ArgWalk.Forbid forbid(Rule rule, String why) {
        return new ArgWalk.Forbid(rule, why);
    }

    static Map<String, ArgWalk.Forbid> neverEnding(String... names) {
        Map<String, ArgWalk.Forbid> m = new HashMap<>();
        for (String n : names) {
            m.put(n, forbid(Rule.NEVER_ENDS, NEVER_ENDS));
        }
        return m;
    }
}
