package dev.engine.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads {@code context_map.yaml}. Works on SnakeYAML's node tree rather than plain maps so every
 * problem can name its line, and collects all problems before failing.
 */
public final class ContextMapLoader {
    private static final Set<String> TOP_KEYS = Set.of("stages", "protected_files", "architecture_section_keywords", "engine", "notify");
    private static final Set<String> STAGE_KEYS = Set.of("description", "command", "host", "depends_on", "timeout",
            "success_checks", "files", "architecture_sections", "success_criteria", "diagnostics", "sandbox");
    // Stage names become file names under state/ and logs/, so keep them to safe characters.
    private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern HOST = Pattern.compile(
            "(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(?::(\\d{1,5}))?");

    private ContextMapLoader() {}

    public static ContextMap load(Path file) throws ConfigException {
        String text = read(file);
        Node root;
        try {
            // Duplicate keys are found by NodeReader, with both lines, rather than by SnakeYAML.
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw new ConfigException(file, line, "", "YAML syntax error: " + e.getProblem() + context);
        } catch (YAMLException e) {
            throw new ConfigException(file, 0, "", "cannot parse YAML: " + e.getMessage());
        }
        NodeReader r = new NodeReader(file);
        ContextMap map = read(r, root);
        if (!r.errors().isEmpty()) {
            throw new ConfigException(r.errors());
        }
        return map;
    }

    private static String read(Path file) throws ConfigException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "", "file not found: " + file.toAbsolutePath()
                    + " (run from the workspace, or pass --home DIR)");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, 0, "", "not valid UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "", "cannot read " + file.toAbsolutePath() + ": " + e);
        }
    }

    private static ContextMap read(NodeReader r, Node root) {
        List<StageSpec> stages = new ArrayList<>();
        List<String> protectedFiles = List.of();
        Map<String, List<String>> keywords = new LinkedHashMap<>();
        Map<String, String> engine = new LinkedHashMap<>();
        Map<String, Integer> engineLines = new LinkedHashMap<>();
        if (NodeReader.isNull(root)) {
            r.error(1, "", "the file is empty; it needs a 'stages:' mapping");
        } else {
            Optional<Map<String, NodeReader.Entry>> top = r.mapping(root, "");
            if (top.isPresent()) {
                Map<String, NodeReader.Entry> entries = top.get();
                entries.values().stream().filter(e -> !TOP_KEYS.contains(e.key()))
                        .forEach(e -> r.warn(e.keyNode(), e.key(), "unknown key, ignored"));
                NodeReader.Entry stagesEntry = entries.get("stages");
                if (stagesEntry == null) {
                    r.error(NodeReader.line(root), "stages", "missing; add a 'stages:' mapping with at least one stage");
                } else {
                    stages = stages(r, stagesEntry);
                }
                if (entries.containsKey("protected_files")) {
                    protectedFiles = r.stringList(entries.get("protected_files").value(), "protected_files");
                }
                if (entries.containsKey("architecture_section_keywords")) {
                    keywords = keywords(r, entries.get("architecture_section_keywords").value());
                }
                if (entries.containsKey("engine")) {
                    List<String> extra = new ArrayList<>();
                    engine(r, entries.get("engine").value(), engine, engineLines, extra);
                    // engine.protected only adds to protected_files; the built-in defaults stay whatever is listed.
                    List<String> all = new ArrayList<>(protectedFiles);
                    all.addAll(extra);
                    protectedFiles = all;
                }
                if (entries.containsKey("notify")) {
                    notify(r, entries.get("notify").value(), engine, engineLines);
                }
            }
        }
        return new ContextMap(r.file(), stages, protectedFiles, keywords, engine, engineLines, r.warnings());
    }

    /**
     * {@code notify: {webhook_url: ...}} (issue wording) is the same setting as
     * {@code engine.notify_webhook_url}; the engine block wins when both are given.
     */
    private static void notify(NodeReader r, Node node, Map<String, String> values, Map<String, Integer> lines) {
        if (NodeReader.isNull(node)) {
            return;
        }
        r.mapping(node, "notify").ifPresent(entries -> entries.values().forEach(e -> {
            String field = "notify." + e.key();
            if (!e.key().equals("webhook_url")) {
                r.warn(e.keyNode(), field, "unknown key, ignored (known: webhook_url)");
                return;
            }
            r.scalar(e.value(), field).ifPresent(raw -> {
                try {
                    Settings.NOTIFY_WEBHOOK_URL.parse(raw);
                    values.putIfAbsent(Settings.NOTIFY_WEBHOOK_URL.key(), raw);
                    lines.putIfAbsent(Settings.NOTIFY_WEBHOOK_URL.key(), NodeReader.line(e.value()));
                } catch (IllegalArgumentException bad) {
                    r.error(e.value(), field, bad.getMessage());
                }
            });
        }));
    }

    private static List<StageSpec> stages(NodeReader r, NodeReader.Entry entry) {
        Node node = entry.value();
        if (NodeReader.isNull(node)) {
            r.error(entry.keyNode(), "stages", "no stages defined; add at least one stage with a 'command'");
            return List.of();
        }
        Optional<Map<String, NodeReader.Entry>> entries = r.mapping(node, "stages");
        if (entries.isEmpty()) {
            return List.of();
        }
        if (entries.get().isEmpty()) {
            r.error(node, "stages", "no stages defined; add at least one stage with a 'command'");
            return List.of();
        }
        List<StageSpec> stages = new ArrayList<>();
        Map<String, NodeReader.Entry> dependsOnNodes = new LinkedHashMap<>();
        for (NodeReader.Entry stage : entries.get().values()) {
            stage(r, stage, dependsOnNodes).ifPresent(stages::add);
        }
        checkDependencies(r, entries.get(), dependsOnNodes);
        return stages;
    }

    private static Optional<StageSpec> stage(NodeReader r, NodeReader.Entry stage,
            Map<String, NodeReader.Entry> dependsOnNodes) {
        String name = stage.key();
        String field = "stages." + name;
        int errorsBefore = r.errors().size();
        if (!STAGE_NAME.matcher(name).matches()) {
            r.error(stage.keyNode(), field,
                    "stage names may only contain letters, digits, '.', '_' and '-', and must start with a letter or digit");
        }
        if (NodeReader.isNull(stage.value())) {
            r.error(stage.keyNode(), field, "stage has no settings; it needs at least a 'command'");
            return Optional.empty();
        }
        Optional<Map<String, NodeReader.Entry>> maybe = r.mapping(stage.value(), field);
        if (maybe.isEmpty()) {
            return Optional.empty();
        }
        Map<String, NodeReader.Entry> e = maybe.get();
        e.values().stream().filter(x -> !STAGE_KEYS.contains(x.key()))
                .forEach(x -> r.warn(x.keyNode(), field + "." + x.key(), "unknown key, ignored"));

        String description = value(e, "description").flatMap(n -> r.scalar(n, field + ".description")).orElse("");
        String command = null;
        NodeReader.Entry commandEntry = e.get("command");
        if (commandEntry == null) {
            r.error(stage.keyNode(), field + ".command", "missing; every stage needs the shell command that runs it");
        } else {
            Optional<String> c = r.text(commandEntry.value(), field + ".command");
            if (c.isPresent() && c.get().isBlank()) {
                r.error(commandEntry.value(), field + ".command", "is blank; give the shell command that runs this stage");
            } else if (c.isEmpty() && NodeReader.isNull(commandEntry.value())) {
                r.error(commandEntry.keyNode(), field + ".command", "is empty; give the shell command that runs this stage");
            }
            command = c.filter(s -> !s.isBlank()).orElse(null);
        }
        Optional<String> host = value(e, "host").flatMap(n -> r.scalar(n, field + ".host")
                .filter(h -> validHost(r, n, field + ".host", h)));
        Optional<Duration> timeout = value(e, "timeout").flatMap(n -> r.scalar(n, field + ".timeout")
                .flatMap(t -> timeout(r, n, field + ".timeout", t)));
        List<String> dependsOn = List.of();
        if (e.containsKey("depends_on")) {
            dependsOnNodes.put(name, e.get("depends_on"));
            dependsOn = List.copyOf(new LinkedHashSet<>(r.stringList(e.get("depends_on").value(), field + ".depends_on")));
        }
        List<String> checks = list(r, e, field, "success_checks");
        List<String> files = list(r, e, field, "files");
        List<String> sections = list(r, e, field, "architecture_sections");
        List<String> criteria = list(r, e, field, "success_criteria");
        List<String> diagnostics = list(r, e, field, "diagnostics");
        StageSandbox sandbox = value(e, "sandbox").map(n -> sandbox(r, n, field + ".sandbox")).orElse(StageSandbox.DEFAULT);
        if (r.errors().size() != errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new StageSpec(name, description, command, host, dependsOn, timeout, checks, files,
                sections, criteria, diagnostics, sandbox, NodeReader.line(stage.keyNode())));
    }

    /**
     * {@code sandbox: off}, or {@code sandbox: {writable: [~/.talos, /var/lib/x]}}. Writable paths
     * must be absolute or start with {@code ~/}: a relative one would depend on where the stage runs.
     */
    private static StageSandbox sandbox(NodeReader r, Node node, String field) {
        if (node instanceof ScalarNode scalar) {
            String v = scalar.getValue().strip().toLowerCase(Locale.ROOT);
            if (v.equals("off") || v.equals("false")) {
                return new StageSandbox(true, List.of());
            }
            if (v.equals("on") || v.equals("true") || v.isEmpty()) {
                return StageSandbox.DEFAULT;
            }
            r.error(node, field, "expected off, on, or a mapping with 'writable: [paths]', got '" + scalar.getValue() + "'");
            return StageSandbox.DEFAULT;
        }
        Optional<Map<String, NodeReader.Entry>> entries = r.mapping(node, field);
        if (entries.isEmpty()) {
            return StageSandbox.DEFAULT;
        }
        List<String> writable = new ArrayList<>();
        for (NodeReader.Entry e : entries.get().values()) {
            if (!e.key().equals("writable")) {
                r.warn(e.keyNode(), field + "." + e.key(), "unknown key, ignored (known: writable; or write `sandbox: off`)");
                continue;
            }
            for (String path : r.stringList(e.value(), field + ".writable")) {
                String p = path.strip();
                if (!(p.startsWith("/") || p.equals("~") || p.startsWith("~/")) || p.equals("/") || p.contains("/../") || p.endsWith("/..")) {
                    r.error(e.value(), field + ".writable", "'" + path + "' must be an absolute path or start with ~/"
                            + " (and not be / or climb with ..)");
                } else {
                    writable.add(p);
                }
            }
        }
        return new StageSandbox(false, writable);
    }

    private static void checkDependencies(NodeReader r, Map<String, NodeReader.Entry> stages,
            Map<String, NodeReader.Entry> dependsOnNodes) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        stages.keySet().forEach(n -> graph.put(n, new ArrayList<>()));
        // Re-read the nodes quietly: the list's type problems were already reported with the stage.
        for (Map.Entry<String, NodeReader.Entry> d : dependsOnNodes.entrySet()) {
            String field = "stages." + d.getKey() + ".depends_on";
            Node value = d.getValue().value();
            if (!(value instanceof SequenceNode)) {
                continue;
            }
            for (Node item : ((SequenceNode) value).getValue()) {
                if (!(item instanceof ScalarNode) || NodeReader.isNull(item)) {
                    continue;
                }
                String dep = ((ScalarNode) item).getValue();
                if (dep.equals(d.getKey())) {
                    r.error(item, field, "stage '" + dep + "' cannot depend on itself");
                } else if (!stages.containsKey(dep)) {
                    r.error(item, field, "unknown stage '" + dep + "' (stages are: "
                            + String.join(", ", stages.keySet()) + ")");
                } else {
                    graph.get(d.getKey()).add(dep);
                }
            }
        }
        for (List<String> cycle : StageGraph.cycles(graph)) {
            NodeReader.Entry first = dependsOnNodes.get(cycle.get(0));
            r.error(first.keyNode(), "stages." + cycle.get(0) + ".depends_on",
                    "dependency cycle: " + String.join(" -> ", cycle) + "; remove one of these dependencies");
        }
    }

    private static Map<String, List<String>> keywords(NodeReader r, Node node) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (NodeReader.isNull(node)) {
            return out;
        }
        r.mapping(node, "architecture_section_keywords").ifPresent(entries -> entries.values().forEach(e ->
                out.put(e.key(), r.stringList(e.value(), "architecture_section_keywords." + e.key()))));
        return out;
    }

    private static void engine(NodeReader r, Node node, Map<String, String> values, Map<String, Integer> lines,
                               List<String> protectedExtra) {
        if (NodeReader.isNull(node)) {
            return;
        }
        r.mapping(node, "engine").ifPresent(entries -> entries.values().forEach(e -> {
            String field = "engine." + e.key();
            if (e.key().equals("protected")) {
                // A list, so not a Settings scalar: more files no patch may touch.
                protectedExtra.addAll(r.stringList(e.value(), field));
                return;
            }
            Optional<SettingKey<?>> key = Settings.key(e.key());
            if (key.isEmpty()) {
                r.warn(e.keyNode(), field, "unknown setting, ignored");
                return;
            }
            if (NodeReader.isNull(e.value())) {
                r.warn(e.keyNode(), field, "no value given; the default applies");
                return;
            }
            r.scalar(e.value(), field).ifPresent(raw -> {
                try {
                    key.get().parse(raw);
                    values.put(e.key(), raw);
                    lines.put(e.key(), NodeReader.line(e.value()));
                } catch (IllegalArgumentException bad) {
                    r.error(e.value(), field, bad.getMessage());
                }
            });
        }));
    }

    private static Optional<Node> value(Map<String, NodeReader.Entry> entries, String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeReader.Entry::value);
    }

    private static List<String> list(NodeReader r, Map<String, NodeReader.Entry> e, String field, String key) {
        return value(e, key).map(n -> r.stringList(n, field + "." + key)).orElse(List.of());
    }

    private static Optional<Duration> timeout(NodeReader r, Node at, String field, String text) {
        try {
            Duration d = Durations.parse(text);
            if (d.isZero()) {
                r.error(at, field, "must be longer than zero; leave it out to use the default stage timeout");
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (IllegalArgumentException e) {
            r.error(at, field, e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean validHost(NodeReader r, Node at, String field, String host) {
        Matcher m = HOST.matcher(host.strip());
        if (!m.matches()) {
            r.error(at, field, "expected user@host or user@host:port, got '" + host + "'");
            return false;
        }
        if (m.group(3) != null) {
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                r.error(at, field, "port must be between 1 and 65535, got " + port);
                return false;
            }
        }
        return true;
    }
}
