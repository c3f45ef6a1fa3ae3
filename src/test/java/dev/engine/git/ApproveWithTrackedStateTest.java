package dev.engine.git;

import static dev.engine.git.AiBranchCommitTest.AI;
import static dev.engine.git.AiBranchCommitTest.change;
import static dev.engine.git.AiBranchCommitTest.info;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the bash loop committed ai/state/errors.json and stage_status.json; the engine changes
 * them on every run. Approving must neither be refused for them nor lose what they hold (the old
 * advice, stash, lost the counters).
 */
class ApproveWithTrackedStateTest {
    static final String COUNTED = "{\n  \"talos_0b1c2d3e4f5a\": {\n    \"attempts\": 4,\n    \"api_calls\": 2\n  }\n}\n";

    @TempDir
    Path dir;
    GitRepo repo;
    RuntimeFiles runtime;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepo.create(dir);
        repo.write("ai/state/errors.json", "{}\n");
        repo.write("ai/state/stage_status.json", "{\n  \"talos\": \"idle\"\n}\n");
        repo.git("add", "ai");
        repo.git("commit", "-q", "-m", "bash loop state");
        runtime = RuntimeFiles.of(dir, dir.resolve("ai"));
        // What a run leaves: the tracked state files changed in the user's tree.
        repo.write("ai/state/errors.json", COUNTED);
        repo.write("ai/state/stage_status.json", "{\n  \"talos\": \"failed\"\n}\n");
    }

    @Test
    void aFastForwardApproveKeepsTheCountersAndTheirChangesAsTheyAre() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId fix = ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("fix"));

            assertThat(ai.approve(AI, runtime::owns)).isEqualTo(new ApproveResult.Merged(fix, 1, true));
        }
        assertThat(repo.git("rev-parse", "main")).isEqualTo(repo.git("rev-parse", AI));
        assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 2\nb: 2\nc: 3\n");
        assertThat(repo.read("ai/state/errors.json")).isEqualTo(COUNTED);
        assertThat(repo.git("status", "--porcelain")).isEqualTo("M ai/state/errors.json\n M ai/state/stage_status.json");
        repo.assertFsckClean();
    }

    @Test
    void aMergeCommitApproveKeepsThemTooAndCommitsNoneOfThem() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("fix"));
            repo.commitFile("conf/b.yaml", "x: human\n", "human");

            ApproveResult r = ai.approve(AI, runtime::owns);

            assertThat(r).isInstanceOf(ApproveResult.Merged.class);
            assertThat(((ApproveResult.Merged) r).fastForward()).isFalse();
        }
        assertThat(repo.git("rev-parse", "main^2")).isEqualTo(repo.git("rev-parse", AI));
        assertThat(repo.git("show", "main:ai/state/errors.json")).isEqualTo("{}");
        assertThat(repo.read("ai/state/errors.json")).isEqualTo(COUNTED);
        assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 2\nb: 2\nc: 3\n");
        assertThat(repo.git("status", "--porcelain")).isEqualTo("M ai/state/errors.json\n M ai/state/stage_status.json");
        repo.assertFsckClean();
    }

    @Test
    void theUsersOwnChangesStillRefuseAndOnlyTheyAreNamed() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("fix"));
            repo.write("README.md", "# mine\n");
            String mainBefore = repo.git("rev-parse", "main");

            assertThatThrownBy(() -> ai.approve(AI, runtime::owns)).isInstanceOf(AiBranchException.class)
                    .hasMessage("main has uncommitted changes in: README.md; commit or stash them, then approve again");
            assertThat(repo.git("rev-parse", "main")).isEqualTo(mainBefore);
        }
        assertThat(repo.read("ai/state/errors.json")).isEqualTo(COUNTED);
    }

    @Test
    void withoutKnowingTheHomeTheOldRefusalStands() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("fix"));
            assertThatThrownBy(() -> ai.approve(AI)).hasMessageContaining("uncommitted changes in: ai/state/errors.json");
        }
    }

    @Test
    void stagedStateFilesAreKeptOutOfAMergeCommitByRefusingWithWhatToType() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("fix"));
            repo.commitFile("conf/b.yaml", "x: human\n", "human");
            repo.git("add", "ai/state/errors.json");
            GitRepo.Snapshot before = repo.snapshot();

            assertThatThrownBy(() -> ai.approve(AI, runtime::owns)).isInstanceOf(AiBranchException.class)
                    .hasMessageContaining("git restore --staged ai/state/errors.json");
            assertThat(repo.snapshot()).isEqualTo(before);

            repo.git("restore", "--staged", "ai/state/errors.json");
            assertThat(ai.approve(AI, runtime::owns)).isInstanceOf(ApproveResult.Merged.class);
        }
        assertThat(repo.read("ai/state/errors.json")).isEqualTo(COUNTED);
        assertThat(repo.git("show", "main:ai/state/errors.json")).isEqualTo("{}");
    }

    @Test
    void runtimeFilesAreTheHomesFourFolders() {
        assertThat(runtime.folders()).containsExactly("ai/state", "ai/logs", "ai/escalations", "ai/patches");
        assertThat(runtime.owns("ai/state/errors.json")).isTrue();
        assertThat(runtime.owns("ai/logs/talos/talos_20261206-101010_attempt1.log")).isTrue();
        assertThat(runtime.owns("ai/statefile")).isFalse();
        assertThat(runtime.owns("ai/context_map.yaml")).isFalse();
        assertThat(runtime.owns("state/errors.json")).isFalse();
        assertThat(runtime.ignoreRules()).containsExactly("/ai/state/", "/ai/logs/", "/ai/escalations/", "/ai/patches/");
        assertThat(RuntimeFiles.of(dir, dir).owns("state/errors.json")).isTrue();
        assertThat(RuntimeFiles.of(dir, dir.getParent()).folders()).isEmpty();
    }
}
