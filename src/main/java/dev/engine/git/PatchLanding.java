package dev.engine.git;

import dev.engine.patch.FilePatch;
import dev.engine.patch.PatchFormatException;
import dev.engine.patch.PatchOutcome;
import dev.engine.patch.PatchPolicy;
import dev.engine.patch.PatchSet;
import dev.engine.patch.UnifiedDiffParser;
import dev.engine.patch.Violation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The one way a proposed diff (from the executor, the model or a human) becomes an AI-branch
 * commit: redaction placeholders resolved or refused (I8), every rule of {@link PatchSet} checked
 * against the branch tip (I2-I5), then committed there and nowhere else (I1).
 */
public final class PatchLanding {

    /**
     * How redaction placeholders in a diff are treated. Context and removed lines may quote a
     * placeholder (the model only ever saw the redacted file), so they are restored to the real
     * value before matching; an added line holding a placeholder would write it into the file.
     */
    public record Placeholders(Predicate<String> present, UnaryOperator<String> restore) {
        public static final Placeholders NONE = new Placeholders(line -> false, UnaryOperator.identity());
    }

    /** What landing a diff led to. */
    public sealed interface Result {
        record Committed(String commit, List<String> files, int added, int removed) implements Result {}

        record Refused(List<Violation> violations) implements Result {
            public Refused {
                violations = List.copyOf(violations);
            }

            public List<String> reasons() {
                return violations.stream().map(Violation::toString).toList();
            }
        }
    }

    private final Path workspace;
    private final String aiBranch;
    private final String mainBranch;

    public PatchLanding(Path workspace, String aiBranch, String mainBranch) {
        this.workspace = workspace;
        this.aiBranch = aiBranch;
        this.mainBranch = mainBranch;
    }

    /** Checks {@code diff} against the AI branch tip and commits it there when every rule holds. */
    public Result land(String diff, PatchPolicy policy, Placeholders placeholders, CommitInfo info) throws IOException {
        List<Violation> placeholderProblems = new ArrayList<>();
        String resolved = resolvePlaceholders(diff, placeholders, placeholderProblems);
        try (AiBranch ai = AiBranch.open(workspace, aiBranch, mainBranch)) {
            ObjectId base = ai.base();
            PatchOutcome outcome = PatchSet.checkAndApply(resolved, policy, ai.treeAt(base));
            List<Violation> all = new ArrayList<>(placeholderProblems);
            if (outcome instanceof PatchOutcome.Refused r) {
                all.addAll(r.violations());
            }
            if (!all.isEmpty()) {
                return new Result.Refused(all);
            }
            PatchOutcome.Ready ready = (PatchOutcome.Ready) outcome;
            ObjectId commit;
            try {
                commit = ai.commit(base, ready.changes(), info);
            } catch (AiBranchException e) {
                return new Result.Refused(List.of(new Violation("", "commit", e.getMessage())));
            }
            int[] lines = countLines(resolved);
            return new Result.Committed(commit.name(), List.copyOf(ready.changes().keySet()), lines[0], lines[1]);
        }
    }

    /** Rewrites context/removed lines with real values; records a violation for each added line with a placeholder. */
    static String resolvePlaceholders(String diff, Placeholders p, List<Violation> problems) {
        StringBuilder out = new StringBuilder(diff.length());
        String currentFile = "";
        String previous = "";
        int start = 0;
        while (start < diff.length()) {
            int nl = diff.indexOf('\n', start);
            int end = nl < 0 ? diff.length() : nl + 1;
            String line = diff.substring(start, end);
            // "+++ x" is a file header only right after "--- "; inside a hunk it is an added line "++ x".
            if (line.startsWith("+++ ") && previous.startsWith("--- ")) {
                currentFile = line.substring(4).strip();
                if (currentFile.startsWith("b/")) {
                    currentFile = currentFile.substring(2);
                }
            } else if (line.startsWith("+") && p.present().test(line)) {
                problems.add(new Violation(currentFile, "I8-placeholder",
                        "an added line would write a redaction placeholder into the file: the real value is a secret "
                                + "the model never saw; leave that line as it is"));
            } else if ((line.startsWith(" ") || line.startsWith("-")) && !line.startsWith("--- ") && p.present().test(line)) {
                line = p.restore().apply(line);
            }
            out.append(line);
            previous = line;
            start = end;
        }
        return out.toString();
    }

    private static int[] countLines(String diff) {
        try {
            List<FilePatch> files = UnifiedDiffParser.parse(diff);
            return new int[] {files.stream().mapToInt(FilePatch::addedLines).sum(), files.stream().mapToInt(FilePatch::removedLines).sum()};
        } catch (PatchFormatException e) {
            return new int[] {0, 0};
        }
    }

    /** The protected list of the map plus the engine home's own files when the home is in an unusual place. */
    public static List<String> protectedFiles(Path workspace, Path home, List<String> configured) {
        List<String> out = new ArrayList<>(configured);
        String prefix = workspace.relativize(home).toString();
        // The checker knows the home's files at the workspace root and under ai/ already.
        if (!prefix.isEmpty() && !prefix.equals("ai") && !prefix.startsWith("..")) {
            for (String f : List.of("context_map.yaml", "master_memo.md", "executor_instructions.md", "state/", "logs/",
                    "escalations/", "patches/")) {
                out.add(prefix + "/" + f);
            }
        }
        return out;
    }

}
