package dev.engine.patch;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Files a patch may never touch: the engine's own files, and the repository-control files that
 * make git, CI, direnv or sops run code or change keys (.git*, .github/, .gitlab-ci.yml, .envrc,
 * .sops.yaml). Compared after {@link #canonical}, because the workspace may sit on a
 * case-insensitive or normalizing filesystem where "Context_Map.yaml" is "context_map.yaml".
 * Configured entries only add to the defaults; nothing can remove one.
 */
final class ProtectedPaths {
    /** Protected at the top level and under ai/. Entries ending in '/' protect a whole directory. */
    private static final List<String> ALWAYS = List.of(
            "context_map.yaml", "master_memo.md", "executor_instructions.md",
            "state/", "logs/", "escalations/", "patches/");

    /** ".git" and what Windows/NTFS also resolve to it: "GIT~1", ".git.", ".git ", ".git::$INDEX_ALLOCATION". */
    private static final Pattern GIT_DIR_ALIASES = Pattern.compile("(\\.git|git~\\d+)([. ]*|:.*)");

    /**
     * NTFS short names of .git* files, as git's own verify_path knows them: "GITMOD~1" (.gitmodules),
     * "GITATT~1", "GITIGN~1", and the hashed forms "GI7EBA~1", "GI7D29~1", "GI250A~1".
     */
    private static final Pattern GIT_SHORT_NAMES = Pattern.compile("(git[a-z0-9]{0,3}|gi[0-9a-f]{4})~[1-9][0-9]*");

    /** Read by tools that run code or pick encryption keys from whatever directory they sit in. */
    private static final List<String> CONTROL_NAMES = List.of(".envrc", ".sops.yaml", ".sops.yml");

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

    /** The protected entry the path falls under (with why, for repository-control files), or null. */
    String match(String path) {
        String p = canonical(path);
        for (String segment : p.split("/")) {
            if (isGitDirName(segment)) return ".git/";
        }
        for (String segment : p.split("/")) {
            // .github/ and .gitlab-ci.yml start with ".git" too: one rule covers every git and forge control file.
            if (segment.startsWith(".git") || GIT_SHORT_NAMES.matcher(segment).matches()) {
                return "repository-control file .git* (" + segment + ")";
            }
            if (CONTROL_NAMES.contains(segment)) {
                return "repository-control file " + segment;
            }
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

    /**
     * The form two names are compared in: NFKC (canonical and compatibility equivalence, so an NFD
     * or fullwidth spelling equals the plain one), invisible format characters removed, then case
     * folded (upper then lower, so "ß" and "SS" meet). Case-insensitive and normalizing
     * filesystems treat such names as one file.
     */
    static String fold(String name) {
        String s = Normalizer.normalize(name, Normalizer.Form.NFKC).replaceAll("\\p{Cf}", "");
        s = s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(s, Normalizer.Form.NFC);
    }

    /** {@link #fold}ed, with "", "." and ".." segments resolved lexically, no leading '/', no trailing dots/spaces. */
    static String canonical(String path) {
        String s = fold(path).replace('\\', '/');
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
