package dev.engine.console;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Chunk;
import com.github.difflib.text.DiffRow;
import com.github.difflib.text.DiffRowGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A side-by-side view of two versions of a file: unchanged runs folded to {@link #CONTEXT} lines
 * around each change, and within a changed line the words that changed, found by java-diff-utils'
 * {@link DiffRowGenerator}. The generator marks them with two control characters, never HTML:
 * the text is split at the marks into {@link View.Segment}s that the template escapes.
 */
final class SideBySide {
    static final int CONTEXT = 3;
    static final int MAX_ROWS = 1500;
    private static final char OPEN = '\u0001';
    private static final char CLOSE = '\u0002';

    private final DiffRowGenerator inline = DiffRowGenerator.create()
            .showInlineDiffs(true)
            .inlineDiffByWord(true)
            .decompressDeltas(false)
            .oldTag(start -> start ? String.valueOf(OPEN) : String.valueOf(CLOSE))
            .newTag(start -> start ? String.valueOf(OPEN) : String.valueOf(CLOSE))
            // The default normalizer escapes HTML; here the template escapes, so only tabs are expanded.
            .lineNormalizer(line -> line.replace("\t", "    "))
            .build();

    /** @param before null for a new file; @param after null for a deleted one */
    List<View.Row> rows(String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<AbstractDelta<String>> deltas = DiffUtils.diff(a, b).getDeltas();
        List<View.Row> rows = new ArrayList<>();
        int i = 0;
        int j = 0;
        int d = 0;
        for (; d < deltas.size() && rows.size() < MAX_ROWS; d++) {
            AbstractDelta<String> delta = deltas.get(d);
            Chunk<String> src = delta.getSource();
            Chunk<String> tgt = delta.getTarget();
            equalRun(rows, a, i, j, src.getPosition() - i, d == 0, false);
            i = src.getPosition();
            j = tgt.getPosition();
            changed(rows, src, tgt);
            i += src.size();
            j += tgt.size();
        }
        if (d < deltas.size()) {
            List<View.Row> cut = new ArrayList<>(rows.subList(0, Math.min(rows.size(), MAX_ROWS)));
            cut.add(skip("… more changes not shown: `engine review show` has them all"));
            return cut;
        }
        equalRun(rows, a, i, j, a.size() - i, deltas.isEmpty(), true);
        if (rows.size() > MAX_ROWS) {
            List<View.Row> cut = new ArrayList<>(rows.subList(0, MAX_ROWS));
            cut.add(skip("… " + (rows.size() - MAX_ROWS) + " more rows not shown"));
            return cut;
        }
        return rows;
    }

    /** {@code count} unchanged lines from old line {@code i} / new line {@code j}, folded in the middle. */
    private static void equalRun(List<View.Row> rows, List<String> a, int i, int j, int count, boolean first, boolean last) {
        int head = first ? 0 : Math.min(CONTEXT, count);
        int tail = last ? 0 : Math.min(CONTEXT, count - head);
        for (int k = 0; k < head; k++) {
            rows.add(equal(a.get(i + k), i + k, j + k));
        }
        int folded = count - head - tail;
        if (folded > 0) {
            rows.add(skip("⋯ " + folded + " unchanged line" + (folded == 1 ? "" : "s")));
        }
        for (int k = count - tail; k < count; k++) {
            rows.add(equal(a.get(i + k), i + k, j + k));
        }
    }

    private void changed(List<View.Row> rows, Chunk<String> src, Chunk<String> tgt) {
        int n = Math.max(src.size(), tgt.size());
        List<DiffRow> inlineRows = inline.generateDiffRows(src.getLines(), tgt.getLines());
        // With deltas not decompressed, a changed chunk gives one row per line of its longer side; if
        // the generator ever pairs lines differently, the lines are shown whole instead.
        boolean paired = inlineRows.size() == n;
        for (int k = 0; k < n; k++) {
            boolean hasOld = k < src.size();
            boolean hasNew = k < tgt.size();
            String kind = hasOld && hasNew ? "change" : hasOld ? "delete" : "insert";
            List<View.Segment> oldText = !hasOld ? null
                    : paired && hasNew ? segments(inlineRows.get(k).getOldLine()) : whole(src.getLines().get(k));
            List<View.Segment> newText = !hasNew ? null
                    : paired && hasOld ? segments(inlineRows.get(k).getNewLine()) : whole(tgt.getLines().get(k));
            rows.add(new View.Row(kind, hasOld ? String.valueOf(src.getPosition() + k + 1) : "",
                    hasNew ? String.valueOf(tgt.getPosition() + k + 1) : "", oldText, newText));
        }
    }

    private static View.Row equal(String line, int i, int j) {
        List<View.Segment> text = whole(line);
        return new View.Row("equal", String.valueOf(i + 1), String.valueOf(j + 1), text, text);
    }

    private static View.Row skip(String text) {
        return new View.Row("skip", text, "", null, null);
    }

    private static List<View.Segment> whole(String line) {
        return List.of(new View.Segment(line.replace("\t", "    "), false));
    }

    /** Splits a generator line at its marks; a line whose first mark closes began inside a change. */
    static List<View.Segment> segments(String line) {
        List<View.Segment> out = new ArrayList<>();
        int firstOpen = line.indexOf(OPEN);
        int firstClose = line.indexOf(CLOSE);
        boolean changed = firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (c == OPEN || c == CLOSE) {
                if (sb.length() > 0) {
                    out.add(new View.Segment(sb.toString(), changed));
                    sb.setLength(0);
                }
                changed = c == OPEN;
            } else {
                sb.append(c);
            }
        }
        if (sb.length() > 0) {
            out.add(new View.Segment(sb.toString(), changed));
        }
        return out;
    }

    /**
     * The file's lines. The two mark characters are replaced first (they are control characters no
     * text file needs), so a file cannot forge a mark.
     */
    static List<String> lines(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        String clean = text.replace(OPEN, '\uFFFD').replace(CLOSE, '\uFFFD');
        if (clean.endsWith("\n")) {
            clean = clean.substring(0, clean.length() - 1);
        }
        return Arrays.asList(clean.split("\r?\n", -1));
    }
}
