package dev.engine.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.engine.patch.HunkLine.Kind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnifiedDiffParserTest {

    private static FilePatch single(String diff) throws PatchFormatException {
        List<FilePatch> files = UnifiedDiffParser.parse(diff);
        assertThat(files).hasSize(1);
        return files.get(0);
    }

    @Test
    void gitStyleModify() throws Exception {
        FilePatch p = single("""
                diff --git a/apps/web.yaml b/apps/web.yaml
                index 1b32298..206b378 100644
                --- a/apps/web.yaml
                +++ b/apps/web.yaml
                @@ -1,3 +1,3 @@
                 name: web
                -replicas: 1
                +replicas: 2
                 port: 80
                """);
        assertThat(p.kind()).isEqualTo(FilePatch.Kind.MODIFY);
        assertThat(p.oldPath()).isEqualTo("apps/web.yaml");
        assertThat(p.newPath()).isEqualTo("apps/web.yaml");
        assertThat(p.binary()).isFalse();
        assertThat(p.hunks()).hasSize(1);
        Hunk h = p.hunks().get(0);
        assertThat(h.oldStart()).isEqualTo(1);
        assertThat(h.oldCount()).isEqualTo(3);
        assertThat(h.newCount()).isEqualTo(3);
        assertThat(h.lines()).containsExactly(HunkLine.context("name: web"), HunkLine.remove("replicas: 1"),
                HunkLine.add("replicas: 2"), HunkLine.context("port: 80"));
        assertThat(p.addedLines()).isEqualTo(1);
        assertThat(p.removedLines()).isEqualTo(1);
    }

    @Test
    void newFile() throws Exception {
        FilePatch p = single("""
                diff --git a/new.sh b/new.sh
                new file mode 100644
                index 0000000..e69de29
                --- /dev/null
                +++ b/new.sh
                @@ -0,0 +1,2 @@
                +#!/bin/sh
                +echo hi
                """);
        assertThat(p.kind()).isEqualTo(FilePatch.Kind.ADD);
        assertThat(p.path()).isEqualTo("new.sh");
        assertThat(p.oldPath()).isEqualTo(FilePatch.DEV_NULL);
        assertThat(p.newMode()).contains("100644");
        assertThat(p.touchedPaths()).containsExactly("new.sh");
        assertThat(p.addedLines()).isEqualTo(2);
    }

    @Test
    void deletedFile() throws Exception {
        FilePatch p = single("""
                diff --git a/old.txt b/old.txt
                deleted file mode 100644
                index e69de29..0000000
                --- a/old.txt
                +++ /dev/null
                @@ -1 +0,0 @@
                -bye
                """);
        assertThat(p.kind()).isEqualTo(FilePatch.Kind.DELETE);
        assertThat(p.path()).isEqualTo("old.txt");
        assertThat(p.oldMode()).contains("100644");
        assertThat(p.removedLines()).isEqualTo(1);
    }

    @Test
    void pureRenameWithoutHunks() throws Exception {
        FilePatch p = single("""
                diff --git a/a.txt b/docs/b.txt
                similarity index 100%
                rename from a.txt
                rename to docs/b.txt
                """);
        assertThat(p.kind()).isEqualTo(FilePatch.Kind.RENAME);
        assertThat(p.oldPath()).isEqualTo("a.txt");
        assertThat(p.newPath()).isEqualTo("docs/b.txt");
        assertThat(p.hunks()).isEmpty();
        assertThat(p.touchedPaths()).containsExactly("a.txt", "docs/b.txt");
    }

    @Test
    void renameWithEdit() throws Exception {
        FilePatch p = single("""
                diff --git a/a.txt b/b.txt
                similarity index 80%
                rename from a.txt
                rename to b.txt
                index 1..2 100644
                --- a/a.txt
                +++ b/b.txt
                @@ -1,2 +1,2 @@
                 one
                -two
                +2
                """);
        assertThat(p.kind()).isEqualTo(FilePatch.Kind.RENAME);
        assertThat(p.hunks()).hasSize(1);
    }

    @Test
    void modeChange() throws Exception {
        FilePatch p = single("""
                diff --git a/run.sh b/run.sh
                old mode 100644
                new mode 100755
                """);
        assertThat(p.oldMode()).contains("100644");
        assertThat(p.newMode()).contains("100755");
        assertThat(p.hunks()).isEmpty();
    }

    @Test
    void binaryFilesDiffer() throws Exception {
        List<FilePatch> files = UnifiedDiffParser.parse("""
                diff --git a/logo.png b/logo.png
                index 1..2 100644
                Binary files a/logo.png and b/logo.png differ
                diff --git a/x b/x
                --- a/x
                +++ b/x
                @@ -1 +1 @@
                -a
                +b
                """);
        assertThat(files).hasSize(2);
        assertThat(files.get(0).binary()).isTrue();
        assertThat(files.get(0).path()).isEqualTo("logo.png");
        assertThat(files.get(1).binary()).isFalse();
    }

    @Test
    void gitBinaryPatchIsSkippedButFlagged() throws Exception {
        List<FilePatch> files = UnifiedDiffParser.parse("""
                diff --git a/blob.bin b/blob.bin
                new file mode 100644
                index 0000000..1111111
                GIT binary patch
                literal 12
                TcmZQzU|?ckU|?ckU|?c40000

                literal 0
                HcmV?d00001

                diff --git a/x b/x
                --- a/x
                +++ b/x
                @@ -1 +1 @@
                -a
                +b
                """);
        assertThat(files).hasSize(2);
        assertThat(files.get(0).binary()).isTrue();
        assertThat(files.get(0).kind()).isEqualTo(FilePatch.Kind.ADD);
        assertThat(files.get(1).path()).isEqualTo("x");
    }

    @Test
    void plainDiffWithoutPrefixes() throws Exception {
        FilePatch p = single("""
                --- apps/web.yaml
                +++ apps/web.yaml
                @@ -1,2 +1,2 @@
                 a
                -b
                +c
                """);
        assertThat(p.kind()).isEqualTo(FilePatch.Kind.MODIFY);
        assertThat(p.path()).isEqualTo("apps/web.yaml");
    }

    @Test
    void plainDiffWithPrefixesStripsThem() throws Exception {
        FilePatch p = single("""
                --- a/apps/web.yaml
                +++ b/apps/web.yaml
                @@ -1 +1 @@
                -b
                +c
                """);
        assertThat(p.path()).isEqualTo("apps/web.yaml");
    }

    @Test
    void plainNewFileFromDevNull() throws Exception {
        FilePatch p = single("""
                --- /dev/null
                +++ notes.md
                @@ -0,0 +1 @@
                +hello
                """);
        assertThat(p.kind()).isEqualTo(FilePatch.Kind.ADD);
        assertThat(p.path()).isEqualTo("notes.md");
    }

    @Test
    void plainDiffNamingTwoDifferentFilesIsRejected() {
        assertThatThrownBy(() -> UnifiedDiffParser.parse("""
                --- a.orig
                +++ a
                @@ -1 +1 @@
                -x
                +y
                """)).isInstanceOf(PatchFormatException.class).hasMessageContaining("line 1");
    }

    @Test
    void severalFiles() throws Exception {
        List<FilePatch> files = UnifiedDiffParser.parse("""
                --- a/one
                +++ b/one
                @@ -1 +1 @@
                -1
                +one
                --- a/two
                +++ b/two
                @@ -1 +1 @@
                -2
                +two
                diff --git a/three b/three
                --- a/three
                +++ b/three
                @@ -1 +1 @@
                -3
                +three
                """);
        assertThat(files).extracting(FilePatch::path).containsExactly("one", "two", "three");
        assertThat(files).allSatisfy(f -> assertThat(f.changedLines()).isEqualTo(2));
    }

    @Test
    void noNewlineAtEndMarkers() throws Exception {
        FilePatch p = single("""
                --- a/f
                +++ b/f
                @@ -1,2 +1,2 @@
                 x
                -y
                \\ No newline at end of file
                +z
                """);
        assertThat(p.oldNoNewlineAtEnd()).isTrue();
        assertThat(p.newNoNewlineAtEnd()).isFalse();
        assertThat(p.hunks().get(0).lines().get(1)).isEqualTo(new HunkLine(Kind.REMOVE, "y", true));
        FilePatch q = single("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-y\n+z\n\\ No newline at end of file\n");
        assertThat(q.oldNoNewlineAtEnd()).isFalse();
        assertThat(q.newNoNewlineAtEnd()).isTrue();
    }

    @Test
    void crlfLinesKeepTheirCarriageReturn() throws Exception {
        FilePatch p = single("diff --git a/w.bat b/w.bat\r\n--- a/w.bat\r\n+++ b/w.bat\r\n@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+B\r\n");
        assertThat(p.path()).isEqualTo("w.bat");
        assertThat(p.hunks().get(0).lines()).containsExactly(HunkLine.context("a\r"), HunkLine.remove("b\r"),
                HunkLine.add("B\r"));
    }

    @Test
    void missingCountsMeanOne() throws Exception {
        Hunk h = single("--- a/f\n+++ b/f\n@@ -3 +3 @@\n-x\n+y\n").hunks().get(0);
        assertThat(h.oldStart()).isEqualTo(3);
        assertThat(h.oldCount()).isEqualTo(1);
        assertThat(h.newCount()).isEqualTo(1);
    }

    @Test
    void wrongCountsAreRecountedFromTheBody() throws Exception {
        List<FilePatch> files = UnifiedDiffParser.parse("""
                --- a/f
                +++ b/f
                @@ -1,9 +1,2 @@
                 a
                -b
                +c
                 d
                --- a/g
                +++ b/g
                @@ -1 +1 @@
                -x
                +y
                """);
        assertThat(files).hasSize(2);
        Hunk h = files.get(0).hunks().get(0);
        assertThat(h.oldCount()).isEqualTo(3);
        assertThat(h.newCount()).isEqualTo(3);
        assertThat(h.lines()).hasSize(4);
    }

    @Test
    void garbageLineNumbersAreOnlyHints() throws Exception {
        Hunk h = single("--- a/f\n+++ b/f\n@@ -0,0 +0,0 @@\n a\n-b\n+c\n").hunks().get(0);
        assertThat(h.oldCount()).isEqualTo(2);
        assertThat(h.newCount()).isEqualTo(2);
        Hunk g = single("--- a/f\n+++ b/f\n@@ -x,y +z @@ section\n a\n-b\n+c\n").hunks().get(0);
        assertThat(g.oldStart()).isZero();
        assertThat(g.lines()).hasSize(3);
        Hunk bare = single("--- a/f\n+++ b/f\n@@\n a\n-b\n+c\n").hunks().get(0);
        assertThat(bare.lines()).hasSize(3);
    }

    @Test
    void proseAroundTheDiffIsIgnored() throws Exception {
        List<FilePatch> files = UnifiedDiffParser.parse("""
                Here is the fix. The replica count was wrong:

                ```diff
                --- a/f
                +++ b/f
                @@ -1,2 +1,2 @@
                 a
                -b
                +c
                ```

                This should make the stage green.
                """);
        assertThat(files).hasSize(1);
        assertThat(files.get(0).hunks().get(0).lines()).hasSize(3);
    }

    @Test
    void strippedContextSpaceAndTrailingSeparatorBlankLines() throws Exception {
        // The blank line inside the hunk is a context line whose space was lost; the one after is a separator.
        Hunk h = single("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n\n").hunks().get(0);
        assertThat(h.lines()).containsExactly(HunkLine.context("a"), HunkLine.context(""), HunkLine.remove("b"),
                HunkLine.add("c"));
        // ... unless the header counts say the trailing blank is context.
        Hunk k = single("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n\n").hunks().get(0);
        assertThat(k.lines()).containsExactly(HunkLine.context("a"), HunkLine.remove("b"), HunkLine.add("c"),
                HunkLine.context(""));
    }

    @Test
    void timestampsAfterFileNamesAreStripped() throws Exception {
        FilePatch p = single("""
                --- conf/app.yaml\t2024-05-01 10:00:00.000000000 +0200
                +++ conf/app.yaml\t2024-05-02 11:00:00.000000000 +0200
                @@ -1 +1 @@
                -a
                +b
                """);
        assertThat(p.path()).isEqualTo("conf/app.yaml");
        FilePatch q = single("--- conf/app.yaml 2024-05-01 10:00:00 +0200\n+++ conf/app.yaml 2024-05-02 11:00:00 +0200\n"
                + "@@ -1 +1 @@\n-a\n+b\n");
        assertThat(q.path()).isEqualTo("conf/app.yaml");
    }

    @Test
    void quotedGitPathsWithEscapes() throws Exception {
        FilePatch p = single("""
                diff --git "a/caf\\303\\251 \\"x\\".txt" "b/caf\\303\\251 \\"x\\".txt"
                --- "a/caf\\303\\251 \\"x\\".txt"
                +++ "b/caf\\303\\251 \\"x\\".txt"
                @@ -1 +1 @@
                -a
                +b
                """);
        assertThat(p.path()).isEqualTo("café \"x\".txt");
        FilePatch r = single("""
                diff --git a/tab b/"t\\tb"
                similarity index 100%
                rename from tab
                rename to "t\\tb"
                """);
        assertThat(r.newPath()).isEqualTo("t\tb");
    }

    @Test
    void unquotedPathsWithSpacesInGitHeader() throws Exception {
        FilePatch p = single("diff --git a/my file.txt b/my file.txt\nold mode 100644\nnew mode 100755\n");
        assertThat(p.path()).isEqualTo("my file.txt");
    }

    @Test
    void hunkWithoutFileHeaderIsAnErrorWithLineNumber() {
        assertThatThrownBy(() -> UnifiedDiffParser.parse("some text\n@@ -1 +1 @@\n-a\n+b\n"))
                .isInstanceOf(PatchFormatException.class)
                .hasMessageContaining("line 2")
                .satisfies(e -> assertThat(((PatchFormatException) e).line()).isEqualTo(2));
    }

    @Test
    void emptyHunkIsAnError() {
        assertThatThrownBy(() -> UnifiedDiffParser.parse("--- a/f\n+++ b/f\n@@ -1 +1 @@\n@@ -5 +5 @@\n-a\n+b\n"))
                .isInstanceOf(PatchFormatException.class).hasMessageContaining("line 3").hasMessageContaining("empty hunk");
    }

    @Test
    void noDiffAtAllGivesNoFiles() throws Exception {
        assertThat(UnifiedDiffParser.parse("I could not find the problem, sorry.")).isEmpty();
        assertThat(UnifiedDiffParser.parse("")).isEmpty();
    }

    @Test
    void copyIsRejected() {
        assertThatThrownBy(() -> UnifiedDiffParser.parse("diff --git a/x b/y\nsimilarity index 100%\ncopy from x\ncopy to y\n"))
                .isInstanceOf(PatchFormatException.class).hasMessageContaining("line 3");
    }

    @Test
    void modesAreOptionalWhenAbsent() throws Exception {
        FilePatch p = single("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n");
        assertThat(p.oldMode()).isEqualTo(Optional.empty());
        assertThat(p.newMode()).isEmpty();
    }

    @Test
    void gitSectionWhosePathsDisagreeWithItsHeaderIsRejected() {
        assertThatThrownBy(() -> UnifiedDiffParser.parse(
                "diff --git a/apps/x b/apps/x\nold mode 100644\nnew mode 100755\n--- /dev/null\n+++ b/context_map.yaml\n@@ -0,0 +1 @@\n+y\n"))
                .isInstanceOf(PatchFormatException.class).hasMessageContaining("line 1").hasMessageContaining("disagree");
    }

    @Test
    void insideGitSectionDashDashLinesAreBodyWhileCountsLast() throws Exception {
        FilePatch p = single("""
                diff --git a/q.sql b/q.sql
                --- a/q.sql
                +++ b/q.sql
                @@ -1,2 +1,2 @@
                 select 1;
                --- a/old comment
                +++ b/new comment
                @@ -9 +9 @@
                -x
                +y
                """);
        assertThat(p.hunks()).hasSize(2);
        assertThat(p.hunks().get(0).lines()).containsExactly(HunkLine.context("select 1;"),
                HunkLine.remove("-- a/old comment"), HunkLine.add("++ b/new comment"));
    }

    @Test
    void contextLineWithoutLeadingSpaceInTheMiddleIsRejectedNotHalfApplied() {
        assertThatThrownBy(() -> UnifiedDiffParser.parse("--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n a\n-b\n+B\nc\n-d\n+D\n"))
                .isInstanceOf(PatchFormatException.class).hasMessageContaining("line 7").hasMessageContaining("line 8");
    }

    @Test
    void proseAfterAHunkIsFineUntilTheFence() throws Exception {
        List<FilePatch> files = UnifiedDiffParser.parse("```diff\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n```\n- bullet\n+ more\n");
        assertThat(files).hasSize(1);
        assertThat(files.get(0).hunks().get(0).lines()).hasSize(2);
    }

    @Test
    void headerlessFragmentInADiffFenceIsRejected() {
        String answer = "```diff\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n```\nand further down:\n```diff\n c\n-d\n+D\n```\n";
        assertThatThrownBy(() -> UnifiedDiffParser.parse(answer)).isInstanceOf(PatchFormatException.class)
                .hasMessageContaining("line 12");
    }

    @Test
    void yamlListsInOtherFencesAreProse() throws Exception {
        String answer = "Your file has\n```yaml\n- name: x\n```\n```diff\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n```\n";
        assertThat(UnifiedDiffParser.parse(answer)).hasSize(1);
    }
}
