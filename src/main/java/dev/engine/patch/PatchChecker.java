package dev.engine.patch;

import dev.engine.redact.Redactor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a parsed patch may be applied at all, before anything is read or written.
 * Reports every violation, so one refusal message tells the model everything to fix.
 */
public final class PatchChecker {
    /** The only file mode a patch may create: symlinks (120000), gitlinks and executables are refused. */
    private static final String REGULAR_FILE = "100644";

    private PatchChecker() {}

    public static List<Violation> check(List<FilePatch> patches, PatchPolicy policy, TreeView tree) {
        List<Violation> out = new ArrayList<>();
        if (patches.isEmpty()) {
            out.add(new Violation("", "empty", "the diff contains no file changes"));
            return List.copyOf(out);
        }
        ProtectedPaths protectedPaths = new ProtectedPaths(policy.protectedFiles());
        SopsRules sops = new SopsRules(tree);
        Set<String> topLevel = tree.topLevelEntries();
        Map<String, String> seen = new HashMap<>();
        int changed = 0;
        for (FilePatch p : patches) {
            changed += p.changedLines();
            for (String path : p.touchedPaths()) {
                List<Violation> pathProblems = checkPath(path);
                out.addAll(pathProblems);
                String prot = protectedPaths.match(path);
                if (prot != null) {
                    out.add(new Violation(path, "I2-protected", "'" + Names.visible(path) + "' is protected (" + prot
                            + "); it may not be created, modified, deleted or renamed"));
                }
                if (pathProblems.isEmpty()) {
                    checkNames(path, tree, out);
                    checkSymlinks(path, tree, out);
                    checkTopLevel(path, topLevel, out);
                    checkScope(path, policy.scope(), out);
                    sops.covering(path).ifPresent(why -> out.add(new Violation(path, "I2-protected", "'" + Names.visible(path)
                            + "' is " + why + "; a patch may not change what sops encrypts")));
                }
                String key = ProtectedPaths.canonical(path);
                String first = seen.putIfAbsent(key, path);
                if (first != null) {
                    out.add(new Violation(path, "I4-duplicate", "'" + path + "' appears more than once in the patch"
                            + " (also as '" + first + "'); put all changes to a file in one section"));
                }
            }
            checkFileKind(p, policy, out);
            checkPlaceholders(p, out);
        }
        if (changed > policy.maxChangedLines()) {
            out.add(new Violation("", "I5-too-many-lines", "the patch changes " + changed + " lines (added + removed);"
                    + " at most " + policy.maxChangedLines() + " are allowed: make a smaller fix"));
        }
        if (patches.size() > policy.maxFiles()) {
            out.add(new Violation("", "I5-too-many-files", "the patch touches " + patches.size() + " files; at most "
                    + policy.maxFiles() + " are allowed"));
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private static List<Violation> checkPath(String path) {
        List<Violation> out = new ArrayList<>();
        if (path.isEmpty()) {
            out.add(new Violation(path, "I4-path", "empty path"));
            return out;
        }
        for (int k = 0; k < path.length(); k++) {
            char c = path.charAt(k);
            // Format characters (zero-width joiners, bidi overrides) are invisible in review and
            // ignored in names by some filesystems, so "context_map\u200c.yaml" could be the real file.
            if (c == '\\' || c == 0 || Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    || Character.getType(c) == Character.FORMAT) {
                out.add(new Violation(path, "I4-bad-char", "path contains a backslash or control character (code "
                        + (int) c + ")"));
                break;
            }
        }
        if (path.startsWith("/") || path.startsWith("~") || path.matches("(?s)^[A-Za-z]:.*")) {
            out.add(new Violation(path, "I4-absolute", "'" + path + "' is absolute; paths must be relative to the repository root"));
        }
        String[] segments = path.split("/", -1);
        boolean traversal = false;
        boolean unnormalized = path.endsWith("/");
        boolean gitDir = false;
        for (int k = 0; k < segments.length; k++) {
            String seg = segments[k];
            if (seg.equals("..")) traversal = true;
            if (seg.equals(".") || (seg.isEmpty() && k > 0 && k < segments.length - 1)) unnormalized = true;
            if (ProtectedPaths.isGitDirName(seg)) gitDir = true;
        }
        if (traversal) {
            out.add(new Violation(path, "I4-traversal", "'" + path + "' contains '..'; paths may not leave the repository"));
        }
        if (unnormalized) {
            out.add(new Violation(path, "I4-not-normalized", "'" + path + "' is not normalized (no './', '//' or trailing '/')"));
        }
        if (gitDir) {
            out.add(new Violation(path, "I4-git-dir", "'" + path + "' is inside a .git directory"));
        }
        return out;
    }

    /**
     * A name that is not plain ASCII may only be the exact name of a file already in the tree, and
     * no new name may equal an existing one after {@link ProtectedPaths#fold}: otherwise a patch
     * could add "context_map.yaml" spelled with a Cyrillic e, or "Apps/web.yaml", next to the real file and a
     * reviewer, a case-insensitive filesystem or a tool could take one for the other.
     */
    private static void checkNames(String path, TreeView tree, List<Violation> out) {
        int odd = Names.firstNonAscii(path);
        if (odd >= 0 && !tree.exists(path)) {
            out.add(new Violation(path, "I4-non-ascii", "'" + Names.visible(path) + "' contains " + Names.describe(path.codePointAt(odd))
                    + " at position " + (odd + 1) + "; new paths must be printable ASCII so two names cannot look alike"
                    + " (an existing file may be edited under its exact name)"));
        }
        String dir = "";
        for (String seg : path.split("/")) {
            String here = dir.isEmpty() ? seg : dir + "/" + seg;
            Set<String> siblings = tree.list(dir);
            if (siblings.contains(seg)) {
                dir = here;
                continue;
            }
            String key = ProtectedPaths.canonical(seg);
            for (String existing : siblings) {
                if (ProtectedPaths.canonical(existing).equals(key)) {
                    String other = dir.isEmpty() ? existing : dir + "/" + existing;
                    out.add(new Violation(path, "I4-lookalike", "'" + Names.visible(here) + "' would pose as the existing '"
                            + Names.visible(other) + "' (the same name after Unicode normalization and case folding);"
                            + " use the existing name exactly"));
                    return;
                }
            }
            return; // a new name: nothing below it exists to be confused with
        }
    }

    /** One check for every path: an added line must never write a placeholder where a secret belongs (I8). */
    private static void checkPlaceholders(FilePatch p, List<Violation> out) {
        for (int h = 0; h < p.hunks().size(); h++) {
            for (HunkLine l : p.hunks().get(h).lines()) {
                if (l.kind() == HunkLine.Kind.ADD && Redactor.containsPlaceholder(l.text())) {
                    out.add(new Violation(p.path(), "I8-placeholder", "hunk " + (h + 1) + " adds a line holding a redaction"
                            + " placeholder, which would write the placeholder into the file instead of the secret it"
                            + " stands for; leave lines with secrets as they are"));
                    break;
                }
            }
        }
        for (String path : p.touchedPaths()) {
            if (Redactor.containsPlaceholder(path)) {
                out.add(new Violation(path, "I8-placeholder", "the path holds a redaction placeholder"));
            }
        }
    }

    private static void checkSymlinks(String path, TreeView tree, List<Violation> out) {
        String[] segments = path.split("/");
        StringBuilder prefix = new StringBuilder();
        for (String seg : segments) {
            if (prefix.length() > 0) prefix.append('/');
            prefix.append(seg);
            if (tree.isSymlink(prefix.toString())) {
                out.add(new Violation(path, "I4-symlink", "'" + prefix + "' is a symlink in the repository; "
                        + "patches may not write through or to symlinks"));
                return;
            }
        }
    }

    private static void checkTopLevel(String path, Set<String> topLevel, List<Violation> out) {
        int slash = path.indexOf('/');
        if (slash < 0 || topLevel.contains(path.substring(0, slash))) return;
        {
            out.add(new Violation(path, "I3-new-top-level-dir", "'" + path + "' is under '" + path.substring(0, slash)
                    + "', which is not an existing top-level directory; patches may not create top-level directories"));
        }
    }

    private static void checkScope(String path, Optional<List<String>> scope, List<Violation> out) {
        if (scope.isEmpty()) return;
        for (String entry : scope.get()) {
            if (entry.endsWith("/") ? path.startsWith(entry) : path.equals(entry)) return;
        }
        out.add(new Violation(path, "I5-out-of-scope", "'" + path + "' is outside this stage's files " + scope.get()));
    }

    private static void checkFileKind(FilePatch p, PatchPolicy policy, List<Violation> out) {
        String path = p.path();
        if (p.binary()) {
            out.add(new Violation(path, "I4-binary", "binary patches are not allowed"));
        }
        if (p.oldMode().isPresent() && p.newMode().isPresent() && !p.oldMode().equals(p.newMode())) {
            out.add(new Violation(path, "I4-mode", "file mode change " + p.oldMode().get() + " -> " + p.newMode().get()
                    + " is not allowed"));
        } else if (p.kind() == FilePatch.Kind.ADD && p.newMode().isPresent() && !p.newMode().get().equals(REGULAR_FILE)) {
            out.add(new Violation(path, "I4-mode", "new file mode " + p.newMode().get() + " is not allowed (only "
                    + REGULAR_FILE + ", a regular non-executable file)"));
        } else if (p.kind() != FilePatch.Kind.ADD && p.kind() != FilePatch.Kind.DELETE
                && (p.oldMode().isPresent() || p.newMode().isPresent()) ) {
            out.add(new Violation(path, "I4-mode", "file mode lines are not allowed"));
        }
        if (p.kind() == FilePatch.Kind.MODIFY && p.hunks().isEmpty() && !p.binary()) {
            out.add(new Violation(path, "I4-mode", "the section for '" + path + "' changes no content"
                    + " (a mode-only or empty change)"));
        }
        if (p.kind() == FilePatch.Kind.RENAME) {
            // A rename deletes its old name; git headers also let it move a file under a protected
            // or ignored name. Neither is needed to fix a stage.
            out.add(new Violation(p.oldPath(), "I4-rename", "renaming '" + Names.visible(p.oldPath()) + "' to '"
                    + Names.visible(p.newPath()) + "' is not allowed (rename and copy headers are refused);"
                    + " change the file in place, or add the new file as a new file"));
        }
        if (p.kind() == FilePatch.Kind.DELETE && !policy.allowDeletions()) {
            out.add(new Violation(path, "I4-deletion", "deleting '" + path + "' is not allowed"));
        }
    }
}
