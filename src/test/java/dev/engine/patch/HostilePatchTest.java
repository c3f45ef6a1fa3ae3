package dev.engine.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Model output is hostile: every one of these must be refused with the right rule and produce nothing. */
class HostilePatchTest {
    @TempDir Path root;
    @TempDir Path outside;
    private TreeView tree;
    private final PatchPolicy policy = PatchPolicy.defaults(List.of("ai/context_map.yaml", "ai/state/errors.json", "ai/secrets.yaml"));

    @BeforeEach
    void workspace() throws IOException {
        write("apps/web.yaml", "name: web\nreplicas: 1\nport: 80\n");
        write("scripts/deploy.sh", "#!/bin/sh\necho deploy\n");
        write("README.md", "# lab\n");
        for (String p : List.of("context_map.yaml", "master_memo.md", "executor_instructions.md", "engine",
                "ai/context_map.yaml", "ai/master_memo.md", "ai/executor_instructions.md", "ai/secrets.yaml",
                "ai/state/errors.json", "ai/logs/run.log", "ai/escalations/e.md", "ai/patches/p.diff",
                "state/errors.json", "logs/run.log", "escalations/e.md", "patches/p.diff")) {
            write(p, "x\n");
        }
        Files.writeString(outside.resolve("secret.txt"), "x\n");
        Files.createSymbolicLink(root.resolve("apps/link"), outside);
        Files.createSymbolicLink(root.resolve("apps/file-link.yaml"), outside.resolve("secret.txt"));
        tree = new DirectoryTreeView(root);
    }

    private void write(String path, String content) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private static String modify(String path) {
        return "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n@@ -1 +1 @@\n-x\n+y\n";
    }

    private static String add(String path) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path
                + "\n@@ -0,0 +1 @@\n+y\n";
    }

    private static String delete(String path) {
        return "diff --git a/" + path + " b/" + path + "\ndeleted file mode 100644\n--- a/" + path
                + "\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n";
    }

    private static String rename(String from, String to) {
        return "diff --git a/" + from + " b/" + to + "\nsimilarity index 100%\nrename from " + from + "\nrename to " + to + "\n";
    }

    private List<Violation> refused(String diff, PatchPolicy p, String rule) {
        PatchOutcome out = PatchSet.checkAndApply(diff, p, tree);
        assertThat(out).as("must be refused: %s", diff).isInstanceOf(PatchOutcome.Refused.class);
        List<Violation> v = ((PatchOutcome.Refused) out).violations();
        assertThat(v).extracting(Violation::rule).as(v.toString()).contains(rule);
        assertThat(v).allSatisfy(x -> assertThat(x.message()).isNotBlank());
        return v;
    }

    private List<Violation> refused(String diff, String rule) {
        return refused(diff, policy, rule);
    }

    @Test
    void aLegitimatePatchIsReady() {
        PatchOutcome out = PatchSet.checkAndApply("--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -2 +2 @@\n-replicas: 1\n+replicas: 2\n",
                policy, tree);
        assertThat(out).isEqualTo(new PatchOutcome.Ready(java.util.Map.of("apps/web.yaml",
                Optional.of("name: web\nreplicas: 2\nport: 80\n"))));
    }

    @Test
    void traversal() {
        refused(modify("../etc/passwd"), "I4-traversal");
        refused(add("apps/../../evil.sh"), "I4-traversal");
    }

    @Test
    void absolutePath() {
        refused("--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-x\n+y\n", "I4-absolute");
        refused(add("/tmp/evil"), "I4-absolute");
    }

    @ParameterizedTest
    @ValueSource(strings = {".git/config", ".GIT/config", "apps/.git/hooks/pre-commit", ".Git/HEAD", "GIT~1/config",
            ".git./config", ".git::$INDEX_ALLOCATION/config"})
    void gitDirectory(String path) {
        List<Violation> v = refused(add(path), "I4-git-dir");
        assertThat(v).extracting(Violation::rule).contains("I2-protected");
        refused(modify(path), "I4-git-dir");
    }

    @Test
    void symlinkPointingOutside() {
        refused(add("apps/link/evil.txt"), "I4-symlink");
        refused(modify("apps/file-link.yaml"), "I4-symlink");
        refused(rename("apps/web.yaml", "apps/link/web.yaml"), "I4-symlink");
    }

    @ParameterizedTest
    @ValueSource(strings = {"context_map.yaml", "master_memo.md", "executor_instructions.md", "engine",
            "ai/context_map.yaml", "ai/master_memo.md", "ai/executor_instructions.md", "ai/secrets.yaml", "secrets.yaml",
            "state/errors.json", "ai/state/errors.json", "ai/state/new.json", "logs/run.log", "ai/logs/run.log",
            "escalations/e.md", "ai/escalations/e.md", "patches/p.diff", "ai/patches/p.diff",
            "Context_Map.yaml", "AI/Context_Map.YAML", "MASTER_MEMO.md", "Engine", "State/errors.json",
            "ai/STATE/errors.json", "Ai/Logs/run.log", "apps/../context_map.yaml", "context_map.yaml.",
            "./ai/context_map.yaml", "ai//context_map.yaml"})
    void protectedFilesInEveryForm(String path) {
        refused(modify(path), "I2-protected");
        refused(add(path), "I2-protected");
        refused(delete(path), "I2-protected");
        refused(rename(path, "apps/moved.yaml"), "I2-protected");
        refused(rename("apps/web.yaml", path), "I2-protected");
    }

    @Test
    void decomposedUnicodeIsNormalizedBeforeMatching() {
        PatchPolicy p = PatchPolicy.defaults(List.of("apps/caf\u00e9.yaml"));
        refused(add("apps/cafe\u0301.yaml"), p, "I2-protected");
    }

    @Test
    void lookAlikesOfExistingNamesAreRefusedInAWorkingDirectoryToo() {
        refused(add("Apps/web2.yaml"), "I4-lookalike");
        refused(add("apps/WEB.yaml"), "I4-lookalike");
        refused(add("apps/w\u0435b.yaml"), "I4-non-ascii");
        refused(add("scripts/deploy.sh.").replace("+y", "+echo"), "I4-lookalike");
        assertThat(PatchSet.checkAndApply(add("apps/web2.yaml"), policy, tree)).isInstanceOf(PatchOutcome.Ready.class);
    }

    @Test
    void newTopLevelDirectory() {
        refused(add("newdir/x.yaml"), "I3-new-top-level-dir");
        refused(rename("apps/web.yaml", "other/web.yaml"), "I3-new-top-level-dir");
        // a new top-level file is fine
        assertThat(PatchSet.checkAndApply(add("NOTES.md"), policy, tree)).isInstanceOf(PatchOutcome.Ready.class);
    }

    @Test
    void binaryPatch() {
        refused("diff --git a/apps/logo.png b/apps/logo.png\nindex 1..2 100644\nBinary files a/apps/logo.png and b/apps/logo.png differ\n",
                "I4-binary");
        refused("diff --git a/apps/b.bin b/apps/b.bin\nnew file mode 100644\nGIT binary patch\nliteral 1\nIcmZo*000310RR91\n\n",
                "I4-binary");
    }

    @Test
    void modeChanges() {
        refused("diff --git a/scripts/deploy.sh b/scripts/deploy.sh\nold mode 100644\nnew mode 100755\n", "I4-mode");
        refused("diff --git a/scripts/deploy.sh b/scripts/deploy.sh\nold mode 100644\nnew mode 100755\n--- a/scripts/deploy.sh\n"
                + "+++ b/scripts/deploy.sh\n@@ -2 +2 @@\n-echo deploy\n+echo deploy now\n", "I4-mode");
        // a new symlink or executable
        refused("diff --git a/apps/l b/apps/l\nnew file mode 120000\n--- /dev/null\n+++ b/apps/l\n@@ -0,0 +1 @@\n+/etc/passwd\n"
                + "\\ No newline at end of file\n", "I4-mode");
        refused(add("apps/run.sh").replace("100644", "100755"), "I4-mode");
    }

    @Test
    void deletion() {
        refused(delete("README.md").replace("-x", "-# lab"), "I4-deletion");
        PatchOutcome allowed = PatchSet.checkAndApply(delete("README.md").replace("-x", "-# lab"), policy.withDeletionsAllowed(), tree);
        assertThat(allowed).isEqualTo(new PatchOutcome.Ready(java.util.Map.of("README.md", Optional.empty())));
    }

    private static String addLines(String path, int n) {
        StringBuilder sb = new StringBuilder("--- /dev/null\n+++ b/" + path + "\n@@ -0,0 +1," + n + " @@\n");
        IntStream.range(0, n).forEach(k -> sb.append("+line ").append(k).append('\n'));
        return sb.toString();
    }

    @Test
    void tooManyChangedLines() {
        refused(addLines("apps/big.yaml", 61), "I5-too-many-lines");
        assertThat(PatchSet.checkAndApply(addLines("apps/big.yaml", 60), policy, tree)).isInstanceOf(PatchOutcome.Ready.class);
        // added + removed both count: 31 + 30
        refused(addLines("apps/a.yaml", 31) + addLines("apps/b.yaml", 30), "I5-too-many-lines");
    }

    @Test
    void tooManyFiles() {
        String five = IntStream.range(0, 5).mapToObj(k -> add("apps/f" + k + ".yaml")).reduce("", String::concat);
        assertThat(PatchSet.checkAndApply(five, policy, tree)).isInstanceOf(PatchOutcome.Ready.class);
        refused(five + add("apps/f5.yaml"), "I5-too-many-files");
    }

    @Test
    void outsideScope() {
        PatchPolicy scoped = policy.withScope(List.of("apps/web.yaml", "scripts/"));
        refused(modify("README.md").replace("-x", "-# lab"), scoped, "I5-out-of-scope");
        refused(add("apps/other.yaml"), scoped, "I5-out-of-scope");
        refused(add("scriptsX/a.sh"), scoped, "I5-out-of-scope");
        assertThat(PatchSet.checkAndApply(add("scripts/new.sh"), scoped, tree)).isInstanceOf(PatchOutcome.Ready.class);
    }

    @Test
    void badCharactersAndUnnormalizedPaths() {
        refused("diff --git \"a/apps/x\\ty\" \"b/apps/x\\ty\"\nnew file mode 100644\n--- /dev/null\n+++ \"b/apps/x\\ty\"\n@@ -0,0 +1 @@\n+y\n",
                "I4-bad-char");
        refused(add("apps\\web.yaml"), "I4-bad-char");
        refused(add("ai/context_map\u200c.yaml"), "I4-bad-char");
        refused(add("ai/context_map\u200c.yaml"), "I2-protected");
        refused(add("./apps/n.yaml"), "I4-not-normalized");
        refused(add("apps//n.yaml"), "I4-not-normalized");
    }

    @Test
    void sameFileTwiceIsRefused() {
        refused(add("apps/n.yaml") + add("Apps/N.yaml"), "I4-duplicate");
    }

    @Test
    void severalViolationsAreAllListed() {
        String diff = modify("../x") + add(".git/config") + add("newdir/a") + delete("README.md")
                + addLines("apps/big.yaml", 61)
                + "diff --git a/scripts/deploy.sh b/scripts/deploy.sh\nold mode 100644\nnew mode 100755\n";
        List<Violation> v = refused(diff, "I4-traversal");
        assertThat(v).extracting(Violation::rule).contains("I4-git-dir", "I2-protected", "I3-new-top-level-dir",
                "I4-deletion", "I4-mode", "I5-too-many-lines", "I5-too-many-files");
    }

    @Test
    void emptyAndUnreadableInput() {
        refused("Sorry, I cannot help with that.", "empty");
        refused("", "empty");
        List<Violation> v = refused("text\n@@ -1 +1 @@\n-a\n+b\n", "parse");
        assertThat(v.get(0).message()).contains("line 2");
    }

    @Test
    void oneFileFailingToApplyRefusesTheWholePatch() {
        String diff = "--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -2 +2 @@\n-replicas: 1\n+replicas: 2\n"
                + "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-# not the content\n+# lab!\n";
        List<Violation> v = refused(diff, "apply");
        assertThat(v).singleElement().satisfies(x -> assertThat(x.path()).isEqualTo("README.md"));
        refused(add("apps/web.yaml"), "apply");
        refused(add("README.md/x.yaml"), "apply");
        refused(modify("apps/missing.yaml"), "apply");
    }

    @Test
    void theTreeViewItselfNeverLeavesTheRoot() throws IOException {
        assertThat(tree.read("../" + outside.getFileName() + "/secret.txt")).isEmpty();
        assertThat(tree.exists("/etc/passwd")).isFalse();
        assertThat(tree.isSymlink("apps/link")).isTrue();
        assertThat(tree.isDirectory("apps/link")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tree.read("apps/link/secret.txt"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void dashDashBodyLinesMisreadAsAFileHeaderAreRefusedNotHalfApplied() throws IOException {
        write("apps/q.sql", "select 1;\n-- apps/q.sql\nselect 2;\nx\n");
        tree = new DirectoryTreeView(root);
        String diff = "--- apps/q.sql\n+++ apps/q.sql\n@@ -1,2 +1,2 @@\n select 1;\n--- apps/q.sql\n+++ apps/q.sql\n@@ -4 +4 @@\n-x\n+y\n";
        refused(diff, "I4-duplicate");
    }
}
