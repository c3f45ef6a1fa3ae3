package dev.engine.escalation.diagnostics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The read-only commands a model may ask for although they are not among the stage's
 * diagnostics (DESIGN.md §6 I7). The argv has already passed the metacharacter check; this class
 * decides on the tool, its verb and its flags. Whatever could change the cluster, run code,
 * read or write local files, never end, or print secret values is refused with the reason.
 */
final class ReadOnlyRules {
    static final List<String> COMMANDS = List.of("kubectl", "talosctl", "flux", "helm", "qm", "pvesh", "ping", "dig", "nslookup");

    /** Exactly one of the two is set. */
    record Decision(String rule, String refusal) {
        static Decision allow(String rule) {
            return new Decision(rule, null);
        }

        static Decision refuse(String reason) {
            return new Decision(null, reason);
        }
    }

    private static final String NEVER_ENDS = "it never ends (the diagnostic would only time out); ask for a bounded form such as --tail=N";

    private ReadOnlyRules() {}

    static Decision check(List<String> argv) {
        String command = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        try {
            return switch (command) {
                case "kubectl" -> kubectl(args);
                case "talosctl" -> talosctl(args);
                case "flux" -> flux(args);
                case "helm" -> helm(args);
                case "qm" -> qm(args);
                case "pvesh" -> pvesh(args);
                case "ping" -> ping(args);
                case "dig" -> dig(args);
                case "nslookup" -> nslookup(args);
                case "curl", "wget" -> Decision.refuse("'" + command + "' is not an allowed command: it can send data anywhere and write files"
                        + " (a stage diagnostic configured by a human may use it)");
                default -> Decision.refuse(command.contains("/")
                        ? "'" + command + "' is a path; only the bare command names " + String.join(", ", COMMANDS) + " are allowed"
                        : "'" + command + "' is not an allowed command (allowed: " + String.join(", ", COMMANDS) + ")");
            };
        } catch (ArgWalk.Refusal r) {
            return Decision.refuse(r.getMessage());
        }
    }

    // ---- kubectl ----------------------------------------------------------------------------

    private static final Set<String> KUBECTL_GLOBAL_VALUES = Set.of("-n", "--namespace", "--context", "--kubeconfig", "--cluster",
            "--user", "--request-timeout");
    private static final Set<String> KUBECTL_VERBS = Set.of("get", "describe", "logs", "top", "events", "version", "api-resources",
            "api-versions", "explain", "cluster-info", "auth");
    private static final ArgWalk.Spec KUBECTL = new ArgWalk.Spec(
            union(KUBECTL_GLOBAL_VALUES, Set.of("-o", "--output", "-l", "--selector", "--field-selector", "-c", "--container",
                    "--tail", "--since", "--since-time", "--sort-by", "--template", "-L", "--label-columns", "--chunk-size",
                    "--limit-bytes", "--max-log-requests", "--pod-running-timeout", "--subresource", "--for", "--types",
                    "--api-group", "--verbs")),
            Map.ofEntries(
                    Map.entry("-f", "it follows logs forever (logs) or reads local files (--filename)"),
                    Map.entry("--follow", NEVER_ENDS),
                    Map.entry("--filename", "it reads local files"),
                    Map.entry("-k", "it reads a local kustomization"),
                    Map.entry("--kustomize", "it reads a local kustomization"),
                    Map.entry("-w", NEVER_ENDS),
                    Map.entry("--watch", NEVER_ENDS),
                    Map.entry("--watch-only", NEVER_ENDS),
                    Map.entry("--raw", "it reads arbitrary API paths"),
                    Map.entry("--output-directory", "it writes files"),
                    Map.entry("--cache-dir", "it writes files"),
                    Map.entry("--profile", "it writes a profile file"),
                    Map.entry("--profile-output", "it writes files"),
                    Map.entry("--log-file", "it writes files"),
                    Map.entry("--log-dir", "it writes files"),
                    Map.entry("--as", "it impersonates another user"),
                    Map.entry("--as-group", "it impersonates another group"),
                    Map.entry("--as-uid", "it impersonates another user"),
                    Map.entry("--token", "it supplies credentials"),
                    Map.entry("--username", "it supplies credentials"),
                    Map.entry("--password", "it supplies credentials"),
                    Map.entry("-s", "it talks to another API server"),
                    Map.entry("--server", "it talks to another API server"),
                    Map.entry("-v", "verbose client logging can print credentials"),
                    Map.entry("--v", "verbose client logging can print credentials"),
                    Map.entry("-i", "it attaches to a process"),
                    Map.entry("--stdin", "it attaches to a process"),
                    Map.entry("-t", "it attaches a terminal"),
                    Map.entry("--tty", "it attaches a terminal")));

    private static Decision kubectl(List<String> args) {
        Verb v = verb("kubectl", args, KUBECTL_GLOBAL_VALUES, Set.of(), KUBECTL);
        if (!KUBECTL_VERBS.contains(v.name())) {
            return Decision.refuse("kubectl verb '" + v.name() + "' is not read-only (allowed: " + sorted(KUBECTL_VERBS) + ")");
        }
        ArgWalk.Result rest = ArgWalk.walk("kubectl", v.rest(), KUBECTL);
        for (ArgWalk.Flag f : rest.flags()) {
            if ((f.name().equals("-o") || f.name().equals("--output")) && f.value() != null
                    && f.value().toLowerCase(Locale.ROOT).contains("file")) {
                return Decision.refuse("kubectl output format '" + f.value() + "' reads a local template file");
            }
        }
        List<String> pos = rest.positionals();
        switch (v.name()) {
            case "auth" -> {
                String sub = pos.isEmpty() ? "" : pos.get(0);
                if (!sub.equals("can-i") && !sub.equals("whoami")) {
                    return Decision.refuse("'kubectl auth " + sub + "' is not read-only (allowed: auth can-i, auth whoami)");
                }
                return Decision.allow("read-only: kubectl auth " + sub);
            }
            case "cluster-info" -> {
                if (pos.contains("dump")) {
                    return Decision.refuse("'kubectl cluster-info dump' dumps every pod's logs in the cluster; ask for specific get/logs commands");
                }
            }
            case "get", "describe" -> {
                Optional<String> secret = pos.stream().filter(ReadOnlyRules::namesKubernetesSecret).findFirst();
                if (secret.isPresent()) {
                    return Decision.refuse("'kubectl " + v.name() + "' of '" + secret.get() + "' would print secret values");
                }
            }
            default -> { }
        }
        return Decision.allow("read-only: kubectl " + v.name());
    }

    /** secret, secrets, secret/name, secrets.v1., pods,secrets ... ('all' does not include secrets). */
    private static boolean namesKubernetesSecret(String arg) {
        for (String part : arg.split(",")) {
            String type = part.split("/", 2)[0].toLowerCase(Locale.ROOT);
            int dot = type.indexOf('.');
            type = dot < 0 ? type : type.substring(0, dot);
            if (type.equals("secret") || type.equals("secrets")) {
                return true;
            }
        }
        return false;
    }

    // ---- talosctl ---------------------------------------------------------------------------

    private static final Set<String> TALOS_GLOBAL_VALUES = Set.of("-n", "--nodes", "-e", "--endpoints", "--talosconfig", "--context", "--cluster");
    private static final Set<String> TALOS_VERBS = Set.of("get", "version", "health", "dmesg", "logs", "services", "service", "memory",
            "mounts", "processes", "containers", "stats", "time", "etcd");
    private static final ArgWalk.Spec TALOS = new ArgWalk.Spec(
            union(TALOS_GLOBAL_VALUES, Set.of("-o", "--output", "--namespace", "--tail", "--wait-timeout", "--control-plane-nodes",
                    "--worker-nodes", "--init-node", "--k8s-endpoint", "--sort")),
            Map.of("-f", NEVER_ENDS, "--follow", NEVER_ENDS, "-w", NEVER_ENDS, "--watch", NEVER_ENDS));
    /** Resource types whose specs hold keys, tokens or the machine config (which embeds both). */
    private static final List<String> TALOS_SECRET_WORDS = List.of("secret", "cert", "identit", "key", "token", "manifest", "config");

    private static Decision talosctl(List<String> args) {
        Verb v = verb("talosctl", args, TALOS_GLOBAL_VALUES, Set.of(), TALOS);
        if (!TALOS_VERBS.contains(v.name())) {
            return Decision.refuse("talosctl verb '" + v.name() + "' is not read-only (allowed: " + sorted(TALOS_VERBS) + ")");
        }
        ArgWalk.Result rest = ArgWalk.walk("talosctl", v.rest(), TALOS);
        List<String> pos = rest.positionals();
        switch (v.name()) {
            case "get" -> {
                for (ArgWalk.Flag f : rest.flags()) {
                    if (f.name().equals("--namespace") && f.value() != null && f.value().toLowerCase(Locale.ROOT).contains("secret")) {
                        return Decision.refuse("'talosctl get' in namespace '" + f.value() + "' would print secret values");
                    }
                }
                if (!pos.isEmpty() && isTalosSecretType(pos.get(0))) {
                    return Decision.refuse("'talosctl get " + pos.get(0) + "' may print secrets (keys, tokens or the machine config)");
                }
            }
            case "etcd" -> {
                String sub = pos.isEmpty() ? "" : pos.get(0);
                if (!sub.equals("members") && !sub.equals("status")) {
                    return Decision.refuse("'talosctl etcd " + sub + "' is not read-only (allowed: etcd members, etcd status)");
                }
                return Decision.allow("read-only: talosctl etcd " + sub);
            }
            case "service" -> {
                if (pos.size() > 2 || (pos.size() == 2 && !pos.get(1).equals("status"))) {
                    return Decision.refuse("'talosctl service " + String.join(" ", pos) + "' is not read-only (only 'service [<id> [status]]')");
                }
            }
            default -> { }
        }
        return Decision.allow("read-only: talosctl " + v.name());
    }

    private static boolean isTalosSecretType(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        int dot = t.indexOf('.');
        t = dot < 0 ? t : t.substring(0, dot);
        if (t.equals("mc") || t.equals("mcs")) {
            return true;
        }
        for (String word : TALOS_SECRET_WORDS) {
            if (t.contains(word)) {
                return true;
            }
        }
        return false;
    }

    // ---- flux -------------------------------------------------------------------------------

    private static final Set<String> FLUX_GLOBAL_VALUES = Set.of("-n", "--namespace", "--context", "--kubeconfig", "--timeout");
    private static final Set<String> FLUX_VERBS = Set.of("get", "check", "logs", "version", "tree", "stats", "events");
    private static final ArgWalk.Spec FLUX = new ArgWalk.Spec(
            union(FLUX_GLOBAL_VALUES, Set.of("--tail", "--since", "--level", "--kind", "--name", "--for", "-l", "--label-selector",
                    "--status-selector", "-o", "--output")),
            Map.of("-f", NEVER_ENDS, "--follow", NEVER_ENDS, "-w", NEVER_ENDS, "--watch", NEVER_ENDS,
                    "--as", "it impersonates another user", "--token", "it supplies credentials", "--server", "it talks to another API server",
                    "--cache-dir", "it writes files"));

    private static Decision flux(List<String> args) {
        Verb v = verb("flux", args, FLUX_GLOBAL_VALUES, Set.of("-A", "--all-namespaces"), FLUX);
        if (!FLUX_VERBS.contains(v.name())) {
            return Decision.refuse("flux verb '" + v.name() + "' is not read-only (allowed: " + sorted(FLUX_VERBS) + ")");
        }
        ArgWalk.walk("flux", v.rest(), FLUX);
        return Decision.allow("read-only: flux " + v.name());
    }

    // ---- helm -------------------------------------------------------------------------------

    private static final Set<String> HELM_GLOBAL_VALUES = Set.of("-n", "--namespace", "--kube-context", "--kubeconfig");
    private static final Map<String, String> HELM_VERBS = Map.of("list", "list", "ls", "list", "status", "status",
            "history", "history", "hist", "history", "get", "get", "version", "version");
    private static final ArgWalk.Spec HELM = new ArgWalk.Spec(
            union(HELM_GLOBAL_VALUES, Set.of("-o", "--output", "--revision", "--max", "-f", "--filter", "--time-format",
                    "-l", "--selector", "--offset", "-m")),
            Map.of("--kube-token", "it supplies credentials", "--kube-as-user", "it impersonates another user",
                    "--kube-as-group", "it impersonates another group", "--kube-apiserver", "it talks to another API server",
                    "--registry-config", "it reads local credentials", "--repository-config", "it reads local files",
                    "--repository-cache", "it writes files"));

    private static Decision helm(List<String> args) {
        Verb v = verb("helm", args, HELM_GLOBAL_VALUES, Set.of("-A", "--all-namespaces", "--debug"), HELM);
        String verb = HELM_VERBS.get(v.name());
        if (verb == null) {
            return Decision.refuse("helm verb '" + v.name() + "' is not read-only (allowed: list, status, history, get notes, get metadata, version)");
        }
        ArgWalk.Result rest = ArgWalk.walk("helm", v.rest(), HELM);
        if (verb.equals("get")) {
            String sub = rest.positionals().isEmpty() ? "" : rest.positionals().get(0);
            if (!sub.equals("notes") && !sub.equals("metadata")) {
                return Decision.refuse("'helm get " + sub + "' may print secrets (release values and manifests); allowed: get notes, get metadata");
            }
            return Decision.allow("read-only: helm get " + sub);
        }
        if (verb.equals("status")) {
            for (ArgWalk.Flag f : rest.flags()) {
                if ((f.name().equals("-o") || f.name().equals("--output")) && !"table".equals(f.value())) {
                    return Decision.refuse("'helm status -o " + f.value() + "' prints the release values, which may hold secrets");
                }
            }
        }
        return Decision.allow("read-only: helm " + verb);
    }

    // ---- Proxmox ----------------------------------------------------------------------------

    private static final ArgWalk.Spec PLAIN = new ArgWalk.Spec(Set.of(), Map.of());

    private static Decision qm(List<String> args) {
        String verb = args.isEmpty() ? "" : args.get(0);
        if (!Set.of("list", "status", "config").contains(verb)) {
            return Decision.refuse("qm verb '" + verb + "' is not read-only (allowed: list, status, config)");
        }
        return Decision.allow("read-only: qm " + verb);
    }

    private static Decision pvesh(List<String> args) {
        String verb = args.isEmpty() ? "" : args.get(0);
        if (!verb.equals("get")) {
            return Decision.refuse("pvesh verb '" + verb + "' is not read-only (allowed: get)");
        }
        for (String path : ArgWalk.walk("pvesh", args.subList(1, args.size()), PLAIN).positionals()) {
            String p = path.toLowerCase(Locale.ROOT);
            if (List.of(p.split("/")).contains("agent") || p.contains("file-read")) {
                return Decision.refuse("'pvesh get " + path + "' goes through the guest agent, which can read files inside the VM");
            }
        }
        return Decision.allow("read-only: pvesh get");
    }

    // ---- network ----------------------------------------------------------------------------

    private static final ArgWalk.Spec PING = new ArgWalk.Spec(Set.of("-c", "-W"),
            Map.of("-f", "flood ping", "-i", "it changes the interval", "-s", "it changes the packet size",
                    "-p", "it sets a payload pattern", "-I", "it picks an interface", "-w", "use -c instead"));
    private static final Set<String> PING_SWITCHES = Set.of("-q", "-n", "-4", "-6");

    private static Decision ping(List<String> args) {
        ArgWalk.Result r = ArgWalk.walk("ping", args, PING);
        Integer count = null;
        for (ArgWalk.Flag f : r.flags()) {
            if (f.name().equals("-c")) {
                try {
                    count = Integer.parseInt(f.value());
                } catch (NumberFormatException e) {
                    return Decision.refuse("ping -c '" + f.value() + "' is not a number");
                }
            } else if (f.name().startsWith("--") || !(f.name().equals("-W") || PING_SWITCHES.contains(f.name()))) {
                return Decision.refuse("ping flag '" + f.name() + "' is not allowed (allowed: -c N, -W N, -q, -n, -4, -6)");
            }
        }
        if (count == null || count < 1 || count > 5) {
            return Decision.refuse("ping needs -c N with N from 1 to 5 so that it ends");
        }
        if (r.positionals().size() != 1) {
            return Decision.refuse("ping takes exactly one host");
        }
        return Decision.allow("read-only: ping -c " + count);
    }

    private static Decision dig(List<String> args) {
        for (String a : args) {
            if (a.startsWith("-") && (a.indexOf('f') > 0 || a.indexOf('k') > 0 || a.indexOf('y') > 0)) {
                return Decision.refuse("dig option '" + a + "' is not allowed: -f reads a local file, -k and -y use TSIG keys");
            }
        }
        return Decision.allow("read-only: dig");
    }

    private static Decision nslookup(List<String> args) {
        if (args.stream().noneMatch(a -> !a.startsWith("-"))) {
            return Decision.refuse("nslookup without a name would start its interactive mode");
        }
        return Decision.allow("read-only: nslookup");
    }

    // ---- shared -----------------------------------------------------------------------------

    private record Verb(String name, List<String> rest) {}

    /**
     * The verb after the global flags. Only known global flags may come first: an unknown one
     * might take the next word as its value, so the tool would see another verb than we do.
     */
    private static Verb verb(String tool, List<String> args, Set<String> globalValues, Set<String> globalSwitches, ArgWalk.Spec spec) {
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-")) {
            String a = args.get(i);
            int eq = a.indexOf('=');
            String name = a.startsWith("--") ? (eq < 0 ? a : a.substring(0, eq)) : a.substring(0, Math.min(2, a.length()));
            String why = spec.forbidden().get(name);
            if (why != null) {
                throw new ArgWalk.Refusal(tool + " flag '" + name + "' is not allowed: " + why);
            }
            if (globalSwitches.contains(a)) {
                i++;
            } else if (globalValues.contains(name)) {
                boolean inline = a.startsWith("--") ? eq >= 0 : a.length() > 2;
                i += inline ? 1 : 2;
            } else {
                throw new ArgWalk.Refusal(tool + " flag '" + a + "' before the verb is not allowed (allowed there: "
                        + sorted(union(globalValues, globalSwitches)) + ")");
            }
        }
        if (i >= args.size()) {
            throw new ArgWalk.Refusal(tool + " without a verb is not allowed");
        }
        return new Verb(args.get(i), args.subList(i + 1, args.size()));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    private static String sorted(Set<String> names) {
        return String.join(", ", new java.util.TreeSet<>(names));
    }
}
