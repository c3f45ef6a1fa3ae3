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
