package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchCloneTest {
    static final String AI = "ai/orchestrator-stage1";
    static final String UNICODE = "ünïcode/dåta ✓.txt";

    @TempDir
    Path tmp;
    Path ws;
    GitRepo repo;

    @BeforeEach
    void setUp() throws IOException {
        ws = Files.createDirectories(tmp.resolve("ws"));
        repo = GitRepo.create(ws);
        repo.write("crlf.txt", "one\r\ntwo\r\nthree\r\n");
        repo.write("noeol.txt", "alpha\nbeta");
        repo.write("noeol2.txt", "x\ny");
        repo.write("gone.txt", "delete me\n");
        repo.write("mode.sh", "#!/bin/sh\necho mode\n");
        repo.write("deep/nested/dir/file.yaml", "k: 1\nl: 2\n");
        repo.write(UNICODE, "u\n");
        repo.write(".gitignore", ".env\n");
        repo.write(".env", "TOKEN=secret\n");
        Files.createSymbolicLink(ws.resolve("link"), Path.of("conf/a.yaml"));
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "base");
    }

    static void chmod(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    /** A clone of the workspace at {@code commit}, as a clean place to apply a diff. */
    Path cloneAt(String commit) throws IOException {
        Path clone = tmp.resolve("clone-" + System.nanoTime());
        repo.git("clone", "-q", ws.toString(), clone.toString());
        repo.git("-C", clone.toString(), "checkout", "-q", "--detach", commit);
        return clone;
    }

    GitRepo.Result gitIn(Path dir, String... args) throws IOException {
        String[] full = new String[args.length + 2];
        full[0] = "-C";
        full[1] = dir.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return repo.run(full);
    }

    /** The header lines git itself prints for the scratch tree's changes against {@code commit}. */
    List<String> gitHeaders(String commit, Path scratch) throws Exception {
        Path clone = cloneAt(commit);
        assertThat(gitIn(clone, "rm", "-rqf", ".").exit()).isZero();
        Process cp = new ProcessBuilder("cp", "-a", scratch + "/.", clone.toString()).inheritIO().start();
        assertThat(cp.waitFor()).isZero();
        assertThat(gitIn(clone, "add", "-A").exit()).isZero();
        return headers(gitIn(clone, "-c", "core.quotepath=true", "diff", "--cached", "--full-index", "--no-renames").out());
    }

    static List<String> headers(String diff) {
        return diff.lines().filter(l -> l.startsWith("diff --git") || l.startsWith("new file mode") || l.startsWith("deleted file mode")
                || l.startsWith("old mode") || l.startsWith("new mode") || l.startsWith("index ") || l.startsWith("--- ")
                || l.startsWith("+++ ") || l.startsWith("Binary files")).toList();
    }

    /** The diff without the {@code diff --git} section of {@code path}. */
    static String withoutFile(String diff, String path) {
        StringBuilder out = new StringBuilder();
        boolean skip = false;
        for (String l : diff.split("\n", -1)) {
            if (l.startsWith("diff --git ")) skip = l.equals("diff --git a/" + path + " b/" + path);
            if (!skip) out.append(l).append('\n');
        }
        return out.toString();
    }

    @Test
    void theDiffAppliesWithGitAndReproducesTheScratchTree() throws Exception {
        Path dir = tmp.resolve("scratch");
        try (ScratchClone s = ScratchClone.create(ws, AI, "main", dir)) {
            assertThat(s.commit()).isEqualTo(repo.git("rev-parse", "main"));
            assertThat(Trees.of(dir)).isEqualTo(Trees.ofCommit(repo, s.commit(), tmp.resolve("archive")));
            assertThat(dir.resolve(".env")).doesNotExist(); // no secrets for the executor
            assertThat(s.diff()).isEmpty();

            Files.writeString(dir.resolve("crlf.txt"), "one\r\nTWO\r\nthree\r\n");
            Files.writeString(dir.resolve("noeol.txt"), "alpha\nbeta\ngamma");
            Files.writeString(dir.resolve("noeol2.txt"), "x\ny\n");
            Files.delete(dir.resolve("gone.txt"));
            chmod(dir.resolve("mode.sh"), "rwxr-xr-x");
            Files.writeString(dir.resolve("conf/b.yaml"), "x: 2\n");
            chmod(dir.resolve("conf/b.yaml"), "rwxr-xr-x");
            Files.writeString(dir.resolve("deep/nested/dir/file.yaml"), "k: 1\nl: 3\n");
            Files.createDirectories(dir.resolve("deep/new/sub"));
            Files.writeString(dir.resolve("deep/new/sub/n.yaml"), "n: 1\n");
            Files.writeString(dir.resolve(UNICODE), "ü\n");
            Files.writeString(dir.resolve("ünïcode/nëw file.txt"), "new\n");
            Files.writeString(dir.resolve("empty.txt"), "");
            Files.writeString(dir.resolve("win.txt"), "a\r\nb");
            Files.writeString(dir.resolve("scripts/run.sh"), "#!/bin/sh\necho fixed\n");

            String diff = s.diff();
            assertThat(diff).contains("diff --git a/crlf.txt b/crlf.txt", "-two\r\n+TWO\r\n", "\\ No newline at end of file",
                    "deleted file mode 100644", "old mode 100644\nnew mode 100755\ndiff --git",
                    "--- /dev/null\n+++ b/deep/new/sub/n.yaml", "index 0000000000000000000000000000000000000000..",
                    "\"a/\\303\\274n\\303\\257code/d\\303\\245ta \\342\\234\\223.txt\"");
            assertThat(headers(diff)).isEqualTo(gitHeaders(s.commit(), dir));

            Path patch = tmp.resolve("fix.diff");
            Files.writeString(patch, diff);
            Path clone = cloneAt(s.commit());
            GitRepo.Result check = gitIn(clone, "apply", "--check", patch.toString());
            assertThat(check.exit()).as(check.err()).isZero();
            assertThat(gitIn(clone, "apply", patch.toString()).exit()).isZero();
            assertThat(Trees.of(clone)).isEqualTo(Trees.of(dir));
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void binaryModeAndSymlinkChangesAreReportedLikeGitSoTheCheckerCanRefuseThem() throws Exception {
        Path dir = tmp.resolve("scratch");
        try (ScratchClone s = ScratchClone.create(ws, AI, "main", dir)) {
            Files.write(dir.resolve("blob.bin"), new byte[] {1, 0, 2, 3});
            Files.write(dir.resolve("conf/a.yaml"), "a: 1\0\n".getBytes(StandardCharsets.UTF_8));
            Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'});
            chmod(dir.resolve("mode.sh"), "rwxr-xr-x");
            Files.createSymbolicLink(dir.resolve("new-link"), Path.of("/etc/passwd"));
            Files.delete(dir.resolve("link"));
            Files.writeString(dir.resolve("link"), "now a file\n");

            String diff = s.diff();

            assertThat(diff).contains("new file mode 100644\nindex 0000000000000000000000000000000000000000..",
                    "Binary files /dev/null and b/blob.bin differ",
                    "Binary files a/conf/a.yaml and b/conf/a.yaml differ",
                    "Binary files /dev/null and b/latin1.txt differ",
                    "diff --git a/mode.sh b/mode.sh\nold mode 100644\nnew mode 100755\n",
                    "diff --git a/new-link b/new-link\nnew file mode 120000",
                    "+/etc/passwd\n\\ No newline at end of file",
                    "diff --git a/link b/link\ndeleted file mode 120000",
                    "diff --git a/link b/link\nnew file mode 100644");
            // latin1.txt is text to git but not to us: a patch could not carry it as UTF-8.
            assertThat(headers(withoutFile(diff, "latin1.txt"))).isEqualTo(headers(withoutFile(
                    String.join("\n", gitHeaders(s.commit(), dir)) + "\n", "latin1.txt")));
        }
    }

    @Test
    void theBaseIsTheAiBranchTipAndACommittedLinkIsCheckedOutAsGitDoesWithoutShowingAsChanged() throws Exception {
        Files.createSymbolicLink(ws.resolve("escape"), Path.of("../../etc/passwd"));
        repo.git("add", "escape");
        repo.git("commit", "-q", "-m", "a bad link");
        String tip;
        try (AiBranch ai = AiBranch.open(ws, AI, "main")) {
            tip = ai.commit(Map.of("conf/a.yaml", Optional.of("a: ai\n")),
                    new CommitInfo("talos", "api", "5f3a9c1b7d4e", "escalations/x.diff", "fix")).name();
        }
        Path dir = tmp.resolve("scratch");
        try (ScratchClone s = ScratchClone.create(ws, AI, "main", dir)) {
            assertThat(s.commit()).isEqualTo(tip);
            assertThat(dir.resolve("conf/a.yaml")).hasContent("a: ai");
            assertThat(Files.readSymbolicLink(dir.resolve("escape"))).isEqualTo(Path.of("../../etc/passwd"));
            assertThat(s.diff()).isEmpty();
            // A real repository: what an executor such as Codex CLI runs first.
            assertThat(GitRepo.open(dir).git("rev-parse", "HEAD")).isEqualTo(tip);
            assertThat(GitRepo.open(dir).git("status", "--porcelain")).isEmpty();
        }
    }

    @Test
    void closeRemovesTheScratchDirWithoutFollowingLinksAndANonEmptyDirIsRefused() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "keep\n");
        Path dir = tmp.resolve("scratch");
        ScratchClone s = ScratchClone.create(ws, AI, "main", dir);
        Files.createSymbolicLink(dir.resolve("out"), outside);
        Files.createDirectories(dir.resolve("locked/inner"));
        chmod(dir.resolve("locked/inner"), "---------");
        chmod(dir.resolve("locked"), "r-x------");
        s.close();
        assertThat(dir).doesNotExist();
        assertThat(outside.resolve("keep")).hasContent("keep");

        Files.createDirectories(dir);
        Files.writeString(dir.resolve("left-over"), "x");
        assertThatThrownBy(() -> ScratchClone.create(ws, AI, "main", dir)).hasMessageContaining("is not empty");
        assertThat(dir.resolve("left-over")).exists();
    }

    @Test
    void workspaceUntouched() throws Exception {
        repo.write("README.md", "# editing\n");
        GitRepo.Snapshot before = repo.snapshot();
        try (ScratchClone s = ScratchClone.create(ws, AI, "main", tmp.resolve("scratch"))) {
            Files.writeString(s.dir().resolve("README.md"), "# executor\n");
            assertThat(s.diff()).contains("+# executor");
        }
        assertThat(repo.snapshot()).isEqualTo(before);
        repo.assertFsckClean();
    }
}
