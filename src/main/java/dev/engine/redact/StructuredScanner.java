package dev.engine.redact;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Layer 2: YAML and JSON (JSON is YAML's flow style) parsed with SnakeYAML and redacted by path,
 * in every form the text may take (block or flow style, one-line JSON, trailing comments):
 *
 * <ul>
 *   <li>every value under {@code data}/{@code stringData} of a mapping with {@code kind: Secret};
 *   <li>values of secret-ish keys at any depth ({@code key} next to {@code crt} is a private key);
 *   <li>container env entries {@code {name: DB_PASSWORD, value: x}} and Helm-style
 *       {@code {name: auth.password, value: x}};
 *   <li>JSON6902 / Talos patch ops {@code {op, path: /machine/token, value}};
 *   <li>a secret flag and its value as two list items ({@code args: [--token, x]});
 *   <li>random-looking values under names that say nothing (layer 5);
 *   <li>block scalars that hold YAML, scripts or logs themselves (Talos {@code inlineManifests},
 *       a ConfigMap's {@code config.yaml: |}) are scanned again, as a text of their own.
 * </ul>
 *
 * <p>Positions come from the parser's marks (counted in code points, converted to chars).
 */
final class StructuredScanner {
    private static final Pattern ENV_VALUE = Pattern.compile("/env/[0-9]+/value$");

    /** Larger texts are left to the line rules: a parse of many megabytes costs more than it finds. */
    static final int MAX_PARSE = 2_000_000;

    private final Detectors detectors;
    private final TextView view;
    private final int depth;
    private final List<Span> out;

    private StructuredScanner(Detectors detectors, TextView view, int depth, List<Span> out) {
        this.detectors = detectors;
        this.view = view;
        this.depth = depth;
        this.out = out;
    }

    /**
     * Parses each YAML document of {@code view} that looks like structured data, redacts what it
     * holds, and returns the ranges (view coordinates) that parsed: the line rules skip them.
     */
    static List<int[]> scan(Detectors detectors, TextView view, int depth, List<Span> out) {
        List<int[]> covered = new ArrayList<>();
        String t = view.text;
        if (t.length() > MAX_PARSE) {
            return covered;
        }
        StructuredScanner s = new StructuredScanner(detectors, view, depth, out);
        int n = t.length();
        int docStart = 0;
        int ls = 0;
        while (ls <= n) {
            int le = ls < n ? t.indexOf('\n', ls) : -1;
            le = le < 0 ? n : le;
            boolean sep = ls < n && isDocumentMarker(t, ls, le);
            if (sep || le >= n) {
                int docEnd = sep ? ls : n;
                if (s.document(docStart, docEnd)) {
                    covered.add(new int[] {docStart, docEnd});
                }
                docStart = Math.min(n, le + 1);
            }
            if (le >= n) {
                break;
            }
            ls = le + 1;
        }
        return covered;
    }

    /** Parses {@code [a, b)} of the view on its own; true if it was a mapping or a list. */
    boolean parseAt(int a, int b) {
        return document(a, b);
    }

    private static boolean isDocumentMarker(String t, int ls, int le) {
        int ce = le > ls && t.charAt(le - 1) == '\r' ? le - 1 : le;
        if (!(t.startsWith("---", ls) || t.startsWith("...", ls))) {
            return false;
        }
        int i = ls + 3;
        return i == ce || t.charAt(i) == ' ' || t.charAt(i) == '\t';
    }

    private boolean document(int a, int b) {
        String t = view.text;
        int first = firstSignificant(t, a, b);
        if (first < 0 || !looksStructured(t, first, b)) {
            return false;
        }
        String chunk = t.substring(a, b);
        Node root = compose(chunk);
        if (root == null && chunk.indexOf('\t') >= 0 && (t.charAt(first) == '{' || t.charAt(first) == '[')) {
            chunk = chunk.replace('\t', ' '); // JSON indented with tabs (docker's config.json): not YAML, same positions
            root = compose(chunk);
        }
        if (root == null) {
            return false;
        }
        if (!(root instanceof MappingNode) && !(root instanceof SequenceNode)) {
            return false; // a bare scalar is prose or a log that happens to parse
        }
        new Walk(chunk, a).node(root, null, new ArrayList<>());
        return true;
    }

    private Node compose(String chunk) {
        try {
            return detectors.yaml().compose(new StringReader(chunk));
        } catch (RuntimeException | StackOverflowError notYaml) {
            return null;
        }
    }

    static Yaml newYaml() {
        LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(true);
        o.setMaxAliasesForCollections(50);
        o.setNestingDepthLimit(64);
        o.setCodePointLimit(MAX_PARSE * 2);
        o.setProcessComments(false);
        return new Yaml(new SafeConstructor(o));
    }

    private static int firstSignificant(String t, int a, int b) {
        int ls = a;
        while (ls < b) {
            int le = t.indexOf('\n', ls);
            le = le < 0 || le > b ? b : le;
            int p = ls;
            while (p < le && (t.charAt(p) == ' ' || t.charAt(p) == '\t' || t.charAt(p) == '\r')) {
                p++;
            }
            if (p < le && t.charAt(p) != '#' && t.charAt(p) != '%') {
                return p;
            }
            ls = le + 1;
        }
        return -1;
    }

    /** A first line like {@code key: ...}, {@code - item}, {@code {"...}} or {@code [...]}: worth a parse. */
    static boolean looksStructured(String t, int p, int b) {
        char c = t.charAt(p);
        if (c == '{' || c == '[') {
            return true;
        }
        if (c == '-' && p + 1 < b && (t.charAt(p + 1) == ' ' || t.charAt(p + 1) == '\n')) {
            return true;
        }
        int q = p;
        if (c == '"' || c == '\'') {
            int close = t.indexOf(c, p + 1);
            if (close < 0) {
                return false;
            }
            q = close + 1;
        } else {
            while (q < b && q - p < 256 && (Character.isLetterOrDigit(t.charAt(q)) || "_-./$<>".indexOf(t.charAt(q)) >= 0)) {
                q++;
            }
            if (q == p) {
                return false;
            }
        }
        return q < b && t.charAt(q) == ':' && (q + 1 == b || t.charAt(q + 1) == ' ' || t.charAt(q + 1) == '\n'
                || t.charAt(q + 1) == '\r');
    }

    /** One parsed document: positions are relative to {@code chunk}, which starts at {@code base} in the view. */
    private final class Walk {
        private final String chunk;
        private final int base;
        /** Code point index to char index, when the chunk has characters outside the BMP. */
        private final int[] cpToChar;

        Walk(String chunk, int base) {
            this.chunk = chunk;
            this.base = base;
            this.cpToChar = chunk.codePointCount(0, chunk.length()) == chunk.length() ? null : cpMap(chunk);
        }

        private int pos(int cp) {
            if (cpToChar == null) {
                return cp;
            }
            return cp >= cpToChar.length ? chunk.length() : cpToChar[cp];
        }

        private int start(Node n) {
            return pos(n.getStartMark().getIndex());
        }

        private int end(Node n) {
            return pos(n.getEndMark().getIndex());
        }

        void node(Node n, String key, List<String> path) {
            if (path.size() > 64) {
                return;
            }
            if (n instanceof MappingNode m) {
                mapping(m, path);
            } else if (n instanceof SequenceNode q) {
                sequence(q, key, path);
            } else if (n instanceof ScalarNode s) {
                plainScalar(s, key);
            }
        }

        private void mapping(MappingNode m, List<String> path) {
            Map<String, Node> keys = new HashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    keys.putIfAbsent(k.getValue(), t.getValueNode());
                }
            }
            String kind = scalar(keys.get("kind"));
            boolean secret = "Secret".equals(kind);
            boolean sealed = "SealedSecret".equals(kind);
            boolean configMap = "ConfigMap".equals(kind);
            envEntry(keys);
            patchOp(keys);
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    continue;
                }
                String key = k.getValue();
                Node v = t.getValueNode();
                if (sealed && key.equals("spec")) {
                    continue; // encryptedData is ciphertext for the cluster's key: safe to publish, nothing to see
                }
                if (configMap && key.equals("binaryData")) {
                    continue;
                }
                if (secret && (key.equals("data") || key.equals("stringData")) && v instanceof MappingNode d) {
                    for (NodeTuple e : d.getValue()) {
                        allScalars(e.getValueNode(), key.equals("data"));
                    }
                    continue;
                }
                KeyNames.Strength st = strength(key, keys);
                if (st != KeyNames.Strength.NONE && v instanceof ScalarNode s) {
                    if (KeyNames.isSecretValue(key, s.getValue(), st)) {
                        secretScalar(s, key.equals("auth"));
                    } else {
                        plainScalar(s, key);
                    }
                    continue;
                }
                if (st == KeyNames.Strength.STRONG && v instanceof SequenceNode q) {
                    for (Node item : q.getValue()) {
                        if (item instanceof ScalarNode s && KeyNames.isSecretValue(key, s.getValue(), st)) {
                            secretScalar(s, false);
                        }
                    }
                    continue;
                }
                List<String> sub = new ArrayList<>(path);
                sub.add(key);
                node(v, key, sub);
            }
        }

        /** A key's strength, given its siblings: {@code key} next to {@code crt} (Talos, talosconfig) is a private key. */
        private KeyNames.Strength strength(String key, Map<String, Node> siblings) {
            KeyNames.Strength st = KeyNames.classify(key);
            if (st == KeyNames.Strength.WEAK && KeyNames.normalize(key).equals("key")) {
                if (detectors.hints().configFile() || siblings.containsKey("crt") || siblings.containsKey("cert")
                        || siblings.containsKey("certificate")) {
                    return KeyNames.Strength.STRONG;
                }
            }
            return st;
        }

        /** {@code {name: DB_PASSWORD, value: x}}: the value of a secret-named variable or Helm value. */
        private void envEntry(Map<String, Node> keys) {
            String name = scalar(keys.get("name"));
            if (name == null || !(keys.get("value") instanceof ScalarNode v)) {
                return;
            }
            if (KeyNames.isSensitiveEnvName(name) || KeyNames.classify(name) != KeyNames.Strength.NONE) {
                if (KeyNames.isSecretValue(name, v.getValue(), KeyNames.Strength.STRONG)) {
                    secretScalar(v, false);
                }
            }
        }

        /** {@code {op: add, path: /machine/token, value: x}}: JSON6902 and Talos patches on a secret path. */
        private void patchOp(Map<String, Node> keys) {
            String path = scalar(keys.get("path"));
            if (path == null || scalar(keys.get("op")) == null || !keys.containsKey("value")) {
                return;
            }
            String seg = path.substring(path.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
            KeyNames.Strength st = KeyNames.classify(seg);
            if (ENV_VALUE.matcher(path).find()) {
                st = KeyNames.Strength.STRONG; // /containers/0/env/1/value: the variable's name is not in the patch
            }
            if (st == KeyNames.Strength.NONE && !KeyNames.isSensitiveEnvName(seg)) {
                return;
            }
            Node v = keys.get("value");
            if (v instanceof ScalarNode s && KeyNames.isSecretValue(seg, s.getValue(), st == KeyNames.Strength.NONE ? KeyNames.Strength.STRONG : st)) {
                secretScalar(s, false);
            } else if (st == KeyNames.Strength.STRONG && !(v instanceof ScalarNode)) {
                allScalars(v, false);
            }
        }

        private void sequence(SequenceNode q, String key, List<String> path) {
            List<Node> items = q.getValue();
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                if (item instanceof ScalarNode s && i + 1 < items.size() && items.get(i + 1) instanceof ScalarNode v) {
                    String flag = s.getValue();
                    if (flag.startsWith("-") && flag.indexOf('=') < 0 && flag.indexOf(' ') < 0) {
                        String name = flag.replaceFirst("^--?", "");
                        KeyNames.Strength st = KeyNames.classify(name);
                        if (st != KeyNames.Strength.NONE && !v.getValue().startsWith("-") && KeyNames.isSecretValue(name, v.getValue(), st)) {
                            secretScalar(v, false);
                            i++;
                            continue;
                        }
                    }
                }
                node(item, key, path);
            }
        }

        /** Every scalar under {@code n}: the values of a Secret's data, a secret patch value. */
        private void allScalars(Node n, boolean base64) {
            if (n instanceof ScalarNode s) {
                if (!KeyNames.isTrivial(s.getValue())) {
                    secretScalar(s, base64);
                }
            } else if (n instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    allScalars(t.getValueNode(), base64);
                }
            } else if (n instanceof SequenceNode q) {
                for (Node i : q.getValue()) {
                    allScalars(i, base64);
                }
            }
        }

        /**
         * A scalar that is not secret by its place: still checked for randomness, for key-value
         * pairs inside it ({@code command: DB_PASSWORD=x ./run}), and, if it is a block of text,
         * scanned as a text of its own.
         */
        private void plainScalar(ScalarNode s, String key) {
            int[] r = range(s);
            if (r == null) {
                return;
            }
            String v = s.getValue();
            if (isBlock(s) && v.indexOf('\n') >= 0) {
                block(s, r);
                return;
            }
            if (EntropyRule.isRandomSecret(key, v) && r[1] - r[0] == v.length()) {
                add(r[0], r[1], null, null);
                return;
            }
            if (v.indexOf('=') >= 0 || v.indexOf(':') >= 0) {
                detectors.lineRules(view.sub(base + r[0], base + r[1]), out);
            }
        }

        /** A literal or folded block: the text inside, without its indentation, is scanned again. */
        private void block(ScalarNode s, int[] r) {
            int from = chunk.indexOf('\n', start(s)) + 1;
            int to = r[1];
            if (from <= 0 || from >= to) {
                return;
            }
            if (depth >= Detectors.MAX_DEPTH) {
                detectors.lineRules(view.sub(base + from, base + to), out);
                return;
            }
            TextView.Builder b = view.builder();
            int indent = -1;
            int ls = from;
            while (ls < to) {
                int le = chunk.indexOf('\n', ls);
                le = le < 0 || le >= to ? to : le + 1;
                int p = ls;
                while (p < le && chunk.charAt(p) == ' ') {
                    p++;
                }
                int lead = p - ls;
                boolean blank = p >= le || chunk.charAt(p) == '\n' || chunk.charAt(p) == '\r';
                if (indent < 0 && !blank) {
                    indent = lead;
                }
                int skip = blank || indent < 0 ? lead : Math.min(indent, lead);
                b.append(base + ls + skip, base + le);
                ls = le;
            }
            detectors.structure(b.build(), depth + 1, out);
        }

        /** A secret in this scalar: the text between the quotes, or the lines of a block. */
        private void secretScalar(ScalarNode s, boolean base64) {
            int[] r = range(s);
            if (r == null) {
                return;
            }
            String identity = null;
            String form = null;
            if (!isBlock(s) && r[1] - r[0] == s.getValue().length()) {
                r[0] += KeyNames.credentialStart(s.getValue()); // "Authorization": "Bearer x": the credential
            }
            if (base64 && r[1] - r[0] == s.getValue().length()) {
                identity = decoded(s.getValue());
                form = identity == null ? null : "b64";
            }
            add(r[0], r[1], identity, form);
        }

        private void add(int s, int e, String identity, String form) {
            view.mapBack(new Span(base + s, base + e, Span.Layer.FIELD, null, identity, form), out);
        }

        /** The scalar's text in the chunk: inside quotes, without a block's indicator line and trailing blanks. */
        private int[] range(ScalarNode s) {
            int a = start(s);
            int b = end(s);
            if (a < 0 || b > chunk.length() || a >= b) {
                return null;
            }
            ScalarStyle style = s.getScalarStyle();
            if (style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED) {
                a++;
                b--;
            } else if (isBlock(s)) {
                int nl = chunk.indexOf('\n', a);
                if (nl < 0 || nl >= b) {
                    return null;
                }
                a = nl + 1;
                while (a < b && (chunk.charAt(a) == ' ' || chunk.charAt(a) == '\n' || chunk.charAt(a) == '\r')) {
                    a++;
                }
            }
            while (b > a && Character.isWhitespace(chunk.charAt(b - 1))) {
                b--;
            }
            return a < b ? new int[] {a, b} : null;
        }
    }

    private static boolean isBlock(ScalarNode s) {
        return s.getScalarStyle() == ScalarStyle.LITERAL || s.getScalarStyle() == ScalarStyle.FOLDED;
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    /** The base64 value of a Secret's data decoded, if it is text: the same secret is then recognised in the clear. */
    static String decoded(String b64) {
        String v = b64.strip();
        if (v.length() < 8) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            return null;
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                    return null;
                }
            }
            return s.isEmpty() ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int[] cpMap(String s) {
        int[] m = new int[s.codePointCount(0, s.length()) + 1];
        int cp = 0;
        for (int i = 0; i < s.length(); i = s.offsetByCodePoints(i, 1)) {
            m[cp++] = i;
        }
        m[cp] = s.length();
        return m;
    }
}
