package dev.engine.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PatchApplierTest {
    private final PatchApplier applier = new PatchApplier();

    private static FilePatch parse(String diff) throws PatchFormatException {
        List<FilePatch> files = UnifiedDiffParser.parse(diff);
        assertThat(files).hasSize(1);
        return files.get(0);
    }

    private String applied(String diff, String original) throws PatchFormatException {
        ApplyResult r = applier.apply(parse(diff), Optional.of(original));
        assertThat(r).isInstanceOf(ApplyResult.Applied.class);
        return ((ApplyResult.Applied) r).newText();
    }

    private String refusal(String diff, Optional<String> original) throws PatchFormatException {
        ApplyResult r = applier.apply(parse(diff), original);
        assertThat(r).isInstanceOf(ApplyResult.Refused.class);
        return ((ApplyResult.Refused) r).reason();
    }

    private static final String TEN = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\n";

    @Test
    void exactPlacement() throws Exception {
        assertThat(applied("--- a/f\n+++ b/f\n@@ -4,3 +4,3 @@\n l4\n-l5\n+five\n l6\n", TEN))
                .isEqualTo("l1\nl2\nl3\nl4\nfive\nl6\nl7\nl8\nl9\nl10\n");
    }

    @Test
    void shiftedLineNumbers() throws Exception {
        String want = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nSEVEN\nl8\nl9\nl10\n";
        assertThat(applied("--- a/f\n+++ b/f\n@@ -50,2 +50,3 @@\n l7\n+SEVEN\n l8\n", TEN)).isEqualTo(want);
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n l7\n+SEVEN\n l8\n", TEN)).isEqualTo(want);
    }

    @Test
    void whitespaceChangedContextKeepsTheFilesText() throws Exception {
        String file = "spec:\n  replicas: 1\n  image:   nginx\n  port: 80\n";
        String diff = "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n spec:\n-    replicas: 1\n+  replicas: 2\n   image: nginx \n port: 80\n";
        assertThat(applied(diff, file)).isEqualTo("spec:\n  replicas: 2\n  image:   nginx\n  port: 80\n");
    }

    @Test
    void exactMatchWinsOverWhitespaceMatch() throws Exception {
        String file = "a\n  x\nb\nc\nx\nd\n";
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n", file)).isEqualTo("a\n  x\nb\nc\ny\nd\n");
    }

    @Test
    void crlfFileStaysCrlfWithLfDiff() throws Exception {
        String file = "a\r\nb\r\nc\r\n";
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n+B2\n c\n", file)).isEqualTo("a\r\nB\r\nB2\r\nc\r\n");
    }

    @Test
    void crlfDiffOnCrlfFile() throws Exception {
        String file = "a\r\nb\r\nc\r\n";
        assertThat(applied("--- a/f\r\n+++ b/f\r\n@@ -1,3 +1,3 @@\r\n a\r\n-b\r\n+B\r\n c\r\n", file)).isEqualTo("a\r\nB\r\nc\r\n");
    }

    @Test
    void lfFileStaysLf() throws Exception {
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-l1\n+one\n", TEN)).doesNotContain("\r").startsWith("one\nl2\n");
    }

    @Test
    void removingTheMissingFinalNewline() throws Exception {
        String diff = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n";
        assertThat(applied(diff, "x\ny")).isEqualTo("x\nz\n");
    }

    @Test
    void droppingTheFinalNewline() throws Exception {
        String diff = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n\\ No newline at end of file\n";
        assertThat(applied(diff, "x\ny\n")).isEqualTo("x\nz");
    }

    @Test
    void fileWithoutFinalNewlineKeepsThatStateWhenTheDiffDoesNotMentionIt() throws Exception {
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+X\n", "x\ny")).isEqualTo("X\ny");
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-y\n+Y\n", "x\ny")).isEqualTo("x\nY");
    }

    @Test
    void noNewlineMarkerInTheMiddleOfTheFileIsRefused() throws Exception {
        String diff = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-l1\n+one\n\\ No newline at end of file\n";
        assertThat(refusal(diff, Optional.of(TEN))).contains("end of the file");
    }

    @Test
    void newFile() throws Exception {
        FilePatch p = parse("--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n");
        assertThat(applier.apply(p, Optional.empty())).isEqualTo(new ApplyResult.Applied("a\nb\n"));
        FilePatch q = parse("--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file\n");
        assertThat(applier.apply(q, Optional.empty())).isEqualTo(new ApplyResult.Applied("a\nb"));
    }

    @Test
    void newFileThatExistsIsRefused() throws Exception {
        assertThat(refusal("--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+a\n", Optional.of("")))
                .contains("n.txt").contains("already exists");
    }

    @Test
    void deleteWhenContentMatches() throws Exception {
        FilePatch p = parse("diff --git a/f b/f\ndeleted file mode 100644\n--- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n");
        assertThat(applier.apply(p, Optional.of("a\nb\n"))).isEqualTo(new ApplyResult.Deleted());
    }

    @Test
    void deleteWhenContentDiffersIsRefused() throws Exception {
        String diff = "--- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n";
        assertThat(refusal(diff, Optional.of("a\nb\nc\n"))).contains("3");
        assertThat(refusal(diff, Optional.of("a\nB\n"))).contains("line 2");
        assertThat(refusal(diff, Optional.empty())).contains("does not exist");
    }

    @Test
    void multipleHunks() throws Exception {
        String diff = "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n l1\n-l2\n+two\n l3\n@@ -8,3 +8,3 @@\n l8\n-l9\n+nine\n l10\n";
        assertThat(applied(diff, TEN)).isEqualTo("l1\ntwo\nl3\nl4\nl5\nl6\nl7\nl8\nnine\nl10\n");
    }

    @Test
    void ambiguousContextIsRefusedNamingHunkAndLines() throws Exception {
        String file = "a: 1\nreplicas: 1\nb: 2\n---\na: 1\nreplicas: 1\nb: 2\n";
        String reason = refusal("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a: 1\n-replicas: 1\n+replicas: 3\n b: 2\n", Optional.of(file));
        assertThat(reason).contains("hunk 1").contains("ambiguous").contains("[1, 5]");
    }

    @Test
    void ambiguousOnlyWhenIgnoringWhitespaceIsAlsoRefused() throws Exception {
        String file = "  x: 1\nkeep\n    x: 1\n";
        assertThat(refusal("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x: 1\n+x: 2\n", Optional.of(file)))
                .contains("ambiguous").contains("whitespace-insensitive").contains("[1, 3]");
    }

    @Test
    void noMatchIsRefused() throws Exception {
        assertThat(refusal("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n l1\n-nothere\n+x\n", Optional.of(TEN)))
                .contains("hunk 1").contains("does not match");
    }

    @Test
    void overlappingOrOutOfOrderHunksAreRefused() throws Exception {
        String diff = "--- a/f\n+++ b/f\n@@ -8,2 +8,2 @@\n l8\n-l9\n+nine\n@@ -1,2 +1,2 @@\n l1\n-l2\n+two\n";
        assertThat(refusal(diff, Optional.of(TEN))).contains("hunk 2").contains("out of order");
        String overlap = "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n l1\n-l2\n+two\n l3\n@@ -3,2 +3,2 @@\n l3\n-l4\n+four\n";
        assertThat(refusal(overlap, Optional.of(TEN))).contains("overlap");
    }

    @Test
    void modifyingAMissingFileIsRefused() throws Exception {
        assertThat(refusal("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n", Optional.empty())).contains("does not exist");
    }

    @Test
    void insertionWithoutAnchorIsRefusedInNonEmptyFile() throws Exception {
        assertThat(refusal("--- a/f\n+++ b/f\n@@ -3,0 +4 @@\n+new\n", Optional.of(TEN))).contains("cannot be placed");
        assertThat(applied("--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+new\n", "")).isEqualTo("new\n");
    }

    @Test
    void renameWithoutHunksKeepsContent() throws Exception {
        FilePatch p = parse("diff --git a/a b/b\nsimilarity index 100%\nrename from a\nrename to b\n");
        assertThat(applier.apply(p, Optional.of("x\r\ny"))).isEqualTo(new ApplyResult.Applied("x\r\ny"));
    }

    @Test
    void binaryIsRefused() throws Exception {
        FilePatch p = parse("diff --git a/i.png b/i.png\nBinary files a/i.png and b/i.png differ\n");
        assertThat(applier.apply(p, Optional.of("x"))).isInstanceOf(ApplyResult.Refused.class);
    }

    @Test
    void newFileWithNoNewlineMarkerInTheMiddleIsRefused() throws Exception {
        FilePatch p = parse("--- /dev/null\n+++ b/n\n@@ -0,0 +1,2 @@\n+a\n\\ No newline at end of file\n+b\n");
        assertThat(applier.apply(p, Optional.empty())).isInstanceOf(ApplyResult.Refused.class);
    }

    @Test
    void changingTheEndOfAFileWithoutFinalNewlineAndWithoutMarkerKeepsLineEndingsConsistent() throws Exception {
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n x\n y\n+z\n", "x\ny")).isEqualTo("x\ny\nz");
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n", "x\r\ny")).isEqualTo("x\r\nz");
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n x\n y\n+z\n", "x\r\ny")).isEqualTo("x\r\ny\r\nz");
        assertThat(applied("--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n x\n+w\n y\n", "x\r\ny")).isEqualTo("x\r\nw\r\ny");
    }
}
