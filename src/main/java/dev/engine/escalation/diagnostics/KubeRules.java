package dev.engine.escalation.diagnostics;

import static dev.engine.escalation.diagnostics.ToolSupport.forbid;
import static dev.engine.escalation.diagnostics.ToolSupport.neverEnding;
import static dev.engine.escalation.diagnostics.ToolSupport.sorted;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** kubectl, flux and helm: read-only verbs, positive flag lists, no plugins, no secrets. */
final class KubeRules {
    private KubeRules() {}

    // ---- kubectl ----------------------------------------------------------------------------

    /** kubectl's own commands; any other first word runs a plugin, {@code kubectl-<word>} on the PATH. */
    private static final Set<String> KUBECTL_BUILTIN = Set.of("alpha", "annotate", "api-resources", "api-versions", "apply",
            "attach", "auth", "autoscale", "certificate", "cluster-info", "completion", "config", "cordon", "cp", "create", "debug",
            "delete", "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get", "help", "kustomize",
            "label", "logs", "options", "patch", "port-forward", "proxy", "replace", "rollout", "run", "scale", "set", "taint",
            "top", "uncordon", "version", "wait");
    private static final Set<String> KUBECTL_VERBS = Set.of("get", "describe", "logs", "top", "events", "version", "api-resources",
            "api-versions", "explain", "cluster-info", "auth");

    private static final ArgWalk.Spec KUBECTL_GLOBAL = new ArgWalk.Spec(
            Set.of("-n", "--namespace", "--context", "--cluster", "--user", "--request-timeout"),
            Set.of(),
            kubectlForbidden());
    private static final ArgWalk.Spec KUBECTL = KUBECTL_GLOBAL.plus(new ArgWalk.Spec(
            Set.of("-o", "--output", "-l", "--selector", "--field-selector", "-c", "--container", "--tail", "--since",
                    "--since-time", "--sort-by", "--template", "-L", "--label-columns", "--chunk-size", "--limit-bytes",
                    "--max-log-requests", "--pod-running-timeout", "--subresource", "--for", "--types", "--api-group", "--verbs",
                    "--api-version", "--categories"),
            Set.of("-A", "--all-namespaces", "-p", "--previous", "--timestamps", "--prefix", "--all-containers", "--ignore-errors",
                    "--no-headers", "--show-labels", "--show-kind", "--show-managed-fields", "--ignore-not-found", "--namespaced",
                    "--cached", "--recursive", "--list", "-q", "--quiet", "--show-events", "--client", "--short", "--containers",
                    "--sum", "--show-capacity", "--use-protocol-buffers", "--allow-missing-template-keys"),
            Map.of()));

    /** In {@code kubectl logs}, {@code -f} is --follow, not --filename. */
    private static final ArgWalk.Spec KUBECTL_LOGS = KUBECTL.plus(new ArgWalk.Spec(Set.of(), Set.of(), neverEnding("-f")));

    private static Map<String, ArgWalk.Forbid> kubectlForbidden() {
        Map<String, ArgWalk.Forbid> m = new HashMap<>(neverEnding("--follow", "-w", "--watch", "--watch-only"));
        m.put("-f", forbid(Rule.FLAG_FILE, "it follows logs forever (logs) or reads local files (--filename)"));
        m.put("-k", forbid(Rule.FLAG_FILE, "it reads a local kustomization"));
        m.put("-R", forbid(Rule.FLAG_FILE, "it reads local directories"));
        m.put("--raw", forbid(Rule.SECRET, "it reads arbitrary API paths, secrets included"));
        m.put("-s", forbid(Rule.FLAG_CONFIG, "it talks to another API server"));
        m.put("-v", forbid(Rule.FLAG_CONFIG, "verbose client logging can print credentials (request headers, bearer tokens)"));
        m.put("-i", forbid(Rule.VERB, "it attaches to a process"));
        m.put("--stdin", forbid(Rule.VERB, "it attaches to a process"));
        m.put("-t", forbid(Rule.VERB, "it attaches a terminal"));
        m.put("--tty", forbid(Rule.VERB, "it attaches a terminal"));
        return m;
    }

    /** {@code -o} formats that only print: the file-reading ones are refused by {@link ConfigFlags} already. */
    private static final Pattern KUBECTL_OUTPUT = Pattern.compile(
            "(json|yaml|wide|name|plaintext|plaintext-openapiv2|go-template|jsonpath|jsonpath-as-json|template)"
                    + "|(custom-columns|jsonpath|jsonpath-as-json|go-template|template)=.*", Pattern.DOTALL);

    static String kubectl(List<String> args) {
        ToolSupport.Verb v = ToolSupport.verb("kubectl", args, KUBECTL_GLOBAL);
        if (v.name().equals("plugin") || !KUBECTL_BUILTIN.contains(v.name())) {
            throw new RuleViolation(Rule.PLUGIN, "'kubectl " + v.name() + "' " + (v.name().equals("plugin") ? "manages plugins"
                    : "is not a kubectl command: kubectl would run the plugin 'kubectl-" + v.name() + "' from the PATH"));
        }
        if (!KUBECTL_VERBS.contains(v.name())) {
            throw new RuleViolation(Rule.VERB, "kubectl verb '" + v.name() + "' is not read-only (allowed: " + sorted(KUBECTL_VERBS) + ")");
        }
        ArgWalk.Result rest = ArgWalk.walk("kubectl", v.rest(), v.name().equals("logs") ? KUBECTL_LOGS : KUBECTL);
        for (String format : rest.values("-o", "--output")) {
            if (!KUBECTL_OUTPUT.matcher(format).matches()) {
                throw new RuleViolation(Rule.FLAG_UNKNOWN, "kubectl output format '" + format + "' is not allowed (allowed: json, yaml,"
                        + " wide, name, custom-columns=, jsonpath=, go-template=)");
            }
        }
        List<String> pos = rest.positionals();
        switch (v.name()) {
            case "auth" -> {
                String sub = pos.isEmpty() ? "" : pos.get(0);
                if (!sub.equals("can-i") && !sub.equals("whoami")) {
                    throw new RuleViolation(Rule.VERB, "'kubectl auth " + sub + "' is not read-only (allowed: auth can-i, auth whoami)");
                }
                return "read-only: kubectl auth " + sub;
            }
            case "cluster-info" -> {
                if (!pos.isEmpty()) {
                    throw new RuleViolation(Rule.VERB, "'kubectl cluster-info " + pos.get(0) + "' is not allowed ('dump' writes every"
                            + " pod's logs); ask for specific get/logs commands");
                }
            }
            case "get", "describe" -> {
                Optional<String> secret = pos.stream().filter(KubeRules::namesKubernetesSecret).findFirst();
                if (secret.isPresent()) {
                    throw new RuleViolation(Rule.SECRET, "'kubectl " + v.name() + "' of '" + secret.get() + "' would print secret values");
                }
            }
            default -> { }
        }
        return "read-only: kubectl " + v.name();
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

    // ---- flux -------------------------------------------------------------------------------

    /** flux's own commands; others run a plugin installed with 'flux plugin install' (fluxcd.io/flux/cmd/flux_plugin_install). */
    private static final Set<String> FLUX_BUILTIN = Set.of("bootstrap", "build", "check", "completion", "create", "debug", "delete",
            "diff", "envsubst", "events", "export", "get", "help", "install", "list", "logs", "migrate", "plugin", "pull", "push",
            "reconcile", "resume", "stats", "suspend", "tag", "trace", "tree", "uninstall", "version");
    private static final Set<String> FLUX_VERBS = Set.of("get", "check", "logs", "version", "tree", "stats", "events", "trace");
    private static final ArgWalk.Spec FLUX_GLOBAL = new ArgWalk.Spec(
            Set.of("-n", "--namespace", "--context", "--cluster", "--user", "--timeout"),
            Set.of("--verbose"),
            fluxForbidden());
    private static final ArgWalk.Spec FLUX = FLUX_GLOBAL.plus(new ArgWalk.Spec(
            Set.of("--tail", "--since", "--level", "--kind", "--name", "--for", "-l", "--label-selector", "--status-selector",
                    "-o", "--output", "--flux-namespace", "--types", "--api-version", "--components", "--components-extra"),
            Set.of("-A", "--all-namespaces", "--no-header", "--pre", "--client", "--compact"),
            Map.of()));

    private static Map<String, ArgWalk.Forbid> fluxForbidden() {
        Map<String, ArgWalk.Forbid> m = new HashMap<>(neverEnding("-f", "--follow", "-w", "--watch"));
        m.put("-s", forbid(Rule.FLAG_CONFIG, "it talks to another API server"));
        return m;
    }

    static String flux(List<String> args) {
        ToolSupport.Verb v = ToolSupport.verb("flux", args, FLUX_GLOBAL);
        if (v.name().equals("plugin") || !FLUX_BUILTIN.contains(v.name())) {
            throw new RuleViolation(Rule.PLUGIN, "'flux " + v.name() + "' " + (v.name().equals("plugin") ? "manages plugins"
                    : "is not a flux command: flux would run an installed plugin"));
        }
        if (!FLUX_VERBS.contains(v.name())) {
            throw new RuleViolation(Rule.VERB, "flux verb '" + v.name() + "' is not read-only (allowed: " + sorted(FLUX_VERBS) + ")");
        }
        ArgWalk.Result rest = ArgWalk.walk("flux", v.rest(), FLUX);
        for (String format : rest.values("-o", "--output")) {
            if (!Set.of("json", "yaml", "table", "wide").contains(format)) {
                throw new RuleViolation(Rule.FLAG_UNKNOWN, "flux output format '" + format + "' is not allowed (allowed: json, yaml, table)");
            }
        }
        return "read-only: flux " + v.name();
    }

    // ---- helm -------------------------------------------------------------------------------

    /** helm's own commands (and their aliases); any other first word runs a helm plugin. */
    private static final Set<String> HELM_BUILTIN = Set.of("completion", "create", "dependency", "dep", "dependencies", "env", "get",
            "help", "history", "hist", "install", "lint", "list", "ls", "package", "plugin", "pull", "fetch", "push", "registry",
            "repo", "rollback", "search", "show", "inspect", "status", "template", "test", "uninstall", "un", "del", "delete",
            "upgrade", "verify", "version");
    private static final Map<String, String> HELM_VERBS = Map.of("list", "list", "ls", "list", "status", "status",
            "history", "history", "hist", "history", "get", "get", "version", "version");
    private static final ArgWalk.Spec HELM_GLOBAL = new ArgWalk.Spec(
            Set.of("-n", "--namespace", "--kube-context"),
            Set.of("--debug"),
            Map.of());
    private static final ArgWalk.Spec HELM = HELM_GLOBAL.plus(new ArgWalk.Spec(
            Set.of("-o", "--output", "--revision", "--max", "-f", "--filter", "--time-format", "-l", "--selector", "--offset", "-m",
                    "--template"),
            Set.of("-A", "--all-namespaces", "-a", "--all", "-d", "--date", "--deployed", "--failed", "--pending", "--superseded",
                    "--uninstalled", "--uninstalling", "-q", "--short", "-r", "--reverse", "--no-headers", "--show-desc",
                    "--show-resources"),
            Map.of()));

    static String helm(List<String> args) {
        ToolSupport.Verb v = ToolSupport.verb("helm", args, HELM_GLOBAL);
        if (v.name().equals("plugin") || !HELM_BUILTIN.contains(v.name())) {
            throw new RuleViolation(Rule.PLUGIN, "'helm " + v.name() + "' " + (v.name().equals("plugin") ? "manages plugins"
                    : "is not a helm command: helm would run the plugin of that name"));
        }
        String verb = HELM_VERBS.get(v.name());
        if (verb == null) {
            throw new RuleViolation(Rule.VERB, "helm verb '" + v.name() + "' is not read-only (allowed: list, status, history,"
                    + " get notes, get metadata, version)");
        }
        ArgWalk.Result rest = ArgWalk.walk("helm", v.rest(), HELM);
        for (String format : rest.values("-o", "--output")) {
            if (!Set.of("table", "json", "yaml").contains(format)) {
                throw new RuleViolation(Rule.FLAG_UNKNOWN, "helm output format '" + format + "' is not allowed (allowed: table, json, yaml)");
            }
        }
        if (verb.equals("get")) {
            String sub = rest.positionals().isEmpty() ? "" : rest.positionals().get(0);
            if (!sub.equals("notes") && !sub.equals("metadata")) {
                throw new RuleViolation(Rule.SECRET, "'helm get " + sub + "' may print secrets (release values and manifests);"
                        + " allowed: get notes, get metadata");
            }
            return "read-only: helm get " + sub;
        }
        if (verb.equals("status")) {
            for (String format : rest.values("-o", "--output")) {
                if (!format.equals("table")) {
                    throw new RuleViolation(Rule.SECRET, "'helm status -o " + format + "' prints the release values, which may hold secrets");
                }
            }
        }
        return "read-only: helm " + verb;
    }
}
