package dev.engine.patch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Which paths the base tree's {@code .sops.yaml} files cover. sops picks a creation rule by
 * matching {@code path_regex} (older: {@code filename_regex}) with Go's unanchored
 * {@code MatchString} against the path it was given: relative to where it runs, or absolute. The
 * engine cannot know which, so a path counts as covered when any of its spellings matches, under
 * a {@code .sops.yaml} in its directory or any directory above (sops looks upward). A file whose
 * content is already sops-encrypted is covered too, whatever the rules say.
 */
final class SopsRules {
    static final String CONFIG = ".sops.yaml";
    /** Every value sops encrypts looks like this, in YAML, JSON, dotenv and INI alike. */
    private static final String ENCRYPTED_MARKER = "ENC[AES256_GCM,";

    record Rule(String key, String regex, Pattern pattern) {}

    /** The rules of one .sops.yaml, or why it could not be read. */
    record Config(String file, List<Rule> rules, String problem) {}

    private final TreeView tree;
    private final Map<String, Optional<Config>> byDir = new HashMap<>();

    SopsRules(TreeView tree) {
        this.tree = tree;
    }

    /** Why {@code path} is sops territory ("covered by ..."), or empty. */
    Optional<String> covering(String path) {
        List<String> dirs = new ArrayList<>();
        dirs.add("");
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            dirs.add(path.substring(0, slash));
        }
        for (String dir : dirs) {
            Optional<Config> config = byDir.computeIfAbsent(dir, this::read);
            if (config.isEmpty()) continue;
            Config c = config.get();
            if (c.problem() != null) {
                return Optional.of("under " + c.file() + ", which cannot be read (" + c.problem()
                        + "); fix it so the engine can tell which files sops encrypts");
            }
            String relative = dir.isEmpty() ? path : path.substring(dir.length() + 1);
            for (Rule r : c.rules()) {
                for (String spelling : List.of(relative, "./" + relative, path, "/" + path)) {
                    if (r.pattern().matcher(spelling).find()) {
                        return Optional.of("covered by the creation rule " + r.key() + " '" + r.regex() + "' of " + c.file());
                    }
                }
            }
        }
        return encrypted(path) ? Optional.of("sops-encrypted (it holds " + ENCRYPTED_MARKER + "...] values)") : Optional.empty();
    }

    private boolean encrypted(String path) {
        try {
            return tree.read(path).map(text -> text.contains(ENCRYPTED_MARKER)).orElse(false);
        } catch (IOException e) {
            return false; // not text: applying the patch fails on it anyway
        }
    }

    private Optional<Config> read(String dir) {
        String file = dir.isEmpty() ? CONFIG : dir + "/" + CONFIG;
        Optional<String> text;
        try {
            text = tree.read(file);
        } catch (IOException e) {
            return Optional.of(new Config(file, List.of(), e.getMessage()));
        }
        return text.map(t -> parse(file, t));
    }

    static Config parse(String file, String text) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            return new Config(file, List.of(), "not valid YAML: " + firstLine(e.getMessage()));
        }
        if (root == null) return new Config(file, List.of(), null);
        if (!(root instanceof Map<?, ?> top)) return new Config(file, List.of(), "the top level is not a mapping");
        Object rules = top.get("creation_rules");
        if (rules == null) return new Config(file, List.of(), null);
        if (!(rules instanceof List<?> list)) return new Config(file, List.of(), "creation_rules is not a list");
        List<Rule> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> rule)) continue;
            for (String key : List.of("path_regex", "filename_regex")) {
                Object regex = rule.get(key);
                if (regex == null) continue;
                String re = String.valueOf(regex);
                try {
                    // Go spells a named group (?P<name>...); Java knows only (?<name>...).
                    out.add(new Rule(key, re, Pattern.compile(re.replace("(?P<", "(?<"))));
                } catch (PatternSyntaxException e) {
                    return new Config(file, List.of(), key + " '" + re + "' is not a regular expression the engine can read: "
                            + firstLine(e.getDescription()));
                }
            }
        }
        return new Config(file, List.copyOf(out), null);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
