package dev.engine.redact;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Layer 1: the secret values a workspace and the engine's environment actually hold, so that each
 * is redacted wherever it turns up (raw, base64, URL-encoded, JSON-escaped, wrapped), in texts
 * where nothing else would recognise it: a pod log echoing a password, a value in a file name.
 *
 * <p>Values come from the workspace's files (what the other layers find in {@code .env},
 * kubeconfig, talosconfig, Talos machine configs and secrets bundles, Secret manifests with their
 * {@code data} decoded, docker {@code config.json}, scripts, SOPS-governed files whose values are
 * in the clear) and from environment variables with secret-ish names or random-looking values.
 * Immutable; {@link #toString()} never shows a value.
 */
public final class KnownSecrets {
    /** Shorter environment values would match too much ordinary text. */
    static final int MIN_ENV_SECRET = 6;
    /** Values found in files are searched everywhere only from this length on, for the same reason. */
    static final int MIN_FILE_SECRET = 8;

    /** One value and where it was found (names only: file and line, variable name). */
    record Known(String value, String source) {
        @Override
        public String toString() {
            return "Known[" + source + "]";
        }
    }

    /**
     * Bounds on the cost of {@link #collect}: files listed, files read, bytes per file and in
     * total, values kept.
     */
    public record Limits(int maxListed, int maxFiles, long maxFileBytes, long maxTotalBytes, int maxValues) {
        // measured: 610 files, 2.4 MB in 1.1 s warm (bench machine); these bounds keep a large repository to a few seconds
        public static final Limits DEFAULT = new Limits(50_000, 2_000, 512 * 1024, 16L * 1024 * 1024, 20_000);
    }

    /** What a collection looked at, for the status page and the bench (no values). */
    public record Stats(int filesListed, int filesRead, long bytesRead, int values, boolean truncated) {}

    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "node_modules", ".terraform", "vendor", "target", "build",
            "dist", ".venv", "venv", "__pycache__", ".cache", ".idea", ".gradle", ".mypy_cache", ".pytest_cache", ".tox",
            "state", "logs", "escalations", "patches", ".direnv");
    private static final Set<String> BINARY_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "webp", "ico", "svg", "pdf", "gz",
            "tgz", "zip", "xz", "bz2", "zst", "tar", "iso", "img", "qcow2", "raw", "vmdk", "jar", "class", "so", "dylib", "dll",
            "exe", "bin", "woff", "woff2", "ttf", "otf", "mp3", "mp4", "mkv", "webm", "sqlite", "db", "lock");

    private final List<Known> values;
    private final Stats stats;

    private KnownSecrets(List<Known> values, Stats stats) {
        this.values = List.copyOf(values);
        this.stats = stats;
    }

    public static KnownSecrets none() {
        return new KnownSecrets(List.of(), new Stats(0, 0, 0, 0, false));
    }

    /** The environment's secrets only. */
    public static KnownSecrets fromEnvironment(Map<String, String> env) {
        Collector c = new Collector(Limits.DEFAULT);
        c.environment(env);
        return c.result(0, 0, 0, false);
    }

    /** The secrets of {@code workspace} (bounded by {@link Limits#DEFAULT}) and of {@code env}. */
    public static KnownSecrets collect(Path workspace, Map<String, String> env) throws IOException {
        return collect(workspace, env, Limits.DEFAULT);
    }

    /**
     * Reads the workspace's tracked and git-ignored local files (not {@code .git}, dependency or
     * build folders, the engine's runtime folders, symlinks, binaries), the ones whose names say
     * secrets first, within {@code limits}.
     */
    public static KnownSecrets collect(Path workspace, Map<String, String> env, Limits limits) throws IOException {
        Objects.requireNonNull(workspace, "workspace");
        Collector c = new Collector(limits);
        if (env != null) {
            c.environment(env);
        }
        return c.workspace(workspace);
    }

    /** This and {@code other}, duplicates dropped. */
    public KnownSecrets plus(KnownSecrets other) {
        Map<String, Known> all = new LinkedHashMap<>();
        for (Known k : values) {
            all.putIfAbsent(k.value(), k);
        }
        for (Known k : other.values) {
            all.putIfAbsent(k.value(), k);
        }
        return new KnownSecrets(new ArrayList<>(all.values()), new Stats(stats.filesListed() + other.stats.filesListed(),
                stats.filesRead() + other.stats.filesRead(), stats.bytesRead() + other.stats.bytesRead(), all.size(),
                stats.truncated() || other.stats.truncated()));
    }

    public int size() {
        return values.size();
    }

    public Stats stats() {
        return stats;
    }

    /** Where the values were found, one entry per value (file:line or env:NAME), for logs and tests. */
    public List<String> sources() {
        return values.stream().map(Known::source).toList();
    }

    List<Known> values() {
        return values;
    }

    @Override
    public String toString() {
        return "KnownSecrets[" + values.size() + " values]";
    }

    /**
     * Worth searching for in every text: long enough, not a word anyone might write. A value
     * failing this is still redacted where a rule finds it, only not everywhere.
     */
    static boolean isDistinctive(String v, int min) {
        if (v.length() < min || KeyNames.isTrivial(v) || KeyNames.looksLikePath(v) || v.indexOf('\n') >= 0) {
            return false;
        }
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        boolean other = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            digit |= Character.isDigit(c);
            upper |= Character.isUpperCase(c);
            lower |= Character.isLowerCase(c);
            other |= !Character.isLetterOrDigit(c) && c != ' ';
        }
        return digit || other || (upper && lower) || v.length() >= 16;
    }

    private static final class Collector {
        private final Limits limits;
        private final Map<String, Known> found = new LinkedHashMap<>();
        private boolean truncated;

        Collector(Limits limits) {
            this.limits = limits;
        }

        void add(String value, String source, int min) {
            String v = value.strip();
            if (found.size() >= limits.maxValues()) {
                truncated = true;
                return;
            }
            if (isDistinctive(v, min)) {
                found.putIfAbsent(v, new Known(v, source));
            }
        }

        KnownSecrets result(int listed, int read, long bytes, boolean cut) {
            return new KnownSecrets(new ArrayList<>(found.values()), new Stats(listed, read, bytes, found.size(), cut || truncated));
        }

        /** Secret-named variables (6+ characters), random-looking values of any variable, URL passwords. */
        void environment(Map<String, String> env) {
            env.forEach((name, value) -> {
                if (name == null || value == null || value.isEmpty()) {
                    return;
                }
                String u = name.toUpperCase(Locale.ROOT);
                if (u.endsWith("_FILE") || u.endsWith("_PATH") || u.endsWith("_DIR") || u.endsWith("_HOME")) {
                    return;
                }
                boolean named = KeyNames.isSensitiveEnvName(name);
                for (String line : value.split("\r?\n")) {
                    String v = line.strip();
                    // a URL's secret is its userinfo or token path (SENTRY_DSN, SLACK_WEBHOOK_URL, DATABASE_URL):
                    // the host around it is not, and stays readable where the URL is printed
                    List<Span> parts = new ArrayList<>();
                    if (v.contains("://")) {
                        CommandLineScanner.scan(v, parts);
                        TokenScanner.scan(v, parts);
                        for (Span s : parts) {
                            add(v.substring(s.start(), s.end()), "env:" + name, MIN_ENV_SECRET);
                        }
                    }
                    if (!parts.isEmpty()) {
                        continue;
                    }
                    if (named && v.length() >= MIN_ENV_SECRET && !KeyNames.isTrivial(v) && !KeyNames.looksLikePath(v)) {
                        found.putIfAbsent(v, new Known(v, "env:" + name));
                    } else if (!named && !v.startsWith("/") && !v.startsWith("~") && EntropyRule.isRandomSecret("value", v)) {
                        found.putIfAbsent(v, new Known(v, "env:" + name));
                    }
                }
            });
        }

        KnownSecrets workspace(Path root) throws IOException {
            Path ws = root.toAbsolutePath().normalize();
            List<Path> files = new ArrayList<>();
            boolean[] cut = {false};
            Files.walkFileTree(ws, Set.of(), 16, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(ws) && SKIPPED_DIRS.contains(dir.getFileName().toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && attrs.size() <= limits.maxFileBytes() && !isBinaryName(file)) {
                        if (files.size() >= limits.maxListed()) {
                            cut[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable: nothing to learn from it
                }
            });
            files.sort(Comparator.comparingInt((Path p) -> priority(ws.relativize(p).toString())).thenComparing(Path::toString));
            List<SopsRule> sops = SopsRule.read(ws);
            int read = 0;
            long bytes = 0;
            for (Path f : files) {
                if (read >= limits.maxFiles() || bytes >= limits.maxTotalBytes()) {
                    cut[0] = true;
                    break;
                }
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                byte[] b;
                try {
                    b = Files.readAllBytes(f);
                } catch (IOException e) {
                    continue;
                }
                if (isBinary(b)) {
                    continue;
                }
                read++;
                bytes += b.length;
                String rel = ws.relativize(f).toString().replace('\\', '/');
                file(rel, new String(b, StandardCharsets.UTF_8), sops);
            }
            return result(files.size(), read, bytes, cut[0]);
        }

        /** What the other layers find in the file is what it holds. */
        private void file(String rel, String text, List<SopsRule> sops) {
            List<Span> spans = new Detectors(FileHints.of(rel, text)).find(text);
            for (Span s : spans) {
                String v = text.substring(s.start(), s.end());
                String source = rel + ":" + lineOf(text, s.start());
                if (v.indexOf('\n') < 0) {
                    add(v, source, MIN_FILE_SECRET);
                } else {
                    for (String line : v.split("\r?\n")) {
                        add(line, source, 20); // lines of a key or a block: long ones only
                    }
                }
                if (s.identity() != null) {
                    for (String line : s.identity().split("\r?\n")) {
                        add(line, source, MIN_FILE_SECRET); // a Secret's data, decoded
                    }
                    int colon = s.identity().indexOf(':');
                    if ("b64".equals(s.form()) && colon > 0 && s.identity().indexOf('\n') < 0) {
                        add(s.identity().substring(colon + 1), source, MIN_FILE_SECRET); // docker auth: user:password
                    }
                }
            }
            for (SopsRule r : sops) {
                // a rule covering every file would make every value a secret: then only files SOPS wrote count
                if (r.applies(rel) && (!r.broad() || text.contains("\nsops:"))) {
                    r.plaintext(text, (v, line) -> add(v, rel + ":" + line + " (sops rule, not encrypted)", MIN_FILE_SECRET));
                    break;
                }
            }
        }
    }

    private static int lineOf(String t, int at) {
        int line = 1;
        for (int i = t.indexOf('\n'); i >= 0 && i < at; i = t.indexOf('\n', i + 1)) {
            line++;
        }
        return line;
    }

    /** Files whose names say secrets first, then configuration, then everything else. */
    static int priority(String rel) {
        String p = rel.toLowerCase(Locale.ROOT);
        String name = p.substring(p.lastIndexOf('/') + 1);
        if (name.startsWith(".env") || name.endsWith(".env") || name.contains("secret") || name.contains("token")
                || name.contains("password") || name.contains("credential") || name.contains("kubeconfig")
                || name.contains("talosconfig") || name.equals("config.json") || name.endsWith(".key") || name.equals(".netrc")
                || name.equals(".pgpass") || name.equals(".git-credentials") || p.endsWith(".kube/config")
                || p.endsWith(".talos/config") || name.contains(".sops.") || name.endsWith(".tfvars")) {
            return 0;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json") || name.endsWith(".sh")
                || name.endsWith(".conf") || name.endsWith(".toml") || name.endsWith(".ini") || name.startsWith(".")) {
            return 1;
        }
        return 2;
    }

    private static boolean isBinaryName(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && BINARY_EXTENSIONS.contains(name.substring(dot + 1));
    }

    private static boolean isBinary(byte[] b) {
        int n = Math.min(b.length, 8192);
        for (int i = 0; i < n; i++) {
            if (b[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A {@code .sops.yaml} creation rule: files it covers are meant to be encrypted, so values
     * under its encrypted keys that are not {@code ENC[...]} are secrets in the clear (a file
     * decrypted in place, or never encrypted).
     */
    record SopsRule(Pattern path, Pattern encrypted, Pattern unencrypted) {
        interface Sink {
            void accept(String value, int line);
        }

        boolean applies(String rel) {
            return path == null || path.matcher(rel).find();
        }

        /** Covers ordinary file names too, not only those named for SOPS ({@code *.sops.yaml}, {@code secrets/}). */
        boolean broad() {
            return applies("apps/web/deployment.yaml") || applies("values.yaml");
        }

        static List<SopsRule> read(Path ws) {
            Path f = ws.resolve(".sops.yaml");
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                return List.of();
            }
            try {
                Object doc = yaml().load(new StringReader(Files.readString(f)));
                List<SopsRule> rules = new ArrayList<>();
                if (doc instanceof Map<?, ?> m && m.get("creation_rules") instanceof List<?> list) {
                    for (Object o : list) {
                        if (o instanceof Map<?, ?> r) {
                            rules.add(new SopsRule(pattern(r.get("path_regex")), pattern(r.get("encrypted_regex")),
                                    pattern(r.get("unencrypted_regex"))));
                        }
                    }
                }
                return rules;
            } catch (IOException | RuntimeException e) {
                return List.of(); // an unreadable rule file: the other layers still apply
            }
        }

        private static Pattern pattern(Object o) {
            if (!(o instanceof String s)) {
                return null;
            }
            try {
                return Pattern.compile(s);
            } catch (PatternSyntaxException e) {
                return null;
            }
        }

        /** The values in the clear under the keys this rule encrypts. */
        void plaintext(String text, Sink sink) {
            if (!looksYaml(text)) {
                return;
            }
            try {
                for (Object doc : yaml().loadAll(new StringReader(text))) {
                    walk(doc, false, text, sink, 0);
                }
            } catch (RuntimeException notYaml) {
                // the line rules already looked at it
            }
        }

        private void walk(Object o, boolean under, String text, Sink sink, int depth) {
            if (depth > 32) {
                return;
            }
            if (o instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String k = String.valueOf(e.getKey());
                    if (k.equals("sops") && depth == 0) {
                        continue;
                    }
                    boolean enc = under || (encrypted != null ? encrypted.matcher(k).find()
                            : unencrypted == null || !unencrypted.matcher(k).find());
                    walk(e.getValue(), enc, text, sink, depth + 1);
                }
            } else if (o instanceof List<?> l) {
                for (Object i : l) {
                    walk(i, under, text, sink, depth + 1);
                }
            } else if (under && o != null) {
                String v = String.valueOf(o);
                if (!v.startsWith("ENC[")) {
                    int at = text.indexOf(v);
                    sink.accept(v, at < 0 ? 0 : lineOf(text, at));
                }
            }
        }

        private static boolean looksYaml(String t) {
            return !t.isBlank();
        }

        private static Yaml yaml() {
            LoaderOptions o = new LoaderOptions();
            o.setAllowDuplicateKeys(true);
            o.setMaxAliasesForCollections(50);
            return new Yaml(new SafeConstructor(o));
        }
    }
}
