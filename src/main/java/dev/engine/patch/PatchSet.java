package dev.engine.patch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The one entry point for a model's diff: parse, check the policy, then apply every file in
 * memory. All-or-nothing: a single problem anywhere refuses the whole patch, and the caller gets
 * content to commit only when every file applied.
 */
public final class PatchSet {
    private PatchSet() {}

    public static PatchOutcome checkAndApply(String diffText, PatchPolicy policy, TreeView tree) {
        return checkAndApply(diffText, policy, tree, UnaryOperator.identity());
    }

    /**
     * @param restore maps context and removed lines that quote a redaction placeholder back to the
     *     real text, for matching only (see {@link PatchApplier#PatchApplier(UnaryOperator)});
     *     added lines are never restored, and one holding a placeholder is refused by the checker
     */
    public static PatchOutcome checkAndApply(String diffText, PatchPolicy policy, TreeView tree, UnaryOperator<String> restore) {
        List<FilePatch> patches;
        try {
            patches = UnifiedDiffParser.parse(diffText);
        } catch (PatchFormatException e) {
            return new PatchOutcome.Refused(List.of(new Violation("", "parse", "the diff cannot be read: " + e.getMessage())));
        }
        List<Violation> violations = PatchChecker.check(patches, policy, tree);
        if (!violations.isEmpty()) return new PatchOutcome.Refused(violations);

        PatchApplier applier = new PatchApplier(restore);
        Map<String, Optional<String>> changes = new LinkedHashMap<>();
        List<Violation> problems = new ArrayList<>();
        for (FilePatch p : patches) {
            try {
                applyOne(p, tree, applier, changes, problems);
            } catch (IOException e) {
                problems.add(new Violation(p.path(), "io", "cannot read '" + p.path() + "': " + e.getMessage()));
            }
        }
        return problems.isEmpty() ? new PatchOutcome.Ready(changes) : new PatchOutcome.Refused(problems);
    }

    private static void applyOne(FilePatch p, TreeView tree, PatchApplier applier,
                                 Map<String, Optional<String>> changes, List<Violation> problems) throws IOException {
        String target = p.path();
        if (p.kind() == FilePatch.Kind.ADD || p.kind() == FilePatch.Kind.RENAME) {
            if (tree.exists(p.newPath())) {
                problems.add(new Violation(p.newPath(), "apply", "'" + p.newPath() + "' already exists"));
                return;
            }
        }
        if (p.kind() == FilePatch.Kind.ADD || p.kind() == FilePatch.Kind.RENAME) {
            String parent = p.newPath();
            for (int slash = parent.lastIndexOf('/'); slash > 0; slash = parent.lastIndexOf('/', slash - 1)) {
                String dir = parent.substring(0, slash);
                if (tree.exists(dir) && !tree.isDirectory(dir)) {
                    problems.add(new Violation(p.newPath(), "apply", "'" + dir + "' is a file, so '" + p.newPath()
                            + "' cannot be created"));
                    return;
                }
            }
        }
        String source = p.kind() == FilePatch.Kind.ADD ? null : p.oldPath();
        if (source != null && tree.isDirectory(source)) {
            problems.add(new Violation(source, "apply", "'" + source + "' is a directory"));
            return;
        }
        Optional<String> original = source == null ? Optional.empty() : tree.read(source);
        ApplyResult r = applier.apply(p, original);
        if (r instanceof ApplyResult.Refused refused) {
            problems.add(new Violation(target, "apply", refused.reason()));
        } else if (r instanceof ApplyResult.Deleted) {
            changes.put(p.oldPath(), Optional.empty());
        } else if (r instanceof ApplyResult.Applied applied) {
            if (p.kind() == FilePatch.Kind.RENAME) changes.put(p.oldPath(), Optional.empty());
            changes.put(p.newPath(), Optional.of(applied.newText()));
        }
    }
}
