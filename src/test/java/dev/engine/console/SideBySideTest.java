package dev.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SideBySideTest {
    final SideBySide s = new SideBySide();

    static String text(List<View.Segment> segs) {
        return segs == null ? null : segs.stream().map(View.Segment::text).collect(Collectors.joining());
    }

    @Test
    void aChangedLineIsPairedWithItsWordsMarkedAndLineNumbersKept() {
        String before = IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        String after = before.replace("line 10\n", "line ten\n").replace("line 15\n", "line 15\nadded\n");
        List<View.Row> rows = s.rows(before, after);
        View.Row change = rows.stream().filter(r -> r.kind().equals("change")).findFirst().orElseThrow();
        assertThat(change.oldNo()).isEqualTo("10");
        assertThat(change.newNo()).isEqualTo("10");
        assertThat(change.oldText()).contains(new View.Segment("10", true));
        assertThat(change.newText()).contains(new View.Segment("ten", true));
        View.Row insert = rows.stream().filter(r -> r.kind().equals("insert")).findFirst().orElseThrow();
        assertThat(insert.oldText()).isNull();
        assertThat(insert.newNo()).isEqualTo("16");
        assertThat(text(insert.newText())).isEqualTo("added");
        // unchanged runs folded to three lines of context
        assertThat(rows.get(0).kind()).isEqualTo("skip");
        assertThat(rows.get(0).oldNo()).contains("6 unchanged lines");
        assertThat(rows.stream().filter(r -> r.kind().equals("equal")).map(View.Row::oldNo)).contains("7", "9", "11", "14", "16", "18")
                .doesNotContain("1", "6", "19", "20");
    }

    @Test
    void aNewFileHasOnlyNewLinesAndADeletedOneOnlyOld() {
        assertThat(s.rows(null, "a\nb\n")).extracting(View.Row::kind).containsExactly("insert", "insert");
        assertThat(s.rows("a\n", null)).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("delete");
            assertThat(r.newText()).isNull();
        });
    }

    @Test
    void aFileCannotForgeTheChangeMarksAndItsTextStaysText() {
        String hostile = "x \u0001<b>not marked</b>\u0002 y";
        List<View.Row> rows = s.rows("safe\n", hostile + "\n");
        View.Row r = rows.get(0);
        assertThat(r.kind()).isEqualTo("change");
        assertThat(text(r.newText())).isEqualTo("x \uFFFD<b>not marked</b>\uFFFD y");
        assertThat(r.newText()).allSatisfy(seg -> assertThat(seg.text()).doesNotContain("\u0001", "\u0002"));
    }

    @Test
    void aHugeDiffIsCutWithoutShowingLaterChangesAsUnchanged() {
        String before = IntStream.range(0, 4000).mapToObj(i -> "a" + i).collect(Collectors.joining("\n"));
        String after = IntStream.range(0, 4000).mapToObj(i -> i % 2 == 0 ? "b" + i : "a" + i).collect(Collectors.joining("\n"));
        List<View.Row> rows = s.rows(before, after);
        assertThat(rows.size()).isLessThanOrEqualTo(SideBySide.MAX_ROWS + 1);
        assertThat(rows.get(rows.size() - 1).kind()).isEqualTo("skip");
        assertThat(rows.get(rows.size() - 1).oldNo()).contains("more changes not shown");
    }
}
