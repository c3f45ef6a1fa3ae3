package dev.engine.escalation.diagnostics;

import static dev.engine.escalation.diagnostics.ToolSupport.neverEnding;
import static dev.engine.escalation.diagnostics.ToolSupport.sorted;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** talosctl: read-only verbs with per-verb flag lists, known nodes and endpoints, and {@link TalosResources} for {@code get}. */
final class TalosRules {
    private TalosRules() {}

    private static final ArgWalk.Spec GLOBAL = new ArgWalk.Spec(
            Set.of("-n", "--nodes", "-e", "--endpoints", "--context", "--cluster"),
            Set.of(),
            Map.of());

    /** Per verb, because talosctl types the same flag differently per verb ({@code dmesg --tail} is a switch, {@code logs --tail N} is not). */
    private static final Map<String, ArgWalk.Spec> VERBS = Map.ofEntries(
            Map.entry("get", spec(Set.of("-o", "--output", "--namespace"), Set.of("-i", "--insecure"), "-w", "--watch")),
            Map.entry("version", spec(Set.of(), Set.of("--client", "--short", "-i", "--insecure"))),
            Map.entry("health", spec(Set.of("--wait-timeout", "--control-plane-nodes", "--worker-nodes", "--init-node", "--k8s-endpoint"),
                    Set.of())),
            Map.entry("dmesg", spec(Set.of(), Set.of("--tail"), "-f", "--follow")),
            Map.entry("logs", spec(Set.of("--tail"), Set.of("-k", "--kubernetes"), "-f", "--follow")),
            Map.entry("services", spec(Set.of(), Set.of())),
            Map.entry("service", spec(Set.of(), Set.of())),
            Map.entry("memory", spec(Set.of(), Set.of("-v", "--verbose"))),
            Map.entry("mounts", spec(Set.of(), Set.of())),
            Map.entry("processes", spec(Set.of("--sort"), Set.of(), "-w", "--watch")),
            Map.entry("containers", spec(Set.of(), Set.of("-k", "--kubernetes"))),
            Map.entry("stats", spec(Set.of(), Set.of("-k", "--kubernetes"))),
            Map.entry("time", spec(Set.of(), Set.of())),
            Map.entry("etcd", spec(Set.of(), Set.of())));

    private static ArgWalk.Spec spec(Set<String> values, Set<String> switches, String... neverEnding) {
        return GLOBAL.plus(new ArgWalk.Spec(values, switches, neverEnding(neverEnding)));
    }

    static String talosctl(List<String> args, Context ctx) {
        ToolSupport.Verb v = ToolSupport.verb("talosctl", args, GLOBAL);
        ArgWalk.Spec spec = VERBS.get(v.name());
        if (spec == null) {
            throw new RuleViolation(Rule.VERB, "talosctl verb '" + v.name() + "' is not read-only (allowed: " + sorted(VERBS.keySet()) + ")");
        }
        ArgWalk.Result global = ArgWalk.walk("talosctl", v.globalArgs(), GLOBAL);
        ArgWalk.Result rest = ArgWalk.walk("talosctl", v.rest(), spec);
        for (ArgWalk.Result r : List.of(global, rest)) {
            for (String list : r.values("-n", "--nodes", "-e", "--endpoints")) {
                for (String host : list.split(",")) {
                    ctx.requireKnownHost("talosctl", "node/endpoint", withoutPort(host.strip()));
                }
            }
        }
        List<String> pos = rest.positionals();
        switch (v.name()) {
            case "get" -> {
                for (String ns : rest.values("--namespace")) {
                    if (ns.toLowerCase(Locale.ROOT).contains("secret")) {
                        throw new RuleViolation(Rule.TALOSCTL_RESOURCE, "'talosctl get' in namespace '" + ns + "' would print secret values");
                    }
                }
                for (String format : rest.values("-o", "--output")) {
                    if (!Set.of("table", "yaml", "json").contains(format) && !format.startsWith("jsonpath")) {
                        throw new RuleViolation(Rule.FLAG_UNKNOWN, "talosctl output format '" + format + "' is not allowed"
                                + " (allowed: table, yaml, json, jsonpath)");
                    }
                }
                if (pos.isEmpty()) {
                    throw new RuleViolation(Rule.ARGUMENTS, "'talosctl get' needs a resource type");
                }
                if (pos.size() > 2) {
                    throw new RuleViolation(Rule.ARGUMENTS, "'talosctl get' takes a resource type and at most one id");
                }
                TalosResources.check(pos.get(0), ctx.configured());
            }
            case "etcd" -> {
                String sub = pos.isEmpty() ? "" : pos.get(0);
                if (!sub.equals("members") && !sub.equals("status")) {
                    throw new RuleViolation(Rule.VERB, "'talosctl etcd " + sub + "' is not read-only (allowed: etcd members, etcd status)");
                }
                if (pos.size() > 1) {
                    throw new RuleViolation(Rule.ARGUMENTS, "'talosctl etcd " + sub + "' takes no further arguments");
                }
                return "read-only: talosctl etcd " + sub;
            }
            case "service" -> {
                if (pos.size() > 2 || (pos.size() == 2 && !pos.get(1).equals("status"))) {
                    throw new RuleViolation(Rule.VERB, "'talosctl service " + String.join(" ", pos) + "' is not read-only (only 'service [<id> [status]]')");
                }
            }
            default -> { }
        }
        return "read-only: talosctl " + v.name();
    }

    /** {@code 10.0.0.1:50000} and {@code [fd00::1]:50000} name the host before the port. */
    static String withoutPort(String endpoint) {
        if (endpoint.startsWith("[") && endpoint.contains("]")) {
            return endpoint.substring(1, endpoint.indexOf(']'));
        }
        int colon = endpoint.indexOf(':');
        return colon > 0 && colon == endpoint.lastIndexOf(':') ? endpoint.substring(0, colon) : endpoint;
    }
}
