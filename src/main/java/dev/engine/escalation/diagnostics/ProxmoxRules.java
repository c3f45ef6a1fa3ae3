package dev.engine.escalation.diagnostics;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * qm and pvesh. {@code pvesh get} may read the Proxmox API except where the answer holds secrets
 * (issue 12: {@code pvesh get /access/users} ran). The path is decoded and normalised first, so
 * {@code //access}, {@code /nodes/../access}, {@code /%61ccess}, {@code /%2561ccess} and
 * {@code /ACCESS} are all {@code /access}.
 *
 * <p>Refused paths, and why (Proxmox VE's pve-manager sources):
 * <ul>
 *   <li>{@code /access/...}: users, API tokens, TFA, tickets, realms and their sync settings.</li>
 *   <li>{@code /cluster/acme/...}: {@code GET /cluster/acme/plugins/{id}} returns the plugin's
 *       entry of {@code priv/acme/plugins.cfg} whole, its {@code data} (the DNS provider's API
 *       credentials) included (PVE/API2/ACMEPlugin.pm, get_plugin_config).</li>
 *   <li>{@code /nodes/{node}/subscription}: returns the subscription key (PVE/API2/Subscription.pm,
 *       {@code $info->{key}}).</li>
 *   <li>{@code .../agent/...}: the QEMU guest agent reads files inside the VM ({@code file-read})
 *       and returns command output ({@code exec-status}).</li>
 *   <li>{@code .../cloudinit/...}: {@code cloudinit/dump} returns the generated user-data, with the
 *       password hash and SSH keys; {@code .../pending} lists pending changes, a new
 *       {@code cipassword} among them (refused as a precaution: whether it is masked there was not verified).</li>
 *   <li>{@code /nodes/{node}/storage/{storage}/file-restore/...}: lists and downloads files out of backups.</li>
 *   <li>{@code vncproxy}, {@code vncwebsocket}, {@code termproxy}, {@code spiceproxy},
 *       {@code mtunnel*}: create or use console and migration tickets.</li>
 *   <li>{@code /cluster/sdn/ipams}, {@code /cluster/sdn/dns}, {@code /cluster/notifications/endpoints}
 *       and {@code /targets}: plugin definitions that may carry API tokens; refused as a precaution
 *       (not verified in the source).</li>
 * </ul>
 * {@code /storage} stays allowed: storage passwords and encryption keys are kept out of
 * storage.cfg as "sensitive params" ({@code PVE::Tools::extract_sensitive_params}) and live
 * under {@code priv/}, which the storage API does not return.
 */
final class ProxmoxRules {
    private ProxmoxRules() {}

    private static final Map<String, Set<String>> QM = Map.of(
            "list", Set.of("full"),
            "status", Set.of("verbose"),
            "config", Set.of("current", "snapshot"));

    static String qm(List<String> args) {
        String verb = args.isEmpty() ? "" : args.get(0);
        Set<String> options = QM.get(verb);
        if (options == null) {
            throw new RuleViolation(Rule.VERB, "qm verb '" + verb + "' is not read-only (allowed: list, status, config)");
        }
        List<String> positionals = new ArrayList<>();
        List<String> rest = args.subList(1, args.size());
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            ConfigFlags.check("qm", a);
            if (!a.startsWith("-")) {
                positionals.add(a);
                continue;
            }
            // The Proxmox CLI takes -name and --name alike.
            String name = a.replaceFirst("^-+", "");
            int eq = name.indexOf('=');
            name = eq < 0 ? name : name.substring(0, eq);
            if (!options.contains(name)) {
                throw new RuleViolation(Rule.FLAG_UNKNOWN, "qm " + verb + " option '" + a + "' is not allowed (allowed: "
                        + ToolSupport.sorted(options) + ")");
            }
            if (name.equals("snapshot") && eq < 0) {
                i++;
            }
        }
        if (verb.equals("list") ? !positionals.isEmpty() : positionals.size() != 1 || !positionals.get(0).matches("[0-9]{1,9}")) {
            throw new RuleViolation(Rule.ARGUMENTS, verb.equals("list") ? "qm list takes no arguments" : "qm " + verb + " takes one numeric VM id");
        }
        return "read-only: qm " + verb;
    }

    private static final Set<String> PVESH_SWITCHES = Set.of("noborder", "noheader", "human-readable", "quiet");
    private static final Set<String> OUTPUT_FORMATS = Set.of("json", "json-pretty", "text", "yaml");
    /** API parameters of the GET calls a diagnosis uses (cluster resources, tasks, syslog, storage content). */
    private static final Set<String> PVESH_PARAMETERS = Set.of("output-format", "type", "full", "vmtype", "limit", "start", "since",
            "until", "lastentries", "typefilter", "content", "storage", "vmid", "errors", "userfilter", "source", "timeframe",
            "cf", "enabled", "format", "current", "snapshot", "target");

    static String pvesh(List<String> args) {
        String verb = args.isEmpty() ? "" : args.get(0);
        if (!verb.equals("get")) {
            throw new RuleViolation(Rule.VERB, "pvesh verb '" + verb + "' is not read-only (allowed: get)");
        }
        List<String> paths = new ArrayList<>();
        List<String> rest = args.subList(1, args.size());
        // Every word that could be the path is judged first: the path's rule names the real
        // problem even when an option after it is wrong too.
        for (String a : rest) {
            if (!a.startsWith("-")) {
                try {
                    checkPath(a);
                } catch (RuleViolation v) {
                    if (v.rule() != Rule.PVESH_PATH) {
                        throw v;
                    }
                }
            }
        }
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            ConfigFlags.check("pvesh", a);
            if (!a.startsWith("-")) {
                paths.add(a);
                continue;
            }
            String name = a.replaceFirst("^-+", "").toLowerCase(Locale.ROOT);
            int eq = name.indexOf('=');
            String value = eq < 0 ? null : name.substring(eq + 1);
            name = eq < 0 ? name : name.substring(0, eq);
            if (PVESH_SWITCHES.contains(name)) {
                continue;
            }
            if (!PVESH_PARAMETERS.contains(name)) {
                throw new RuleViolation(Rule.FLAG_UNKNOWN, "pvesh option '" + a + "' is not allowed (allowed: " + ToolSupport.sorted(PVESH_SWITCHES)
                        + ", " + ToolSupport.sorted(PVESH_PARAMETERS) + ")");
            }
            if (value == null) {
                if (++i >= rest.size()) {
                    throw new RuleViolation(Rule.ARGUMENTS, "pvesh option '" + a + "' needs a value");
                }
                value = rest.get(i).toLowerCase(Locale.ROOT);
                ConfigFlags.check("pvesh", value);
            }
            if (name.equals("output-format") && !OUTPUT_FORMATS.contains(value)) {
                throw new RuleViolation(Rule.FLAG_UNKNOWN, "pvesh output format '" + value + "' is not allowed (allowed: "
                        + ToolSupport.sorted(OUTPUT_FORMATS) + ")");
            }
        }
        if (paths.size() != 1) {
            throw new RuleViolation(Rule.ARGUMENTS, "pvesh get takes exactly one API path");
        }
        checkPath(paths.get(0));
        return "read-only: pvesh get";
    }

    static void checkPath(String path) {
        List<String> segments = segments(path);
        String shown = "'pvesh get " + path + "'" + (("/" + String.join("/", segments)).equals(path) ? "" : " (that is /" + String.join("/", segments) + ")");
        if (segments.contains("access")) {
            throw new RuleViolation(Rule.PVESH_ACCESS, shown + " reads /access: users, API tokens, two-factor settings and realms");
        }
        String why = secretReason(segments);
        if (why != null) {
            throw new RuleViolation(Rule.PVESH_SECRET, shown + " " + why);
        }
    }

    private static String secretReason(List<String> s) {
        if (startsWith(s, "cluster", "acme")) {
            return "returns ACME settings; an ACME plugin's answer carries the DNS provider's API credentials";
        }
        if (s.size() >= 3 && s.get(0).equals("nodes") && s.get(2).equals("subscription")) {
            return "returns the subscription key";
        }
        if (s.contains("agent")) {
            return "goes through the guest agent, which reads files and command output inside the VM";
        }
        if (s.contains("cloudinit") || s.contains("pending")) {
            return "returns cloud-init user data or pending changes (password hash, SSH keys)";
        }
        if (s.contains("file-restore")) {
            return "reads files out of backups";
        }
        for (String seg : s) {
            if (Set.of("vncproxy", "vncwebsocket", "termproxy", "spiceproxy", "mtunnel", "mtunnelwebsocket").contains(seg)) {
                return "creates or uses a console or tunnel ticket";
            }
        }
        if (startsWith(s, "cluster", "sdn", "ipams") || startsWith(s, "cluster", "sdn", "dns")
                || startsWith(s, "cluster", "notifications", "endpoints") || startsWith(s, "cluster", "notifications", "targets")) {
            return "returns plugin or endpoint definitions that may carry API tokens";
        }
        return null;
    }

    private static boolean startsWith(List<String> s, String... prefix) {
        if (s.size() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (!s.get(i).equals(prefix[i])) {
                return false;
            }
        }
        return true;
    }

    /** Lower-case segments after percent-decoding (repeatedly) and resolving "." and "..". */
    static List<String> segments(String path) {
        String decoded = path;
        for (int round = 0; round < 5 && decoded.contains("%"); round++) {
            try {
                decoded = URLDecoder.decode(decoded.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RuleViolation(Rule.PVESH_PATH, "pvesh path '" + path + "' has a broken percent-escape");
            }
        }
        if (decoded.contains("%")) {
            throw new RuleViolation(Rule.PVESH_PATH, "pvesh path '" + path + "' is escaped more than five times over");
        }
        if (!decoded.matches("[A-Za-z0-9/._:@!-]*")) {
            throw new RuleViolation(Rule.PVESH_PATH, "pvesh path '" + path + "' holds characters an API path does not ('"
                    + decoded.replaceAll("[A-Za-z0-9/._:@!-]", "") + "')");
        }
        List<String> out = new ArrayList<>();
        for (String seg : decoded.toLowerCase(Locale.ROOT).split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
                continue;
            }
            out.add(seg);
        }
        return out;
    }
}
