package dev.engine.redact;

import java.util.Locale;

/** What a file's path (and, for YAML, its top-level keys) says about the secrets it holds. */
record FileHints(boolean configFile, boolean envFile) {
    static final FileHints NONE = new FileHints(false, false);

    static FileHints of(String relativePath, String text) {
        String path = relativePath == null ? "" : relativePath.replace('\\', '/').toLowerCase(Locale.ROOT);
        String name = path.substring(path.lastIndexOf('/') + 1);
        boolean env = name.equals(".env") || name.equals(".envrc") || name.startsWith(".env.") || name.endsWith(".env");
        boolean config = name.contains("kubeconfig") || name.contains("talosconfig") || path.endsWith(".kube/config")
                || path.endsWith(".talos/config") || (isYaml(name) && (isTalosName(name) || hasConfigShape(text)));
        return new FileHints(config, env);
    }

    private static boolean isYaml(String name) {
        return name.endsWith(".yaml") || name.endsWith(".yml");
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

    private static boolean hasTopLevel(String text, String line) {
        return text.startsWith(line) || text.contains("\n" + line);
    }
}
