package dev.engine.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a composed YAML node tree while collecting problems instead of throwing, so one run of
 * {@code engine validate} can show everything wrong with a file at once.
 */
final class NodeReader {
    private final Path file;
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    NodeReader(Path file) {
        this.file = file;
    }

    static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
    }

    void error(Node at, String field, String message) {
        errors.add(new ConfigProblem(file, line(at), field, message));
    }

    void error(int line, String field, String message) {
        errors.add(new ConfigProblem(file, line, field, message));
    }

    void warn(Node at, String field, String message) {
        warnings.add(new ConfigProblem(file, line(at), field, message));
    }

    /** Problems in line order, which is how someone fixing the file reads it. */
    List<ConfigProblem> errors() {
        return byLine(errors);
    }

    List<ConfigProblem> warnings() {
        return byLine(warnings);
    }

    private static List<ConfigProblem> byLine(List<ConfigProblem> problems) {
        return problems.stream().sorted(Comparator.comparingInt(ConfigProblem::line)).toList();
    }

    Path file() {
        return file;
    }

    /** A mapping entry whose key is known to be a plain scalar. */
    record Entry(String key, Node keyNode, Node value) {}

    /**
     * The entries of a mapping in file order. Duplicate keys are reported (SnakeYAML's compose
     * step keeps them silently) and the first occurrence wins; non-scalar keys are reported and skipped.
     */
    Optional<Map<String, Entry>> mapping(Node node, String field) {
        if (!(node instanceof MappingNode)) {
            error(node, field, "expected a mapping (key: value lines), got " + describe(node));
            return Optional.empty();
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode) || isNull(keyNode)) {
                error(keyNode, field, "keys must be plain names, got " + describe(keyNode));
                continue;
            }
            if (Tag.MERGE.equals(keyNode.getTag())) {
                // compose() leaves merges unresolved; ignoring them would silently drop the merged keys.
                error(keyNode, field, "YAML merge keys (<<) are not supported; write the keys out in full");
                continue;
            }
            String key = ((ScalarNode) keyNode).getValue();
            Entry first = entries.get(key);
            if (first != null) {
                error(keyNode, join(field, key),
                        "duplicate key (first defined at line " + line(first.keyNode()) + "); remove one of them");
                continue;
            }
            entries.put(key, new Entry(key, keyNode, tuple.getValueNode()));
        }
        return Optional.of(entries);
    }

    /** A list of text values; a missing or null value is an empty list. */
    List<String> stringList(Node node, String field) {
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode)) {
            error(node, field, "expected a list, got " + describe(node)
                    + (node instanceof ScalarNode ? "; write a single entry as [" + ((ScalarNode) node).getValue() + "]" : ""));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Node item : ((SequenceNode) node).getValue()) {
            if (item instanceof ScalarNode && !isNull(item)) {
                // Numbers and booleans in lists are kept as written: "- 8080" is meant as text here.
                out.add(((ScalarNode) item).getValue());
            } else {
                error(item, field, "list entries must be text, got " + describe(item));
            }
        }
        return out;
    }

    /** A scalar value as written (numbers included); empty when null or not a scalar (reported). */
    Optional<String> scalar(Node node, String field) {
        if (isNull(node)) {
            return Optional.empty();
        }
        if (!(node instanceof ScalarNode)) {
            error(node, field, "expected a single value, got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(((ScalarNode) node).getValue());
    }

    /** A value that must be text: quoted or plain, but not a number, boolean or list. */
    Optional<String> text(Node node, String field) {
        if (isNull(node)) {
            return Optional.empty();
        }
        if (!(node instanceof ScalarNode) || !Tag.STR.equals(node.getTag())) {
            error(node, field, "expected text, got " + describe(node)
                    + (node instanceof ScalarNode ? " (put it in quotes if it is meant as text)" : ""));
            return Optional.empty();
        }
        return Optional.of(((ScalarNode) node).getValue());
    }

    static String join(String parent, String key) {
        return parent == null || parent.isEmpty() ? key : parent + "." + key;
    }

    static String describe(Node node) {
        if (isNull(node)) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        String value = ((ScalarNode) node).getValue();
        Tag tag = node.getTag();
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
            return "the number " + value;
        }
        if (Tag.BOOL.equals(tag)) {
            return "the boolean " + value;
        }
        return "'" + value + "'";
    }
}
