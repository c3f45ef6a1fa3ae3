package dev.engine.patch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads unified diffs as git, diff -u and language models write them. Model output is hostile and
 * often sloppy, so hunk headers are only hints: the body is recounted, prose around the diff is
 * skipped, and anything that cannot be read unambiguously is an error rather than a guess.
 */
public final class UnifiedDiffParser {
    private static final Pattern HUNK_HEADER = Pattern.compile(
            "^@@+\\s*-(\\d+)(?:,(\\d+))?\\s+\\+(\\d+)(?:,(\\d+))?\\s*@@+.*$");
    private static final Pattern MODE = Pattern.compile("[0-7]{6}");
    private static final Pattern DIFF_FENCE = Pattern.compile("```+\\s*(diff|patch|udiff)\\b.*");

    private UnifiedDiffParser() {}

    public static List<FilePatch> parse(String diffText) throws PatchFormatException {
        return new Reader(diffText).files();
    }

    /** Holds the position while reading; one instance per parse, never shared. */
    private static final class Reader {
        private final String[] lines;
        private int i;

        Reader(String text) {
            // Split on '\n' only: a '\r' belongs to the content of a CRLF file's lines.
            String[] split = text.split("\n", -1);
            this.lines = split.length > 0 && split[split.length - 1].isEmpty()
                    ? Arrays.copyOf(split, split.length - 1) : split;
        }

        List<FilePatch> files() throws PatchFormatException {
            List<FilePatch> files = new ArrayList<>();
            boolean inDiffFence = false;
            while (i < lines.length) {
                String h = header(i);
                if (h.startsWith("```")) {
                    inDiffFence = !inDiffFence && DIFF_FENCE.matcher(h).matches();
                    i++;
                } else if (inDiffFence && (h.startsWith("+") || h.startsWith("-")) && !isPlainFileStart(i)) {
                    // A fragment of a diff with no header: skipping it would apply only part of the fix.
                    throw new PatchFormatException(i + 1, "added/removed line outside any hunk (no '@@' header before it)");
                } else if (h.startsWith("diff --git ")) {
                    files.add(gitFile());
                } else if (isPlainFileStart(i)) {
                    files.add(plainFile());
                } else if (h.startsWith("@@ ") || HUNK_HEADER.matcher(h).matches()) {
                    throw new PatchFormatException(i + 1, "hunk header with no '--- / +++' file header before it");
                } else {
                    i++; // prose, code fences, "index" lines of unknown tools
                }
            }
            return List.copyOf(files);
        }

        private String header(int at) {
            String s = lines[at];
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        private boolean isPlainFileStart(int at) {
            return at + 1 < lines.length && header(at).startsWith("--- ") && header(at + 1).startsWith("+++ ");
        }

        private FilePatch gitFile() throws PatchFormatException {
            int startLine = i + 1;
            String[] headerPaths = GitPaths.gitHeaderPaths(header(i).substring("diff --git ".length()), startLine);
            i++;
            String oldMode = null;
            String newMode = null;
            String renameFrom = null;
            String renameTo = null;
            boolean newFile = false;
            boolean deletedFile = false;
            boolean binary = false;
            int similarity = 0;
            String minus = null;
            String plus = null;
            List<Hunk> hunks = List.of();
            while (i < lines.length) {
                String h = header(i);
                int lineNo = i + 1;
                if (h.startsWith("old mode ")) {
                    oldMode = mode(h.substring(9), lineNo);
                } else if (h.startsWith("new mode ")) {
                    newMode = mode(h.substring(9), lineNo);
                } else if (h.startsWith("new file mode ")) {
                    newFile = true;
                    newMode = mode(h.substring(14), lineNo);
                } else if (h.startsWith("deleted file mode ")) {
                    deletedFile = true;
                    oldMode = mode(h.substring(18), lineNo);
                } else if (h.startsWith("rename from ") || h.startsWith("rename old ")) {
                    // "rename old/new" is git's older spelling, which git apply still reads.
                    renameFrom = extendedPath(h.substring(h.indexOf(' ', 7) + 1), lineNo);
                } else if (h.startsWith("rename to ") || h.startsWith("rename new ")) {
                    renameTo = extendedPath(h.substring(h.indexOf(' ', 7) + 1), lineNo);
                } else if (h.startsWith("copy from ") || h.startsWith("copy to ")) {
                    throw new PatchFormatException(lineNo, "file copies are not supported; write the new file as an added file");
                } else if (h.startsWith("similarity index ")) {
                    similarity = lineNo;
                } else if (h.startsWith("dissimilarity index ") || h.startsWith("index ")) {
                    // informational only
                } else if (h.startsWith("Binary files ") && h.endsWith(" differ")) {
                    binary = true;
                } else if (h.equals("GIT binary patch")) {
                    binary = true;
                    i++;
                    while (i < lines.length && !header(i).startsWith("diff --git ")) i++;
                    break;
                } else if (isPlainFileStart(i)) {
                    minus = GitPaths.headerPath(h.substring(4), lineNo);
                    plus = GitPaths.headerPath(header(i + 1).substring(4), lineNo + 1);
                    i += 2;
                    hunks = hunks(true);
                    break;
                } else if (h.startsWith("@@")) {
                    throw new PatchFormatException(lineNo, "hunk without '--- / +++' lines in a 'diff --git' section");
                } else {
                    break;
                }
                i++;
            }
            String oldPath;
            String newPath;
            if (minus != null) {
                oldPath = minus.equals(FilePatch.DEV_NULL) ? minus : GitPaths.stripPrefix(minus, "a/");
                newPath = plus.equals(FilePatch.DEV_NULL) ? plus : GitPaths.stripPrefix(plus, "b/");
                // A section whose ---/+++ name other files than its "diff --git" line is either two
                // sections run together or an attempt to hide a path: refuse like git apply does.
                String headerOld = GitPaths.stripPrefix(headerPaths[0], "a/");
                String headerNew = GitPaths.stripPrefix(headerPaths[1], "b/");
                if (!oldPath.equals(FilePatch.DEV_NULL) && !oldPath.equals(headerOld)
                        || !newPath.equals(FilePatch.DEV_NULL) && !newPath.equals(headerNew)) {
                    throw new PatchFormatException(startLine, "the '---/+++' paths (" + oldPath + ", " + newPath
                            + ") disagree with the 'diff --git' line (" + headerOld + ", " + headerNew + ")");
                }
            } else if (renameFrom != null || renameTo != null) {
                if (renameFrom == null || renameTo == null) {
                    throw new PatchFormatException(startLine, "'rename from' without 'rename to' (or the reverse)");
                }
                oldPath = renameFrom;
                newPath = renameTo;
            } else {
                oldPath = GitPaths.stripPrefix(headerPaths[0], "a/");
                newPath = GitPaths.stripPrefix(headerPaths[1], "b/");
            }
            if (renameFrom != null && renameTo != null
                    && (!renameFrom.equals(oldPath) || !renameTo.equals(newPath))) {
                throw new PatchFormatException(startLine, "'rename from/to' disagree with the '---/+++' paths");
            }
            boolean rename = renameFrom != null;
            if (similarity > 0 && !rename) {
                // Only renames and copies carry a similarity index; one without them hides what the section means.
                throw new PatchFormatException(similarity, "'similarity index' without 'rename from/to': file renames and"
                        + " copies are not accepted; change the file in place or add the new file");
            }
            if (rename && (newFile || deletedFile)) {
                throw new PatchFormatException(startLine, "a section cannot both rename and create or delete a file");
            }
            if (newFile || oldPath.equals(FilePatch.DEV_NULL)) {
                if (deletedFile) throw new PatchFormatException(startLine, "file is both new and deleted");
                oldPath = FilePatch.DEV_NULL;
                return build(oldPath, newPath, FilePatch.Kind.ADD, hunks, binary, oldMode, newMode);
            }
            if (deletedFile || newPath.equals(FilePatch.DEV_NULL)) {
                return build(oldPath, FilePatch.DEV_NULL, FilePatch.Kind.DELETE, hunks, binary, oldMode, newMode);
            }
            // A rename header makes the section a rename even when both names are the same, so the
            // checker sees and refuses it instead of it passing as an edit.
            FilePatch.Kind kind = oldPath.equals(newPath) && !rename ? FilePatch.Kind.MODIFY : FilePatch.Kind.RENAME;
            return build(oldPath, newPath, kind, hunks, binary, oldMode, newMode);
        }

        private String extendedPath(String rest, int lineNo) throws PatchFormatException {
            String s = rest.strip();
            return s.startsWith("\"") ? GitPaths.readQuoted(s, 0, lineNo).path() : s;
        }

        private static String mode(String s, int lineNo) throws PatchFormatException {
            String m = s.strip();
            if (!MODE.matcher(m).matches()) throw new PatchFormatException(lineNo, "bad file mode '" + m + "'");
            return m;
        }

        private FilePatch plainFile() throws PatchFormatException {
            int lineNo = i + 1;
            String minus = GitPaths.headerPath(header(i).substring(4), lineNo);
            String plus = GitPaths.headerPath(header(i + 1).substring(4), lineNo + 1);
            i += 2;
            List<Hunk> hunks = hunks(false);
            boolean prefixed = (minus.startsWith("a/") || minus.equals(FilePatch.DEV_NULL))
                    && (plus.startsWith("b/") || plus.equals(FilePatch.DEV_NULL));
            String oldPath = prefixed ? GitPaths.stripPrefix(minus, "a/") : minus;
            String newPath = prefixed ? GitPaths.stripPrefix(plus, "b/") : plus;
            if (oldPath.equals(FilePatch.DEV_NULL)) {
                return build(oldPath, newPath, FilePatch.Kind.ADD, hunks, false, null, null);
            }
            if (newPath.equals(FilePatch.DEV_NULL)) {
                return build(oldPath, newPath, FilePatch.Kind.DELETE, hunks, false, null, null);
            }
            if (!oldPath.equals(newPath)) {
                // diff -u of "x.orig" against "x" means "edit x" to GNU patch, "rename" to git: refuse to guess.
                throw new PatchFormatException(lineNo, "'--- " + oldPath + "' and '+++ " + newPath
                        + "' name different files; use the same path on both lines (or a git rename header)");
            }
            return build(oldPath, newPath, FilePatch.Kind.MODIFY, hunks, false, null, null);
        }

        private FilePatch build(String oldPath, String newPath, FilePatch.Kind kind, List<Hunk> hunks,
                                boolean binary, String oldMode, String newMode) {
            boolean oldNoNl = false;
            boolean newNoNl = false;
            if (!hunks.isEmpty()) {
                Hunk last = hunks.get(hunks.size() - 1);
                List<HunkLine> o = last.oldSide();
                List<HunkLine> n = last.newSide();
                oldNoNl = !o.isEmpty() && o.get(o.size() - 1).noNewlineAtEnd();
                newNoNl = !n.isEmpty() && n.get(n.size() - 1).noNewlineAtEnd();
            }
            return new FilePatch(oldPath, newPath, kind, hunks, binary,
                    Optional.ofNullable(oldMode), Optional.ofNullable(newMode), oldNoNl, newNoNl);
        }

        private List<Hunk> hunks(boolean gitSection) throws PatchFormatException {
            List<Hunk> hunks = new ArrayList<>();
            while (i < lines.length && header(i).startsWith("@@")) {
                hunks.add(hunk(gitSection));
            }
            return hunks;
        }

        /**
         * @param gitSection inside "diff --git", where the next file always starts with "diff --git";
         *     a "--- x / +++ y" pair is then a removed "-- x" and an added "++ y" while the counts last
         */
        private Hunk hunk(boolean gitSection) throws PatchFormatException {
            int headerLine = i + 1;
            Matcher m = HUNK_HEADER.matcher(header(i));
            int oldStart = 0;
            int newStart = 0;
            int oldCount = -1;
            int newCount = -1;
            if (m.matches()) {
                oldStart = parseHint(m.group(1));
                newStart = parseHint(m.group(3));
                oldCount = m.group(2) == null ? 1 : parseHint(m.group(2));
                newCount = m.group(4) == null ? 1 : parseHint(m.group(4));
            } // else: "@@ garbage @@" - header numbers are only hints anyway
            i++;
            List<HunkLine> body = new ArrayList<>();
            int trailingBlanks = 0;
            while (i < lines.length) {
                String raw = lines[i];
                String h = header(i);
                if (h.startsWith("@@") || h.startsWith("diff --git ")) break;
                // "--- x" + "+++ y" + "@@" is the next file even if this hunk's counts are not used up:
                // models overstate counts often. If it really was a "-- x" / "++ y" pair of body lines,
                // the misread is still refused later (duplicate file, missing file or no unique match).
                boolean countsUsedUp = countsUsedUp(body, oldCount, newCount);
                if (isPlainFileStart(i) && (countsUsedUp || !gitSection && (i + 2 >= lines.length
                        || header(i + 2).startsWith("@@")))) break;
                if (h.isEmpty()) {
                    // An empty line is usually a context line whose leading space was stripped.
                    body.add(HunkLine.context(raw));
                    trailingBlanks++;
                    i++;
                    continue;
                }
                char c = raw.charAt(0);
                if (c == '\\') {
                    if (body.isEmpty()) throw new PatchFormatException(i + 1, "'\\' marker before any hunk line");
                    HunkLine prev = body.remove(body.size() - 1);
                    body.add(prev.withNoNewline());
                    trailingBlanks = 0;
                    i++;
                    continue;
                }
                HunkLine line = switch (c) {
                    case ' ' -> HunkLine.context(raw.substring(1));
                    case '+' -> HunkLine.add(raw.substring(1));
                    case '-' -> HunkLine.remove(raw.substring(1));
                    default -> null;
                };
                if (line == null) {
                    requireNoStrayBodyLines(i);
                    break; // prose after the hunk
                }
                body.add(line);
                trailingBlanks = 0;
                i++;
            }
            // Blank lines after the last real body line are usually separators, not context;
            // keep only as many as the header counts ask for.
            while (trailingBlanks > 0 && !needsMoreLines(body.subList(0, body.size() - 1), oldCount, newCount)) {
                body.remove(body.size() - 1);
                trailingBlanks--;
                i--;
            }
            // Leave i after the kept body; skipped blanks are re-read as prose by the caller.
            while (i < lines.length && header(i).isEmpty()) i++;
            if (body.isEmpty()) throw new PatchFormatException(headerLine, "empty hunk");
            return Hunk.of(oldStart, newStart, body);
        }

        /**
         * A hunk ended at a line that is not ' ', '+' or '-'. If added or removed lines follow before
         * the next file, the line was most likely a context line that lost its leading space; skipping
         * the rest as prose would apply half the edit, so the diff is refused instead.
         */
        private void requireNoStrayBodyLines(int stop) throws PatchFormatException {
            if (header(stop).startsWith("```")) return;
            for (int j = stop + 1; j < lines.length; j++) {
                String h = header(j);
                if (h.startsWith("```") || h.startsWith("diff --git ") || h.startsWith("@@") || isPlainFileStart(j)) return;
                if (h.startsWith("+") || h.startsWith("-")) {
                    throw new PatchFormatException(stop + 1, "line is not a context (' '), added ('+') or removed ('-')"
                            + " line, but hunk lines follow at diff line " + (j + 1)
                            + "; did a context line lose its leading space?");
                }
            }
        }

        private static int parseHint(String digits) {
            try {
                return Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                return 0; // absurdly large numbers: treat as no hint
            }
        }

        private static boolean countsUsedUp(List<HunkLine> body, int oldCount, int newCount) {
            if (oldCount < 0) return true;
            long o = body.stream().filter(HunkLine::onOldSide).count();
            long n = body.stream().filter(HunkLine::onNewSide).count();
            return o >= oldCount && n >= newCount;
        }

        /** True when the body (without its last blank line) is still short of the header counts. */
        private static boolean needsMoreLines(List<HunkLine> body, int oldCount, int newCount) {
            if (oldCount < 0) return false;
            long o = body.stream().filter(HunkLine::onOldSide).count();
            long n = body.stream().filter(HunkLine::onNewSide).count();
            return o < oldCount && n < newCount;
        }
    }
}
