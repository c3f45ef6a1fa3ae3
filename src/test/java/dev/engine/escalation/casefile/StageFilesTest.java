package dev.engine.escalation.casefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage's files list is read on the model's behalf: nothing outside the checkout, no symlink followed. */
class StageFilesTest {
    private static final String CANARY = "CANARY-outside-the-workspace-91c4";

    @TempDir Path tmp;
    private Path root;
    private Path outside;

    @BeforeEach
    void layout() throws Exception {
        root = Files.createDirectories(tmp.resolve("ws"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), CANARY + "\n");
        Files.writeString(tmp.resolve("sibling.yaml"), CANARY + "\n");
        Homelab.write(root, "cluster/talos/controlplane.yaml", "machine:\n  install:\n    disk: /dev/sda\n");
    }

    private CaseFile build(List<String> files) throws Exception {
        CaseInput in = Homelab.input(Homelab.stage("talos", "Talos bootstrap", files, List.of(), List.of(), List.of()),
                "error: cluster/talos/controlplane.yaml:3: bad disk\n", "", Map.of(), root);
        return new CaseFileBuilder(TokenCounter.o200k(), 20_000, Homelab.REDACT).build(in);
    }

    @Test
    void traversalAndAbsolutePathsAreRefusedNotRead() throws Exception {
        String abs = outside.resolve("secret.txt").toString();
        CaseFile cf = build(List.of("../sibling.yaml", "../../etc/passwd", "cluster/../../sibling.yaml", abs,
                "~/secret.txt", "C:\\Windows\\win.ini", ".git/config", "cluster/talos/controlplane.yaml"));
        assertThat(cf.text()).doesNotContain(CANARY).doesNotContain("root:x:0:0");
        assertThat(cf.filesIncluded()).containsExactly("cluster/talos/controlplane.yaml");
        assertThat(cf.text()).contains("Refused (not read)")
                .contains("`../../etc/passwd` (path leaves the workspace (..))")
                .contains("`" + abs + "` (absolute path; files must be relative to the workspace)")
                .contains("`.git/config` (inside .git)");
        assertThat(cf.notes()).anyMatch(n -> n.contains("../../etc/passwd") && n.contains("refused"));
        // refused entries are not offered to the model as scope
        assertThat(cf.text()).contains("- Files in scope: `cluster/talos/controlplane.yaml`\n");
    }

    @Test
    void symlinkToAFileOutsideIsNotFollowed() throws Exception {
        Files.createSymbolicLink(root.resolve("cluster/talos/worker.yaml"), outside.resolve("secret.txt"));
        CaseFile cf = build(List.of("cluster/talos/worker.yaml", "cluster/talos/controlplane.yaml"));
        assertThat(cf.text()).doesNotContain(CANARY).contains("`cluster/talos/worker.yaml` (symlink cluster/talos/worker.yaml is not followed)");
        assertThat(cf.filesIncluded()).containsExactly("cluster/talos/controlplane.yaml");
    }

    @Test
    void symlinkedDirectoryOnTheWayIsNotFollowed() throws Exception {
        Files.createSymbolicLink(root.resolve("linked"), outside);
        CaseFile cf = build(List.of("linked/secret.txt", "linked/", "linked/*.txt"));
        assertThat(cf.text()).doesNotContain(CANARY);
        assertThat(cf.filesIncluded()).isEmpty();
        assertThat(cf.text()).contains("`linked/secret.txt` (symlink linked is not followed)");
    }

    @Test
    void symlinksInsideAListedDirectoryAreSkipped() throws Exception {
        Homelab.write(root, "apps/media/jellyfin.yaml", "kind: HelmRelease\n");
        Files.createSymbolicLink(root.resolve("apps/media/evil.yaml"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("apps/escape"), outside);
        CaseFile cf = build(List.of("apps/"));
        assertThat(cf.text()).doesNotContain(CANARY).contains("kind: HelmRelease");
        assertThat(cf.filesIncluded()).containsExactly("apps/media/jellyfin.yaml");
        assertThat(cf.text()).contains("`apps/media/evil.yaml` (symlink is not followed)").contains("`apps/escape` (symlink is not followed)");
    }

    @Test
    void directoriesAndGlobsExpandSorted() throws Exception {
        Homelab.write(root, "cluster/kubernetes/apps/b/release.yaml", "b: 1\n");
        Homelab.write(root, "cluster/kubernetes/apps/a/release.yaml", "a: 1\n");
        Homelab.write(root, "cluster/kubernetes/apps/a/notes.txt", "n\n");
        Homelab.write(root, "cluster/kubernetes/apps/.git/config", "[core]\n");
        StageFiles.Result r = StageFiles.read(root, List.of("cluster/kubernetes/apps/", "cluster/**/release.yaml",
                "cluster/kubernetes/apps"));
        assertThat(r.files()).extracting(StageFiles.Found::path).containsExactly(
                "cluster/kubernetes/apps/a/notes.txt", "cluster/kubernetes/apps/a/release.yaml",
                "cluster/kubernetes/apps/b/release.yaml");
        assertThat(r.scope()).containsExactly("cluster/kubernetes/apps/", "cluster/**/release.yaml", "cluster/kubernetes/apps");
    }

    @Test
    void missingBinaryAndNonUtf8FilesAreListedNotShown() throws Exception {
        Files.write(root.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        Files.write(root.resolve("latin1.conf"), new byte[] {'k', '=', (byte) 0xE9, '\n'});
        CaseFile cf = build(List.of("cluster/talos/controlplane.yaml", "cluster/talos/worker.yaml", "logo.png",
                "latin1.conf", "cluster/none/*.yaml"));
        assertThat(cf.text())
                .contains("- Missing: `cluster/talos/worker.yaml` (does not exist in the checkout), `cluster/none/*.yaml` (glob matches no file)")
                .contains("- Binary, not shown: `logo.png` (binary (NUL bytes), 8 bytes), `latin1.conf` (not UTF-8 text, 4 bytes)");
        assertThat(cf.filesIncluded()).containsExactly("cluster/talos/controlplane.yaml");
        // a missing file stays in scope: the fix may be to create it
        assertThat(cf.text()).contains("`cluster/talos/worker.yaml`, `logo.png`");
    }

    @Test
    void aMissingCheckoutIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StageFiles.read(tmp.resolve("gone"), List.of("a.yaml")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("gone").hasMessageContaining("the checkout the stage's files are read from is not a directory");
    }

    @Test
    void problemsAreNamedPrecisely() {
        assertThat(StageFiles.problem("a/b.yaml")).isEmpty();
        assertThat(StageFiles.problem("./a//b.yaml")).isEmpty();
        assertThat(StageFiles.problem("a/../b")).contains("path leaves the workspace (..)");
        assertThat(StageFiles.problem("..\\..\\etc\\passwd")).contains("path leaves the workspace (..)");
        assertThat(StageFiles.problem("/etc/passwd")).contains("absolute path; files must be relative to the workspace");
        assertThat(StageFiles.problem("a/.GIT/hooks/x")).contains("inside .git");
        assertThat(StageFiles.problem("a\nb")).contains("control character in the path");
        assertThat(StageFiles.normalize("./a//b/./c/")).isEqualTo("a/b/c");
    }
}
