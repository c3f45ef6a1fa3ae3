package dev.engine.patch;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The engine's own files, which a patch may never touch. Compared after lexical normalization,
 * Unicode NFC and lower-casing, because the workspace may sit on a case-insensitive filesystem
 * where "Context_Map.yaml" is the same file as "context_map.yaml".
 */
final class ProtectedPaths {
    /** Protected at the top level and under ai/. Entries ending in '/' protect a whole directory. */
    private static final List<String> ALWAYS = List.of(
            "context_map.yaml", "master_memo.md", "executor_instructions.md",
            "state/", "logs/", "escalations/", "patches/");

    /** ".git" and what Windows/NTFS also resolve to it: "GIT~1", ".git.", ".git ", ".git::$INDEX_ALLOCATION". */
    private static final Pattern GIT_DIR_ALIASES = Pattern.compile("(\\.git|git~\\d+)([. ]*|:.*)");

    private final List<String> entries;

    static boolean isGitDirName(String segment) {
        return GIT_DIR_ALIASES.matcher(segment.toLowerCase(Locale.ROOT)).matches();
    }

    ProtectedPaths(List<String> configured) {
        List<String> all = new ArrayList<>();
        for (String e : ALWAYS) addWithAiVariants(all, e);
        all.add("engine"); // the launcher, top level only
        all.add("engine/");
        for (String e : configured) {
            String n = canonical(e);
            if (n.isEmpty()) continue;
            addWithAiVariants(all, e.endsWith("/") ? n + "/" : n);
        }
        this.entries = List.copyOf(all);
    }

    private static void addWithAiVariants(List<String> all, String entry) {
        // The list may be written relative to the home (state/x) or the workspace (ai/state/x):
        // protect both spellings rather than guess which one was meant.
        String bare = entry.startsWith("ai/") ? entry.substring(3) : entry;
        all.add(bare);
        all.add("ai/" + bare);
    }

    /** The protected entry the path falls under, or null. */
    String match(String path) {
        String p = canonical(path);
        for (String segment : p.split("/")) {
            if (isGitDirName(segment)) return ".git/";
        }
        for (String e : entries) {
            if (e.endsWith("/")) {
                if (p.startsWith(e) || p.equals(e.substring(0, e.length() - 1))) return e;
            } else if (p.equals(e) || p.startsWith(e + "/")) {
                return e;
            }
        }
        return null;
    }

    /** Lower-cased, NFC, with "", "." and ".." segments resolved lexically and no leading '/'. */
    static String canonical(String path) {
        String s = Normalizer.normalize(path, Normalizer.Form.NFC).replaceAll("\\p{Cf}", "")
                .replace('\\', '/').toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String seg : s.split("/")) {
            // Windows and macOS ignore trailing dots/spaces in names: "state." is "state".
            String t = seg.replaceAll("[. ]+$", "");
            if (seg.equals("..")) {
                if (!out.isEmpty()) out.remove(out.size() - 1);
            } else if (!seg.isEmpty() && !seg.equals(".") && !t.isEmpty()) {
                out.add(t);
            }
        }
        return String.join("/", out);
    }
}
