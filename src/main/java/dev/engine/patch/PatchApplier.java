package dev.engine.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Applies one {@link FilePatch} to a file's text. Pure: text in, text out. It refuses rather than
 * guesses: every hunk must match in exactly one place (exactly, or failing that ignoring
 * whitespace), and the hunks must fall in order without overlapping.
 */
public final class PatchApplier {
    private final UnaryOperator<String> restore;

    public PatchApplier() {
        this(UnaryOperator.identity());
    }

    /**
     * @param restore maps a context or removed line as the diff quotes it (a redaction placeholder
     *     where the model saw one) to the file's real text. Used only to compare: messages keep
     *     quoting the diff's own text, so a refusal never shows a restored secret.
     */
    public PatchApplier(UnaryOperator<String> restore) {
        this.restore = restore;
    }

    /**
     * @param original the current content of the patch's old path, empty if the file is absent
     */
    public ApplyResult apply(FilePatch p, Optional<String> original) {
        if (p.binary()) return refused(p, "binary patches are not supported");
        return switch (p.kind()) {
            case ADD -> add(p, original);
            case DELETE -> delete(p, original);
            case MODIFY, RENAME -> modify(p, original);
        };
    }

    private static ApplyResult.Refused refused(FilePatch p, String reason) {
        return new ApplyResult.Refused(p.path() + ": " + reason);
    }

    private ApplyResult add(FilePatch p, Optional<String> original) {
        if (original.isPresent()) return refused(p, "is a new file in the patch but already exists");
        if (p.hunks().size() > 1) return refused(p, "a new file must be a single hunk");
        List<String> lines = new ArrayList<>();
        boolean finalNewline = true;
        for (Hunk h : p.hunks()) {
            for (HunkLine l : h.lines()) {
                if (l.kind() != HunkLine.Kind.ADD) {
                    return refused(p, "new file hunk has context or removed lines: '" + l.text() + "'");
                }
                if (!finalNewline) return refused(p, "has 'No newline at end of file' before its last line");
                lines.add(l.text());
                finalNewline = !l.noNewlineAtEnd();
            }
        }
        return new ApplyResult.Applied(new FileText(lines, finalNewline).text());
    }

    private ApplyResult delete(FilePatch p, Optional<String> original) {
        if (original.isEmpty()) return refused(p, "is deleted by the patch but does not exist");
        FileText file = FileText.of(original.get());
        List<String> removed = new ArrayList<>();
        for (Hunk h : p.hunks()) {
            for (HunkLine l : h.lines()) {
                if (l.kind() != HunkLine.Kind.REMOVE) {
                    return refused(p, "deletion hunk has context or added lines: '" + l.text() + "'");
                }
                removed.add(l.text());
            }
        }
        if (removed.size() != file.lines().size()) {
            return refused(p, "deletion removes " + removed.size() + " lines but the file has "
                    + file.lines().size() + "; only a file whose whole content is in the patch may be deleted");
        }
        for (int k = 0; k < removed.size(); k++) {
            if (!LineMatch.EXACT.key(restore.apply(removed.get(k))).equals(LineMatch.EXACT.key(file.lines().get(k)))) {
                return refused(p, "deletion does not match the file at line " + (k + 1));
            }
        }
        if (!file.lines().isEmpty() && p.oldNoNewlineAtEnd() == file.finalNewline()) {
            return refused(p, "deletion disagrees with the file about the newline at end of file");
        }
        return new ApplyResult.Deleted();
    }

    private ApplyResult modify(FilePatch p, Optional<String> original) {
        if (original.isEmpty()) return refused(p, "does not exist (a patch can only modify an existing file)");
        FileText file = FileText.of(original.get());
        if (p.hunks().isEmpty()) {
            return p.kind() == FilePatch.Kind.RENAME
                    ? new ApplyResult.Applied(original.get())
                    : refused(p, "the patch has no hunks for this file");
        }
        List<Integer> starts = new ArrayList<>();
        for (int k = 0; k < p.hunks().size(); k++) {
            Hunk h = p.hunks().get(k);
            String name = "hunk " + (k + 1) + " (@@ -" + h.oldStart() + " +" + h.newStart() + " @@)";
            Located at = locate(h, file);
            if (at.error() != null) return refused(p, name + " " + at.error());
            int start = at.start();
            if (k > 0) {
                Hunk prev = p.hunks().get(k - 1);
                int prevEnd = starts.get(k - 1) + prev.oldCount();
                if (start < prevEnd) {
                    return refused(p, name + " matches at line " + (start + 1) + ", before the end of hunk "
                            + k + " (line " + prevEnd + "): hunks overlap or are out of order");
                }
            }
            if (h.newSide().stream().anyMatch(HunkLine::noNewlineAtEnd)
                    && !lastOnSide(h.newSide()).noNewlineAtEnd()) {
                return refused(p, name + " has 'No newline at end of file' in the middle");
            }
            if (lastOnSide(h.newSide()) != null && lastOnSide(h.newSide()).noNewlineAtEnd()
                    && start + h.oldCount() != file.lines().size()) {
                return refused(p, name + " says 'No newline at end of file' but does not reach the end of the file");
            }
            starts.add(start);
        }
        return new ApplyResult.Applied(splice(p, file, starts).text());
    }

    private static HunkLine lastOnSide(List<HunkLine> side) {
        return side.isEmpty() ? null : side.get(side.size() - 1);
    }

    /** Where a hunk goes: a 0-based line index, or why it cannot be placed. */
    private record Located(int start, String error) {}

    private Located locate(Hunk h, FileText file) {
        List<HunkLine> old = h.oldSide();
        if (old.isEmpty()) {
            // Nothing to anchor an insertion to: only acceptable in an empty file.
            return file.lines().isEmpty() ? new Located(0, null)
                    : new Located(-1, "has no context or removed lines, so it cannot be placed safely in a non-empty file");
        }
        boolean mustEndAtEof = old.get(old.size() - 1).noNewlineAtEnd();
        for (LineMatch tier : LineMatch.values()) {
            List<Integer> found = matches(old, file, tier, mustEndAtEof);
            if (found.size() == 1) return new Located(found.get(0), null);
            if (found.size() > 1) {
                List<Integer> shown = found.stream().limit(10).map(x -> x + 1).toList();
                return new Located(-1, "is ambiguous: its context and removed lines match (" + tier.describe()
                        + ") at lines " + shown + (found.size() > 10 ? " and more" : "")
                        + "; add more context so it matches in one place only");
            }
        }
        return new Located(-1, "does not match the file: its context and removed lines (starting '"
                + old.get(0).text().strip() + "') are not found, even ignoring whitespace");
    }

    /** Every start index where the old side of the hunk matches. The whole file is searched on
     *  purpose: a match at the hinted line does not rule out an equally good one elsewhere. */
    private List<Integer> matches(List<HunkLine> old, FileText file, LineMatch tier, boolean mustEndAtEof) {
        List<String> lines = file.lines();
        String[] keys = new String[old.size()];
        for (int k = 0; k < keys.length; k++) keys[k] = tier.key(restore.apply(old.get(k).text()));
        String[] fileKeys = new String[lines.size()];
        for (int k = 0; k < fileKeys.length; k++) fileKeys[k] = tier.key(lines.get(k));
        List<Integer> found = new ArrayList<>();
        for (int s = 0; s + keys.length <= fileKeys.length; s++) {
            if (mustEndAtEof && s + keys.length != fileKeys.length) continue;
            boolean ok = true;
            for (int k = 0; k < keys.length && ok; k++) ok = keys[k].equals(fileKeys[s + k]);
            if (ok) found.add(s);
        }
        return found;
    }

    private static FileText splice(FilePatch p, FileText file, List<Integer> starts) {
        List<String> in = file.lines();
        boolean crlf = file.isCrlf();
        List<String> out = new ArrayList<>();
        boolean finalNewline = file.finalNewline() || in.isEmpty();
        int lastLineAt = -1;      // where the file's unterminated last line landed in out
        boolean lastCrAdded = false;
        int pos = 0;
        for (int k = 0; k < starts.size(); k++) {
            Hunk h = p.hunks().get(k);
            int start = starts.get(k);
            out.addAll(in.subList(pos, start));
            int cursor = start;
            for (HunkLine l : h.lines()) {
                lastCrAdded = false;
                switch (l.kind()) {
                    case CONTEXT -> {
                        if (cursor == in.size() - 1) lastLineAt = out.size();
                        out.add(in.get(cursor++)); // the file's real text, not the model's
                    }
                    case REMOVE -> cursor++;
                    case ADD -> {
                        // A CRLF file stays CRLF, except a last line without newline, which has no '\r' either.
                        lastCrAdded = crlf && !l.text().endsWith("\r") && !l.noNewlineAtEnd();
                        out.add(lastCrAdded ? l.text() + "\r" : l.text());
                    }
                }
            }
            pos = cursor;
            if (cursor == in.size()) {
                HunkLine lastOld = lastOnSide(h.oldSide());
                HunkLine lastNew = lastOnSide(h.newSide());
                boolean oldFlag = lastOld != null && lastOld.noNewlineAtEnd();
                boolean newFlag = lastNew != null && lastNew.noNewlineAtEnd();
                // Only a diff that talks about the final newline changes it; otherwise keep the file's.
                if (oldFlag || newFlag || in.isEmpty()) finalNewline = !newFlag;
            }
        }
        if (pos < in.size()) {
            lastCrAdded = false;
            lastLineAt = out.size() + in.size() - 1 - pos;
            out.addAll(in.subList(pos, in.size()));
        }
        if (crlf && !file.finalNewline() && lastLineAt >= 0 && lastLineAt < out.size() - 1
                && !out.get(lastLineAt).endsWith("\r")) {
            // The old unterminated last line now has lines after it: it needs the file's line ending.
            out.set(lastLineAt, out.get(lastLineAt) + "\r");
        }
        if (crlf && !finalNewline && lastCrAdded) {
            String last = out.get(out.size() - 1);
            out.set(out.size() - 1, last.substring(0, last.length() - 1));
        }
        return new FileText(out, finalNewline);
    }
}
