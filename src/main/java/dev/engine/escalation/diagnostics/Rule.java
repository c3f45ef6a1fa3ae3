package dev.engine.escalation.diagnostics;

/**
 * The rule that refused a diagnostic. Its {@link #id()} is stable: the audit trail, the v2 case
 * file and {@code engine validate} name it, so an operator can grep for one kind of refusal.
 */
public enum Rule {
    EMPTY("empty", "the command is empty"),
    TOO_LONG("too-long", "the command is longer than the limit"),
    METACHAR("metachar", "shell metacharacters, line breaks or control characters"),
    NON_ASCII("non-ascii", "characters outside ASCII (lookalikes of real command names)"),
    SHELL_SYNTAX("shell-syntax", "unbalanced quotes, parameter expansion, empty pipeline segments"),
    COMMAND("command", "a program that is not one of the read-only tools, or a path to one"),
    VERB("verb", "a verb or sub-command that is not read-only"),
    PLUGIN("plugin", "a tool plugin (kubectl foo -> kubectl-foo, helm and flux plugins)"),
    FLAG_CONFIG("flag-config", "flags that point a tool at other configuration, credentials, servers, identities or code"),
    FLAG_FILE("flag-file", "flags that read or write local files (output/log/cache directories, template files)"),
    FLAG_UNKNOWN("flag-unknown", "a flag not on the tool's positive list"),
    NEVER_ENDS("never-ends", "follow/watch forms that never end"),
    SECRET("secret", "reads that print secret values (kubectl secrets, helm values)"),
    TALOSCTL_RESOURCE("talosctl-resource", "talosctl get of a resource type outside the positive list, after alias resolution"),
    DNS_SERVER("dns-server", "a DNS query sent to a chosen server (@server, nslookup's server argument, port)"),
    DNS_TRANSFER("dns-transfer", "zone transfers (AXFR/IXFR in any spelling)"),
    DNS_OPTION("dns-option", "DNS options, types or classes outside the positive list"),
    DNS_UNKNOWN_NAME("dns-unknown-name", "a queried name that appears in none of the stage's files, log or context map"),
    HOST_UNKNOWN("host-unknown", "a host (ping, talosctl --nodes/--endpoints) that appears in none of the known texts"),
    PVESH_ACCESS("pvesh-access", "pvesh get under /access, in any spelling"),
    PVESH_SECRET("pvesh-secret", "pvesh get of a path whose answer holds secrets"),
    PVESH_PATH("pvesh-path", "a pvesh path that cannot be read unambiguously"),
    ARGUMENTS("arguments", "missing or extra arguments"),
    STAGE_ENTRY("stage-entry", "a stage diagnostic that cannot run without a shell or lacks a variable"),
    STAGE_HOST("stage-host", "the stage's host: setting is invalid, so nothing can run there");

    private final String id;
    private final String summary;

    Rule(String id, String summary) {
        this.id = id;
        this.summary = summary;
    }

    /** The stable identifier written to the audit trail. */
    public String id() {
        return id;
    }

    /** What the rule refuses, in one line. */
    public String summary() {
        return summary;
    }

    @Override
    public String toString() {
        return id;
    }
}
