package dev.engine.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitTreeViewTest {
    @TempDir Path dir;

    @Test
    void checksAndAppliesAgainstTheCommittedTreeNotTheWorkingDirectory() throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Files.createDirectories(dir.resolve("apps"));
            Files.writeString(dir.resolve("apps/web.yaml"), "name: web\nreplicas: 1\n");
            Files.createSymbolicLink(dir.resolve("apps/out"), Path.of("/etc"));
            git.add().addFilepattern(".").call();
            git.commit().setMessage("init").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
            // uncommitted edits must not influence the check
            Files.writeString(dir.resolve("apps/web.yaml"), "something else\n");
            Files.createDirectories(dir.resolve("scratch"));

            TreeView tree = new GitTreeView(git.getRepository(), git.getRepository().resolve("HEAD"));
            assertThat(tree.topLevelEntries()).containsExactly("apps");
            assertThat(tree.read("apps/web.yaml")).contains("name: web\nreplicas: 1\n");
            assertThat(tree.read("apps/nope")).isEmpty();
            assertThat(tree.isDirectory("apps")).isTrue();
            assertThat(tree.isSymlink("apps/out")).isTrue();
            assertThat(tree.exists("../etc/passwd")).isFalse();

            PatchPolicy policy = PatchPolicy.defaults(List.of());
            PatchOutcome ok = PatchSet.checkAndApply("--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -2 +2 @@\n-replicas: 1\n+replicas: 2\n",
                    policy, tree);
            assertThat(ok).isEqualTo(new PatchOutcome.Ready(Map.of("apps/web.yaml", Optional.of("name: web\nreplicas: 2\n"))));
            PatchOutcome viaLink = PatchSet.checkAndApply("--- /dev/null\n+++ b/apps/out/x\n@@ -0,0 +1 @@\n+x\n", policy, tree);
            assertThat(((PatchOutcome.Refused) viaLink).violations()).extracting(Violation::rule).contains("I4-symlink");
            PatchOutcome newDir = PatchSet.checkAndApply("--- /dev/null\n+++ b/scratch/x\n@@ -0,0 +1 @@\n+x\n", policy, tree);
            assertThat(((PatchOutcome.Refused) newDir).violations()).extracting(Violation::rule).contains("I3-new-top-level-dir");
        }
    }
}
