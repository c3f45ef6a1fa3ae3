package dev.engine.git;

import dev.engine.audit.AuditLog;
import dev.engine.audit.Event;
import dev.engine.patch.FilePatch;
import dev.engine.patch.PatchFormatException;
import dev.engine.patch.PatchOutcome;
import dev.engine.patch.PatchPolicy;
import dev.engine.patch.PatchSet;
import dev.engine.patch.UnifiedDiffParser;
import dev.engine.patch.Violation;
import dev.engine.redact.Finding;
import dev.engine.redact.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The one way a proposed diff (from the executor, the model or a human) becomes an AI-branch
 * commit. It owns every step, so no caller can skip one:
 * <ol>
 *   <li>the base: the AI branch tip, else main; never HEAD or whatever branch the user has out (I1);</li>
 *   <li>the kept copy of the diff, redacted (I8), named in the commit's Engine-Patch trailer;</li>
 *   <li>every rule of {@link PatchSet} against exactly that base (I2-I5, I8's placeholder rule), and
 *       no added line or file name may hold a secret: a known value of the workspace or the
 *       environment, or a token format ({@link Redactor#secretsInAddedLines}, I8);</li>
 *   <li>the commit, with the repository's identity and the Engine-* trailers;</li>
 *   <li>the audit event, {@code patch_applied} or {@code patch_refused} with its source (I10).</li>
 * </ol>
 * Redaction placeholders in context and removed lines are matched as the secrets they stand for,
 * but no text this class returns, stores or audits ever holds a restored secret.
 */
public final class PatchLanding {

    /** Who proposed the diff; {@link #label} is the name in audit events and the Engine-Source trailer. */
    public enum Source {
        EXECUTOR("executor"), MODEL("api"), MANUAL("manual");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A diff and what the engine knows about it.
     *
     * @param stage       the stage it is for, or null (a manual patch not tied to a stage)
     * @param fingerprint the failure it answers, or null
     * @param scope       when present, the only paths it may touch (the stage's files: executor patches, --stage)
     */
    public record Proposal(Source source, String stage, String fingerprint, String diff, String summary,
                           Optional<List<String>> scope) {
        public Proposal {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(diff, "diff");
            Objects.requireNonNull(summary, "summary");
            scope = scope.map(List::copyOf);
        }
    }

    /**
     * @param protectedFiles the map's protected_files and engine.protected; the built-in defaults
     *     and the home's own files are added here and cannot be removed
     * @param redactor redacts what is kept and audited, and restores placeholders for matching;
     *     empty only where nothing is stored (`patch check` in a home without a key yet)
     */
    public record Setup(Path workspace, Path home, String aiBranch, String mainBranch, List<String> protectedFiles,
                        AuditLog audit, Optional<Redactor> redactor) {
        public Setup {
            workspace = workspace.toAbsolutePath().normalize();
            home = home.toAbsolutePath().normalize();
            protectedFiles = List.copyOf(protectedFiles);
        }
    }

    /** What checking or landing a diff led to. {@code against} names the base, e.g. "main 1a2b3c4d5e". */
    public sealed interface Result {
        String against();

        /** Committed on the AI branch. {@code patchFile} is the kept copy, relative to the home. */
        record Committed(String commit, String against, List<String> files, int added, int removed, String patchFile)
                implements Result {
            public Committed {
                files = List.copyOf(files);
            }
        }

        /** Would land ({@link #check} only; nothing was written). */
        record Checked(String against, List<String> files, int added, int removed) implements Result {
            public Checked {
                files = List.copyOf(files);
            }
        }

        /** Refused; nothing was committed. {@code patchFile} is the kept copy, or null for a check. */
        record Refused(List<Violation> violations, String against, String patchFile) implements Result {
            public Refused {
                violations = List.copyOf(violations);
            }

            public List<String> reasons() {
                return violations.stream().map(Violation::toString).toList();
            }
        }
    }

    /** The rule id of a refusal because the diff adds a secret. */
    public static final String SECRET_RULE = "I8-secret";

    private final Setup s;
    private final List<String> protectedFiles;

    public PatchLanding(Setup setup) {
        this.s = setup;
        this.protectedFiles = protectedFiles(setup.workspace(), setup.home(), setup.protectedFiles());
    }

    /** Every rule, against the base the diff would be committed on; writes nothing at all. */
    public Result check(Proposal p) throws IOException {
        try (AiBranch ai = AiBranch.open(s.workspace(), s.aiBranch(), s.mainBranch())) {
            ObjectId base = ai.base();
            String against = against(ai, base);
            PatchOutcome outcome = PatchSet.checkAndApply(p.diff(), policy(p), ai.treeAt(base), restore());
            List<Violation> refusals = refusals(outcome, p.diff());
            if (!refusals.isEmpty()) {
                return new Result.Refused(refusals, against, null);
            }
            int[] lines = countLines(p.diff());
            return new Result.Checked(against, List.copyOf(((PatchOutcome.Ready) outcome).changes().keySet()), lines[0], lines[1]);
        }
    }

    /**
     * Keeps the diff (redacted) at {@code keepAs}, checks it against the base, commits it there
     * when every rule holds, and audits the outcome.
     *
     * @param keepAs where the copy of the diff goes, inside the home (patches/ or escalations/)
     */
    public Result land(Proposal p, Path keepAs) throws IOException {
        String kept = keep(p.diff(), keepAs);
        Result result;
        try (AiBranch ai = AiBranch.open(s.workspace(), s.aiBranch(), s.mainBranch())) {
            ObjectId base = ai.base();
            String against = against(ai, base);
            PatchOutcome outcome = PatchSet.checkAndApply(p.diff(), policy(p), ai.treeAt(base), restore());
            List<Violation> refusals = refusals(outcome, p.diff());
            if (!refusals.isEmpty()) {
                result = new Result.Refused(refusals, against, kept);
            } else {
                Map<String, Optional<String>> changes = ((PatchOutcome.Ready) outcome).changes();
                CommitInfo info = new CommitInfo(p.stage() == null ? "-" : p.stage(), p.source().label(), p.fingerprint(), kept,
                        redact(p.summary()));
                try {
                    ObjectId commit = ai.commit(base, changes, info);
                    int[] lines = countLines(p.diff());
                    result = new Result.Committed(commit.name(), against, List.copyOf(changes.keySet()), lines[0], lines[1], kept);
                } catch (AiBranchException e) {
                    result = new Result.Refused(List.of(new Violation("", "commit", redact(e.getMessage()))), against, kept);
                }
            }
        }
        audit(p, result);
        return result;
    }

    private PatchPolicy policy(Proposal p) {
        PatchPolicy policy = PatchPolicy.defaults(protectedFiles);
        return p.scope().isPresent() ? policy.withScope(p.scope().get()) : policy;
    }

    /** The rules' violations (redacted) and one per secret the diff would add; empty: it may land. */
    private List<Violation> refusals(PatchOutcome outcome, String diff) {
        List<Violation> out = new ArrayList<>();
        if (outcome instanceof PatchOutcome.Refused r) {
            out.addAll(redacted(r.violations()));
        }
        if (s.redactor().isPresent()) {
            for (Finding f : s.redactor().get().secretsInAddedLines(diff)) {
                // the reason names where the value was found, and a file name can hold a token too
                out.add(new Violation(f.path(), SECRET_RULE, redact((f.line() > 0 ? "line " + f.line() : "the file name")
                        + " adds " + f.reason() + " " + f.placeholder() + "; a secret must not be committed: refer to it"
                        + " instead (an environment variable, a secretKeyRef, a SOPS-encrypted file)")));
            }
        }
        return out;
    }

    private UnaryOperator<String> restore() {
        return s.redactor().<UnaryOperator<String>>map(r -> r::restore).orElse(UnaryOperator.identity());
    }

    private String redact(String text) {
        return text == null ? null : s.redactor().map(r -> r.redact(text)).orElse(text);
    }

    /** Violation texts quote diff lines and paths; an executor's diff holds real file content. */
    private List<Violation> redacted(List<Violation> violations) {
        return violations.stream().map(v -> new Violation(redact(v.path()), v.rule(), redact(v.message()))).toList();
    }

    private static String against(AiBranch ai, ObjectId base) throws IOException {
        return (ai.tip().isPresent() ? ai.branchName() : ai.mainBranch()) + " " + base.abbreviate(10).name();
    }

    /** Writes the redacted diff whole or not at all (a reader never sees half), and returns its home-relative name. */
    private String keep(String diff, Path keepAs) throws IOException {
        Path target = keepAs.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, redact(diff), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target.startsWith(s.home()) ? s.home().relativize(target).toString() : target.toString();
    }

    private void audit(Proposal p, Result result) throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", p.source().label());
        if (p.fingerprint() != null) d.put("fingerprint", p.fingerprint());
        if (result instanceof Result.Committed c) {
            d.put("commit", c.commit());
            d.put("branch", s.aiBranch());
            d.put("files", c.files());
            d.put("added", c.added());
            d.put("removed", c.removed());
            d.put("patch", c.patchFile());
            s.audit().append(p.stage(), Event.PATCH_APPLIED, d);
        } else if (result instanceof Result.Refused r) {
            d.put("base", r.against());
            d.put("patch", r.patchFile());
            d.put("violations", r.reasons());
            s.audit().append(p.stage(), Event.PATCH_REFUSED, d);
        }
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
