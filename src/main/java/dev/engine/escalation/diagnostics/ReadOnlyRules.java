package dev.engine.escalation.diagnostics;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The read-only commands a model may ask for although they are not among the stage's
 * diagnostics (DESIGN.md §6 I7), and the rules every stage diagnostic must keep too. The argv has
 * already passed the metacharacter check; the per-tool classes decide on verb, flags and
 * arguments, each from a positive list. Whatever could change the cluster, run code, point a tool
 * at other configuration, read or write local files, never end, print secret values or reach a
 * host nobody named is refused with the rule and the reason.
 */
final class ReadOnlyRules {
    static final List<String> COMMANDS = List.of("kubectl", "talosctl", "flux", "helm", "qm", "pvesh", "ping", "dig", "nslookup");

    /** Exactly one of rule and refusal is set; a refusal has its rule id. */
    record Decision(String rule, Rule refusedBy, String refusal) {
        static Decision allow(String rule) {
            return new Decision(rule, null, null);
        }

        static Decision refuse(Rule rule, String reason) {
            return new Decision(null, rule, reason);
        }
    }

    private ReadOnlyRules() {}

    /** A model's request: one command, named exactly. */
    static Decision check(List<String> argv, Context ctx) {
        String command = argv.get(0);
        if (!COMMANDS.contains(command)) {
            if (Set.of("curl", "wget").contains(command)) {
                return Decision.refuse(Rule.COMMAND, "'" + command + "' is not an allowed command: it can send data anywhere and write"
                        + " files (a stage diagnostic configured by a human may use it)");
            }
            return Decision.refuse(Rule.COMMAND, command.contains("/")
                    ? "'" + command + "' is a path; only the bare command names " + String.join(", ", COMMANDS) + " are allowed"
                    : "'" + command + "' is not an allowed command (allowed: " + String.join(", ", COMMANDS) + ")");
        }
        try {
            return Decision.allow(rules(command, argv.subList(1, argv.size()), ctx));
        } catch (RuleViolation v) {
            return Decision.refuse(v.rule(), v.getMessage());
        }
    }

    /**
     * A segment of a human's configured entry. Programs other than the read-only tools pass (a
     * human may pipe through {@code tail} or run {@code journalctl}); a read-only tool, called by
     * its name or by a path ending in it, must keep the same rules as a request.
     */
    static void checkConfiguredSegment(List<String> argv) {
        String command = argv.get(0);
        String base = command.substring(command.lastIndexOf('/') + 1);
        if (COMMANDS.contains(base)) {
            rules(base, argv.subList(1, argv.size()), Context.configuredEntry());
        } else if (WRAPPERS.contains(base)) {
            // env/sudo/timeout ... run the command after their own options; judge that command.
            int i = 1;
            while (i < argv.size() && (argv.get(i).startsWith("-") || argv.get(i).contains("=") || (i == 1 && takesNumber(base)
                    && argv.get(i).matches("[0-9.]+[smhd]?")))) {
                String assignment = argv.get(i);
                int eq = assignment.indexOf('=');
                if (!assignment.startsWith("-") && eq > 0 && CONFIG_VARIABLES.matcher(assignment.substring(0, eq)).matches()) {
                    throw new RuleViolation(Rule.FLAG_CONFIG, "'" + command + " " + assignment + "' points the tool at other"
                            + " configuration or programs; the tools use the configuration of the engine's environment");
                }
                i++;
            }
            if (i < argv.size()) {
                checkConfiguredSegment(argv.subList(i, argv.size()));
            }
        }
    }

    private static final Set<String> WRAPPERS = Set.of("env", "sudo", "timeout", "nice", "nohup", "command", "exec", "stdbuf");
    private static final Pattern CONFIG_VARIABLES = Pattern.compile(
            "KUBECONFIG|TALOSCONFIG|PATH|LD_PRELOAD|LD_LIBRARY_PATH|HELM_.*|KUBECACHEDIR|KUBECTL_.*");

    private static boolean takesNumber(String wrapper) {
        return wrapper.equals("timeout") || wrapper.equals("nice");
    }

    private static String rules(String command, List<String> args, Context ctx) {
        return switch (command) {
            case "kubectl" -> KubeRules.kubectl(args);
            case "talosctl" -> TalosRules.talosctl(args, ctx);
            case "flux" -> KubeRules.flux(args);
            case "helm" -> KubeRules.helm(args);
            case "qm" -> ProxmoxRules.qm(args);
            case "pvesh" -> ProxmoxRules.pvesh(args);
            case "ping" -> NetworkRules.ping(args, ctx);
            case "dig" -> NetworkRules.dig(args, ctx);
            case "nslookup" -> NetworkRules.nslookup(args, ctx);
            default -> throw new IllegalStateException("no rules for " + command);
        };
    }
}
