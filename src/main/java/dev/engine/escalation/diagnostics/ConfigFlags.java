package dev.engine.escalation.diagnostics;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Flags refused for every tool, in every spelling (issue 12): whatever points a tool at other
 * configuration, credentials, servers, identities or code ({@link Rule#FLAG_CONFIG}), and whatever
 * makes it read or write local files ({@link Rule#FLAG_FILE}). An earlier patch planted a
 * kubeconfig with an {@code exec:} credential plugin and {@code kubectl --kubeconfig=<file>} ran it
 * on the host; {@code --vmodule=round_trippers=9} printed bearer tokens.
 *
 * <p>Every word of the command is looked at, not only the ones a flag parser would take as
 * flags: {@code --KubeConfig=x}, {@code -kubeconfig x}, {@code ---token}, a flag hidden as the
 * value of another ({@code -n --kubeconfig=x}) or after {@code --} are all refused. That refuses a
 * few harmless spellings too; the tools reject most of them anyway (pflag is case-sensitive and has
 * no prefix abbreviations).
 */
final class ConfigFlags {
    private ConfigFlags() {}

    /** Long names (without dashes, lower case) and the families they start. */
    private record Family(String name, boolean prefix, Rule rule, String why) {
        boolean matches(String n) {
            return prefix ? n.startsWith(name) : n.equals(name);
        }
    }

    private static final String OTHER_CONFIG = "it points the tool at other configuration, which can run code on this host"
            + " (a kubeconfig exec: plugin); the tools use the configuration of the engine's environment";
    private static final String CREDENTIALS = "it supplies or reads credentials";
    private static final String SERVER = "it talks to another API server";
    private static final String IMPERSONATE = "it impersonates another identity";
    private static final String EXEC = "it configures a credential plugin, which runs code";
    private static final String VERBOSE = "verbose client logging can print credentials (request headers, bearer tokens)";
    private static final String TLS = "it changes how the server's identity is checked";
    private static final String WRITES = "it writes files";
    private static final String READS = "it reads local files";

    private static final List<Family> FAMILIES = List.of(
            new Family("kubeconfig", true, Rule.FLAG_CONFIG, OTHER_CONFIG),
            new Family("talosconfig", true, Rule.FLAG_CONFIG, OTHER_CONFIG),
            // kubectl's preferences file can define aliases and default flags for every command.
            new Family("kuberc", true, Rule.FLAG_CONFIG, OTHER_CONFIG),
            new Family("siderov1-keys-dir", true, Rule.FLAG_CONFIG, OTHER_CONFIG),
            new Family("registry-config", true, Rule.FLAG_CONFIG, OTHER_CONFIG),
            new Family("repository-config", true, Rule.FLAG_CONFIG, OTHER_CONFIG),
            new Family("server", false, Rule.FLAG_CONFIG, SERVER),
            new Family("server-", true, Rule.FLAG_CONFIG, SERVER),
            new Family("kube-apiserver", true, Rule.FLAG_CONFIG, SERVER),
            new Family("token", true, Rule.FLAG_CONFIG, CREDENTIALS),
            new Family("kube-token", true, Rule.FLAG_CONFIG, CREDENTIALS),
            new Family("username", false, Rule.FLAG_CONFIG, CREDENTIALS),
            new Family("password", true, Rule.FLAG_CONFIG, CREDENTIALS),
            new Family("client-key", true, Rule.FLAG_CONFIG, CREDENTIALS),
            new Family("client-certificate", true, Rule.FLAG_CONFIG, CREDENTIALS),
            new Family("certificate-authority", true, Rule.FLAG_CONFIG, TLS),
            new Family("kube-ca-file", true, Rule.FLAG_CONFIG, TLS),
            new Family("insecure-skip-tls-verify", true, Rule.FLAG_CONFIG, TLS),
            new Family("kube-insecure-skip-tls-verify", true, Rule.FLAG_CONFIG, TLS),
            new Family("tls-server-name", true, Rule.FLAG_CONFIG, TLS),
            new Family("kube-tls-server-name", true, Rule.FLAG_CONFIG, TLS),
            new Family("as", false, Rule.FLAG_CONFIG, IMPERSONATE),
            new Family("as-", true, Rule.FLAG_CONFIG, IMPERSONATE),
            new Family("kube-as-", true, Rule.FLAG_CONFIG, IMPERSONATE),
            new Family("exec", true, Rule.FLAG_CONFIG, EXEC),
            new Family("vmodule", true, Rule.FLAG_CONFIG, VERBOSE),
            new Family("v", false, Rule.FLAG_CONFIG, VERBOSE),
            new Family("log-backtrace-at", true, Rule.FLAG_CONFIG, VERBOSE),
            new Family("log-file", true, Rule.FLAG_FILE, WRITES),
            new Family("log-dir", true, Rule.FLAG_FILE, WRITES),
            new Family("cache-dir", true, Rule.FLAG_FILE, WRITES),
            new Family("repository-cache", true, Rule.FLAG_FILE, WRITES),
            new Family("output-dir", true, Rule.FLAG_FILE, WRITES),
            new Family("output-file", true, Rule.FLAG_FILE, WRITES),
            new Family("profile", true, Rule.FLAG_FILE, WRITES),
            new Family("filename", true, Rule.FLAG_FILE, READS),
            new Family("kustomize", true, Rule.FLAG_FILE, READS),
            new Family("template-file", true, Rule.FLAG_FILE, READS));

    /**
     * Output formats that read a template from a local file; a word starting with one is refused
     * wherever it stands ({@code -o go-template-file=/root/.kube/config}, {@code --output jsonpath-file=x}).
     */
    private static final Pattern FILE_FORMAT = Pattern.compile(
            "(go-template-file|jsonpath-file|templatefile|template-file|custom-columns-file)(=|$)");

    /** Throws when {@code word} spells a refused flag or a file-reading output format. */
    static void check(String tool, String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (lower.startsWith("-") && lower.length() > 1) {
            String name = lower.replaceFirst("^-+", "");
            int eq = name.indexOf('=');
            name = eq < 0 ? name : name.substring(0, eq);
            // "-v" and "-s" are short flags with meanings per tool; only "--v" is the long form.
            boolean shortForm = !lower.startsWith("--") && name.length() == 1;
            if (!shortForm) {
                for (Family f : FAMILIES) {
                    if (f.matches(name)) {
                        String shown = word.equals("--" + name) ? "'" + word + "'" : "'--" + name + "' (in '" + word + "')";
                        throw new RuleViolation(f.rule(), tool + " flag " + shown + " is not allowed: " + f.why());
                    }
                }
            }
        }
        if (FILE_FORMAT.matcher(lower).find()) {
            throw new RuleViolation(Rule.FLAG_FILE, tool + " output format '" + word + "' reads a local template file");
        }
    }
}
