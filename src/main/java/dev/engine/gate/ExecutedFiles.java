package dev.engine.gate;

import dev.engine.config.StageSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files the stages execute in a tree: those named by a stage's {@code command},
 * {@code success_checks} or {@code diagnostics}, and, transitively, what those scripts
 * {@code source} (or {@code .}). Paths in the tree are workspace-relative, '/'-separated; a
 * stage runs with the workspace root as its working directory.
 *
 * <p>Finding sourced files is a heuristic on purpose erring towards "executed": a variable at the
 * start of a path stands for the script's folder or the root, one inside a path for any name.
 */
public final class ExecutedFiles {
    private static final Pattern SOURCE = Pattern.compile("(?m)^[ \\t]*(?:[^#\\n]*?(?:;|&&|\\|\\||\\bthen|\\bdo|\\belse)[ \\t]+)?(?:source|\\.)[ \\t]+([^;&|\\n#]+)");
    private static final Pattern LEADING_VAR = Pattern.compile("^(?:\\$\\{[^}]*\\}|\\$\\([^)]*(?:\\([^)]*\\))?[^)]*\\)|\\$[A-Za-z_][A-Za-z0-9_]*|`[^`]*`)+/");
    private static final Pattern INNER_VAR = Pattern.compile("\\$\\{[^}]*\\}|\\$\\([^)]*\\)|\\$[A-Za-z_][A-Za-z0-9_]*|`[^`]*`");
    private static final int MAX_DEPTH = 8;

    private final Map<String, String> why;

    private ExecutedFiles(Map<String, String> why) {
        this.why = why;
    }

    /**
     * @param paths every file path of the tree
     * @param read the text of a path (empty when absent or binary)
     */
    public static ExecutedFiles of(Set<String> paths, Function<String, Optional<String>> read, List<StageSpec> stages) {
        Map<String, String> why = new LinkedHashMap<>();
        Deque<String[]> todo = new ArrayDeque<>();
        for (StageSpec s : stages) {
            name(s.command(), paths, "run by stage " + s.name() + "'s command", why, todo);
            for (String c : s.successChecks()) {
                name(c, paths, "run by a success check of stage " + s.name(), why, todo);
            }
            for (String d : s.diagnostics()) {
                name(d, paths, "run by a diagnostic of stage " + s.name(), why, todo);
            }
        }
        // Breadth-first through what the executed scripts source, to a fixed depth.
        int depth = 0;
        while (!todo.isEmpty() && depth++ < MAX_DEPTH) {
            Deque<String[]> next = new ArrayDeque<>();
            for (String[] item : todo) {
                String script = item[0];
                Optional<String> text = read.apply(script);
                if (text.isEmpty()) continue;
                Matcher m = SOURCE.matcher(text.get());
                while (m.find()) {
                    for (String p : resolve(firstWord(m.group(1)), script, paths)) {
                        if (!why.containsKey(p)) {
                            why.put(p, "sourced by " + script);
                            next.add(new String[] {p});
                        }
                    }
                }
            }
            todo = next;
        }
        return new ExecutedFiles(why);
    }

    /** What either tree executes (main's, and the AI branch's that would run next). */
    public static ExecutedFiles union(ExecutedFiles a, ExecutedFiles b) {
        Map<String, String> why = new LinkedHashMap<>(b.why);
        why.putAll(a.why);
        return new ExecutedFiles(why);
    }

    /** Why {@code path} is executed, or empty when no stage executes it. */
    public Optional<String> why(String path) {
        return Optional.ofNullable(why.get(path));
    }

    public Set<String> paths() {
        return why.keySet();
    }

    /** Every word of a command line that is a file of the tree. */
    private static void name(String commandLine, Set<String> paths, String reason, Map<String, String> why, Deque<String[]> todo) {
        for (String word : commandLine.split("[\\s;|&()<>]+")) {
            String w = unquote(word);
            if (w.isEmpty() || w.startsWith("-")) continue;
            for (String p : resolve(w, "", paths)) {
                if (!why.containsKey(p)) {
                    why.put(p, reason);
                    todo.add(new String[] {p});
                }
            }
        }
    }

    private static String firstWord(String args) {
        String a = args.strip();
        if (a.startsWith("\"")) {
            int end = a.indexOf('"', 1);
            return end > 0 ? a.substring(1, end) : a.substring(1);
        }
        if (a.startsWith("'")) {
            int end = a.indexOf('\'', 1);
            return end > 0 ? a.substring(1, end) : a.substring(1);
        }
        String[] parts = a.split("\\s+");
        return unquote(parts[0]);
    }

    private static String unquote(String w) {
        return w.replace("\"", "").replace("'", "");
    }

    /** The tree paths a (possibly variable) path written in {@code script} may mean. */
    static List<String> resolve(String written, String script, Set<String> paths) {
        if (written.isEmpty() || written.startsWith("/") && !written.startsWith("/" + "$")) {
            return List.of(); // absolute: outside the workspace
        }
        String dir = script.contains("/") ? script.substring(0, script.lastIndexOf('/')) : "";
        Set<String> candidates = new LinkedHashSet<>();
        Matcher lead = LEADING_VAR.matcher(written);
        if (lead.find()) {
            String rest = written.substring(lead.end());
            candidates.add(join(dir, rest));
            candidates.add(rest);
        } else {
            candidates.add(join(dir, written));
            candidates.add(written);
        }
        List<String> out = new ArrayList<>();
        for (String c : candidates) {
            String norm = normalize(c);
            if (norm == null) continue;
            if (INNER_VAR.matcher(norm).find()) {
                Pattern glob = Pattern.compile(globToRegex(norm));
                paths.stream().filter(p -> glob.matcher(p).matches()).forEach(out::add);
            } else if (paths.contains(norm)) {
                out.add(norm);
            }
        }
        return out;
    }

    private static String join(String dir, String rel) {
        return dir.isEmpty() ? rel : dir + "/" + rel;
    }

    private static String globToRegex(String path) {
        StringBuilder re = new StringBuilder();
        Matcher m = INNER_VAR.matcher(path);
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(path.substring(last, m.start()))).append("[^/]*");
            last = m.end();
        }
        re.append(Pattern.quote(path.substring(last)));
        return re.toString();
    }

    /** a/./b/../c → a/c; null when it climbs out of the root. */
    private static String normalize(String p) {
        Deque<String> parts = new ArrayDeque<>();
        for (String s : p.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) {
                if (parts.isEmpty()) return null;
                parts.removeLast();
            } else {
                parts.addLast(s);
            }
        }
        return String.join("/", parts);
    }
}
