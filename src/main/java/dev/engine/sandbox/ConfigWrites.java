package dev.engine.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tool configuration a stage's scripts write outside their clone (DESIGN.md §8): the sandbox
 * keeps the user's home read-only, so {@code talosctl config merge} or {@code kubectl config
 * use-context} would fail there. Found by reading the scripts a stage executes, so
 * {@code validate} (and {@code run}, before the first attempt) can name the {@code sandbox:
 * writable:} entry to add instead of a stage failing with "read-only file system".
 *
 * <p>A heuristic on purpose: a line is matched as written, without running anything.
 */
public final class ConfigWrites {
    /** One line that writes somewhere the sandbox keeps read-only. */
    public record Finding(String file, int line, String text, String path, String why) {}

    private record Rule(Pattern pattern, String path, String why) {}

    private static final String HOME = "(?:~|\\$HOME|\\$\\{HOME\\})";
    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("\\btalosctl\\b[^#|;&]*\\bkubeconfig\\b(?![ \\t]+[^-\\s#|;&])"), "~/.kube",
                    "talosctl kubeconfig merges into ~/.kube/config"),
            new Rule(Pattern.compile("\\btalosctl\\b[^#|;&]*\\bconfig[ \\t]+(?:merge|add|context|endpoints?|nodes?|remove|new)\\b"),
                    "~/.talos", "talosctl config changes ~/.talos/config"),
            new Rule(Pattern.compile("\\bkubectl\\b(?![^#|;&]*--kubeconfig)[^#|;&]*\\bconfig[ \\t]+(?:set|set-cluster|set-context|"
                    + "set-credentials|use-context|use|delete-cluster|delete-context|delete-user|rename-context|unset)\\b"),
                    "~/.kube", "kubectl config changes ~/.kube/config"),
            new Rule(Pattern.compile("\\bhelm\\b[^#|;&]*\\brepo[ \\t]+(?:add|update|up|remove|rm)\\b"), "~/.config/helm",
                    "helm repo keeps its list in ~/.config/helm"),
            new Rule(Pattern.compile("\\bhelm\\b[^#|;&]*\\brepo[ \\t]+(?:add|update|up)\\b"), "~/.cache/helm",
                    "helm repo caches indexes in ~/.cache/helm"),
            new Rule(Pattern.compile("\\bhelm\\b[^#|;&]*\\bplugin[ \\t]+install\\b"), "~/.local/share/helm",
                    "helm plugin install writes ~/.local/share/helm"),
            new Rule(Pattern.compile("\\bssh-keyscan\\b[^#]*>>?[ \\t]*" + HOME + "/\\.ssh/known_hosts"), "~/.ssh/known_hosts",
                    "appends host keys to ~/.ssh/known_hosts"),
            new Rule(Pattern.compile("\\baws[ \\t]+configure\\b"), "~/.aws", "aws configure writes ~/.aws"),
            new Rule(Pattern.compile("\\bgcloud[ \\t]+(?:auth|config|container[ \\t]+clusters[ \\t]+get-credentials)\\b"),
                    "~/.config/gcloud", "gcloud writes ~/.config/gcloud"));
    /** Redirections, tee, cp, mv, mkdir and touch into the home folder. */
    private static final Pattern INTO_HOME = Pattern.compile(
            "(?:>>?|\\btee(?:[ \\t]+-a)?|\\bcp\\b[^#|;&]*|\\bmv\\b[^#|;&]*|\\bmkdir(?:[ \\t]+-p)?|\\btouch|\\binstall\\b[^#|;&]*)[ \\t]+[\"']?"
                    + HOME + "/([^\\s\"'#;|&]+)");
    /** Proxmox management run on this host writes /etc/pve and /var/lib/vz: such a stage needs `sandbox: off`. */
    private static final Pattern LOCAL_PROXMOX = Pattern.compile(
            "^(?:[ \\t]*(?:sudo[ \\t]+)?)(?:qm|pct|pvesm)[ \\t]+(?:create|set|start|stop|destroy|importdisk|disk|clone|template|resize)\\b");

    private ConfigWrites() {}

    /** What the scripts (path to text) write outside the clone, in file and line order. */
    public static List<Finding> in(Map<String, String> scripts) {
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, String> s : scripts.entrySet()) {
            String[] lines = s.getValue().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                String code = stripComment(line);
                if (code.isBlank()) continue;
                for (Rule r : RULES) {
                    if (r.pattern().matcher(code).find()) {
                        out.add(new Finding(s.getKey(), i + 1, line.strip(), r.path(), r.why()));
                    }
                }
                Matcher m = INTO_HOME.matcher(code);
                while (m.find()) {
                    // A tool's folder (~/.kube), but only the very file under ~/.ssh: never authorized_keys.
                    String rest = m.group(1);
                    String path = rest.startsWith(".ssh/") ? "~/" + rest : "~/" + rest.split("/")[0];
                    out.add(new Finding(s.getKey(), i + 1, line.strip(), path, "writes into the home folder"));
                }
                if (LOCAL_PROXMOX.matcher(code).find()) {
                    out.add(new Finding(s.getKey(), i + 1, line.strip(), "off",
                            "manages Proxmox on this host (/etc/pve, /var/lib/vz)"));
                }
            }
        }
        return dedupe(out);
    }

    /** The findings a stage's {@code writable} list does not cover yet. */
    public static List<Finding> missing(List<Finding> found, List<String> writable) {
        return found.stream().filter(f -> writable.stream().noneMatch(w -> covers(w, f.path()))).toList();
    }

    /** The YAML a user adds to the stage: the writable paths, or {@code sandbox: off}. */
    public static String suggestion(List<Finding> missing, List<String> writable) {
        if (missing.stream().anyMatch(f -> f.path().equals("off"))) {
            return "sandbox: off";
        }
        Set<String> paths = new LinkedHashSet<>(writable);
        missing.forEach(f -> paths.add(f.path()));
        return "sandbox: {writable: [" + String.join(", ", paths) + "]}";
    }

    private static boolean covers(String writable, String needed) {
        String w = writable.endsWith("/") ? writable.substring(0, writable.length() - 1) : writable;
        return needed.equals(w) || needed.startsWith(w + "/");
    }

    private static String stripComment(String line) {
        String t = line.stripLeading();
        return t.startsWith("#") ? "" : line.replaceAll("[ \\t]#.*$", "");
    }

    private static List<Finding> dedupe(List<Finding> in) {
        Map<String, Finding> seen = new LinkedHashMap<>();
        for (Finding f : in) seen.putIfAbsent(f.file() + ":" + f.line() + ":" + f.path(), f);
        return List.copyOf(seen.values());
    }
}
