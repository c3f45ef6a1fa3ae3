package dev.engine.redact;

import java.util.Locale;

/**
 * What a file's path (and, for YAML, its top-level keys) says about the secrets it holds.
 *
 * @param configFile kubeconfig, talosconfig, Talos machine config or secrets bundle: a bare
 *     {@code key:} holds a private key
 * @param envFile a {@code .env} file: any random-looking value goes
 * @param secretFile a file that holds nothing but secrets ({@code .git-credentials},
 *     {@code .pgpass}, {@code .netrc}, {@code *token*}, {@code *password*}, {@code *.key}): each
 *     line is one
 */
record FileHints(boolean configFile, boolean envFile, boolean secretFile) {
    static final FileHints NONE = new FileHints(false, false, false);

    FileHints(boolean configFile, boolean envFile) {
        this(configFile, envFile, false);
    }

    static FileHints of(String relativePath, String text) {
        String path = relativePath == null ? "" : relativePath.replace('\\', '/').toLowerCase(Locale.ROOT);
        String name = path.substring(path.lastIndexOf('/') + 1);
        boolean env = name.equals(".env") || name.equals(".envrc") || name.startsWith(".env.") || name.endsWith(".env");
        boolean config = name.contains("kubeconfig") || name.contains("talosconfig") || path.endsWith(".kube/config")
                || path.endsWith(".talos/config") || (isYaml(name) && (isTalosName(name) || hasConfigShape(text)));
        return new FileHints(config, env, isSecretFile(name));
    }

    private static boolean isYaml(String name) {
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** Structured or documented files are read by their structure, not as lines of secrets. */
    private static boolean isSecretFile(String name) {
        if (name.equals(".git-credentials") || name.equals(".pgpass") || name.equals(".netrc") || name.equals("_netrc")) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        if (ext.equals("key") && !name.endsWith(".pub.key")) {
            return true;
        }
        boolean structured = isYaml(name) || ext.equals("json") || ext.equals("md") || ext.equals("sh") || ext.equals("py")
                || ext.equals("go") || ext.equals("java") || ext.equals("js") || ext.equals("ts") || ext.equals("tf")
                || ext.equals("toml") || ext.equals("ini") || ext.equals("conf") || ext.equals("log") || ext.equals("html")
                || ext.equals("env") || name.startsWith(".env");
        if (structured) {
            return false;
        }
        return name.contains("token") || name.contains("password") || name.contains("passwd") || name.contains("secret")
                || name.contains("credential") || name.equals("age.key") || name.endsWith("apikey") || name.endsWith("api-key");
    }

    /** File names talosctl gen config / gen secrets write. */
    private static boolean isTalosName(String name) {
        String base = name.substring(0, name.lastIndexOf('.'));
        return base.equals("controlplane") || base.equals("worker") || base.equals("init") || base.equals("secrets")
                || base.equals("talosconfig") || base.endsWith("-controlplane") || base.endsWith("-worker");
    }

    /** Talos machine config or secrets bundle, kubeconfig, talosconfig, by their top-level keys. */
    private static boolean hasConfigShape(String text) {
        if (text == null) {
            return false;
        }
        return hasTopLevel(text, "machine:") || hasTopLevel(text, "trustdinfo:") || hasTopLevel(text, "kind: Config")
                || (hasTopLevel(text, "context:") && hasTopLevel(text, "contexts:"));
    }

    /** A whole line, at column 0, equal to {@code line} (trailing blanks and CR aside). */
    private static boolean hasTopLevel(String text, String line) {
        for (int at = text.startsWith(line) ? 0 : indexOfLine(text, line, 0); at >= 0; at = indexOfLine(text, line, at + 1)) {
            int e = at + line.length();
            while (e < text.length() && (text.charAt(e) == ' ' || text.charAt(e) == '\t' || text.charAt(e) == '\r')) {
                e++;
            }
            if (e == text.length() || text.charAt(e) == '\n') {
                return true;
            }
        }
        return false;
    }

    private static int indexOfLine(String text, String line, int from) {
        int i = text.indexOf("\n" + line, from);
        return i < 0 ? -1 : i + 1;
    }
}
