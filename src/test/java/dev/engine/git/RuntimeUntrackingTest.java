package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine adopt's repository half, checked with the git CLI: `git rm --cached`, ignore rules, one commit on main. */
class RuntimeUntrackingTest {
    static final String COUNTED = "{\n  \"talos_5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d\": {\n    \"attempts\": 4,\n    \"api_calls\": 3\n  }\n}\n";

    @TempDir
    Path dir;
    GitRepo repo;
    RuntimeFiles runtime;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepo.create(dir);
        // The bash loop's home as the real repository had it.
        repo.write(".gitignore", ".env\n_out/\n");
        repo.write("ai/context_map.yaml", "stages: {}\n");
        repo.write("ai/master_memo.md", "# Memo\n");
        repo.write("ai/bootstrap_loop.sh", "#!/usr/bin/env bash\n");
        repo.write("ai/state/errors.json", "{}\n");
        repo.write("ai/state/stage_status.json", "{\n  \"talos\": \"idle\"\n}\n");
        repo.write("ai/logs/.gitkeep", "");
        repo.write("ai/logs/talos/talos_20251001-120000_attempt1.log", "error: connection refused\n");
        repo.write("ai/escalations/talos_20251001-120500_case_v1.md", "# Case\n");
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "bash loop");
        runtime = RuntimeFiles.of(dir, dir.resolve("ai"));
        repo.write("ai/state/errors.json", COUNTED);
    }

    @Test
    void thePlanNamesWhatIsTrackedAndWhichRulesAreMissingAndChangesNothing() throws IOException {
        GitRepo.Snapshot before = repo.snapshot();
        RuntimeUntracking.Plan plan = RuntimeUntracking.plan(dir, runtime, "main");
        assertThat(plan.tracked()).containsExactly("ai/escalations/talos_20251001-120500_case_v1.md",
                "ai/logs/talos/talos_20251001-120000_attempt1.log", "ai/state/errors.json", "ai/state/stage_status.json");
        assertThat(plan.placeholders()).containsExactly("ai/logs/.gitkeep");
        assertThat(plan.missingRules()).containsExactly("/ai/state/", "/ai/logs/", "/ai/escalations/", "/ai/patches/");
        assertThat(plan.gitignore()).isEqualTo(RuntimeUntracking.IgnoreFile.CLEAN);
        assertThat(plan.author()).isEqualTo("Human <human@example.com>");
        assertThat(plan.refusal()).isEmpty();
        assertThat(repo.snapshot()).isEqualTo(before);
    }

    @Test
    void applyUntracksCommitsOnMainAndLeavesEveryFileOnDisk() throws IOException {
        repo.write("conf/b.yaml", "x: staged by the user\n");
        repo.git("add", "conf/b.yaml");
        repo.write("README.md", "# homelab, edited\n");
        String mainBefore = repo.git("rev-parse", "main");

        RuntimeUntracking.Done done = RuntimeUntracking.apply(dir, runtime, "main", "engine adopt: stop tracking runtime files\n\nbody\n");

        assertThat(done.commit()).isPresent();
        assertThat(repo.git("rev-parse", "main")).isEqualTo(done.commit().get().name());
        assertThat(repo.git("rev-parse", "main^")).isEqualTo(mainBefore);
        assertThat(repo.git("log", "-1", "--format=%s|%an <%ae>|%cn")).isEqualTo("engine adopt: stop tracking runtime files|Human <human@example.com>|Human");
        assertThat(repo.git("ls-files", "ai")).isEqualTo("ai/bootstrap_loop.sh\nai/context_map.yaml\nai/logs/.gitkeep\nai/master_memo.md");
        assertThat(repo.git("show", "--name-status", "--format=", "main")).isEqualTo(String.join("\n",
                "M\t.gitignore", "D\tai/escalations/talos_20251001-120500_case_v1.md", "D\tai/logs/talos/talos_20251001-120000_attempt1.log",
                "D\tai/state/errors.json", "D\tai/state/stage_status.json"));
        assertThat(repo.read("ai/state/errors.json")).as("the counters stay on disk").isEqualTo(COUNTED);
        assertThat(repo.read("ai/logs/talos/talos_20251001-120000_attempt1.log")).isEqualTo("error: connection refused\n");
        assertThat(repo.read(".gitignore")).isEqualTo(".env\n_out/\n\n" + RuntimeUntracking.RULES_HEADER
                + "\n/ai/state/\n/ai/logs/\n/ai/escalations/\n/ai/patches/\n");
        // Only what the user changed: their staged file stays staged and out of the commit, their edit stays an edit.
        assertThat(repo.git("status", "--porcelain", "--untracked-files=all")).isEqualTo("M README.md\nM  conf/b.yaml");
        assertThat(repo.git("show", "main:conf/b.yaml")).isEqualTo("x: 1");
        repo.assertFsckClean();

        RuntimeUntracking.Plan again = RuntimeUntracking.plan(dir, runtime, "main");
        assertThat(again.nothingToDo()).isTrue();
        assertThat(RuntimeUntracking.apply(dir, runtime, "main", "x").commit()).isEmpty();
        assertThat(repo.git("rev-parse", "main")).isEqualTo(done.commit().get().name());
    }

    @Test
    void theUsersUnstagedGitignoreEditStaysTheirsAndUncommitted() throws IOException {
        repo.write(".gitignore", ".env\n_out/\n*.swp\n");

        RuntimeUntracking.apply(dir, runtime, "main", "engine adopt: stop tracking runtime files\n");

        assertThat(repo.git("show", "main:.gitignore")).startsWith(".env\n_out/\n\n# engine runtime").doesNotContain("*.swp");
        assertThat(repo.read(".gitignore")).startsWith(".env\n_out/\n*.swp\n\n# engine runtime").contains("/ai/patches/\n");
        assertThat(repo.git("diff", "--", ".gitignore")).contains("+*.swp").doesNotContain("+/ai/");
        assertThat(repo.git("status", "--porcelain", "--untracked-files=all")).isEqualTo("M .gitignore");
    }

    @Test
    void rulesAlreadyThereInAnotherSpellingAreNotAddedAgain() throws IOException {
        repo.write(".gitignore", ".env\nai/state/\n/ai/logs\n");
        repo.git("add", ".gitignore");
        repo.git("commit", "-q", "-m", "some rules");
        assertThat(RuntimeUntracking.plan(dir, runtime, "main").missingRules()).containsExactly("/ai/escalations/", "/ai/patches/");
        assertThat(RuntimeUntracking.missingRules("state/\n", java.util.List.of("/state/")))
                .as("an unanchored single name is not the same folder").containsExactly("/state/");
    }

    @Test
    void refusedWithNothingChangedWhenMainIsNotCheckedOutOrGitignoreIsStaged() throws IOException {
        repo.git("switch", "-q", "-c", "feature");
        GitRepo.Snapshot before = repo.snapshot();
        assertThatThrownBy(() -> RuntimeUntracking.apply(dir, runtime, "main", "x")).isInstanceOf(AiBranchException.class)
                .hasMessageContaining("feature is checked out").hasMessageContaining("git switch main");
        assertThat(repo.snapshot()).isEqualTo(before);

        repo.git("switch", "-q", "main");
        repo.write(".gitignore", ".env\n_out/\nnew\n");
        repo.git("add", ".gitignore");
        GitRepo.Snapshot staged = repo.snapshot();
        assertThatThrownBy(() -> RuntimeUntracking.apply(dir, runtime, "main", "x")).hasMessageContaining("git restore --staged .gitignore");
        assertThat(repo.snapshot()).isEqualTo(staged);
    }

    @Test
    void refusedWithoutAnIdentityAsGitWould() throws IOException {
        repo.git("config", "--unset", "user.name");
        repo.git("config", "--unset", "user.email");
        try (NoUserGitConfig none = new NoUserGitConfig(dir.getParent())) {
            GitRepo.Snapshot before = repo.snapshot();
            assertThatThrownBy(() -> RuntimeUntracking.apply(dir, runtime, "main", "x"))
                    .hasMessageContaining("git config user.name");
            assertThat(repo.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void aHomeAtTheWorkspaceRootUntracksItsFoldersOnly() throws IOException {
        repo.write("state/stage_status.json", "{}\n");
        repo.write("stateful/keep.yaml", "x: 1\n");
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "root home");
        RuntimeFiles atRoot = RuntimeFiles.of(dir, dir);
        RuntimeUntracking.apply(dir, atRoot, "main", "engine adopt: stop tracking runtime files\n");
        assertThat(repo.git("ls-files", "state", "stateful", "ai/state")).isEqualTo("ai/state/errors.json\nai/state/stage_status.json\nstateful/keep.yaml");
        assertThat(repo.read(".gitignore")).contains("/state/\n/logs/\n/escalations/\n/patches/\n");
    }
}
