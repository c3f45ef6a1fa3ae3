package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AiBranchCommitTest {
    static final String AI = "ai/orchestrator-stage1";

    @TempDir
    Path dir;
    GitRepo repo;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepo.create(dir);
    }

    static CommitInfo info(String summary) {
        return new CommitInfo("talos", "api", "5f3a9c1b7d4e", "escalations/talos_20261122-101500_patch.diff", summary);
    }

    static Map<String, Optional<String>> change(String path, String content) {
        return Map.of(path, Optional.of(content));
    }

    @Test
    void firstCommitCreatesTheBranchAtMainWithExactlyTheChangesAndTouchesNothingElse() throws IOException {
        // The user is mid-edit: an unstaged change, a staged change and an untracked file.
        repo.write("README.md", "# homelab (editing)\n");
        repo.write("conf/b.yaml", "x: staged\n");
        repo.git("add", "conf/b.yaml");
        repo.write("notes.txt", "scratch\n");
        GitRepo.Snapshot before = repo.snapshot();
        String main = repo.git("rev-parse", "main");

        Map<String, Optional<String>> changes = new LinkedHashMap<>();
        changes.put("conf/a.yaml", Optional.of("a: 1\nb: 20\nc: 3\n"));
        changes.put("scripts/run.sh", Optional.of("#!/bin/sh\necho fixed\n"));
        changes.put("conf/b.yaml", Optional.empty());
        changes.put("conf/new.yaml", Optional.of("n: 1\n"));
        ObjectId id;
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            assertThat(ai.tip()).isEmpty();
            assertThat(ai.base().name()).isEqualTo(main);
            id = ai.commit(changes, info("raise b in conf/a.yaml"));
            assertThat(ai.tip()).contains(id);
        }

        assertThat(repo.snapshot()).isEqualTo(before);
        assertThat(repo.read("README.md")).isEqualTo("# homelab (editing)\n");
        assertThat(repo.git("rev-parse", AI)).isEqualTo(id.name());
        assertThat(repo.git("rev-parse", AI + "^")).isEqualTo(main);
        assertThat(repo.git("show", AI + ":conf/a.yaml")).isEqualTo("a: 1\nb: 20\nc: 3");
        assertThat(repo.git("show", AI + ":conf/new.yaml")).isEqualTo("n: 1");
        assertThat(repo.git("ls-tree", AI, "scripts/run.sh")).startsWith("100755 blob");
        assertThat(repo.git("ls-tree", AI, "conf/new.yaml")).startsWith("100644 blob");
        assertThat(repo.git("ls-tree", "-r", "--name-only", AI).split("\n"))
                .containsExactlyInAnyOrder("README.md", "scripts/run.sh", "conf/a.yaml", "conf/new.yaml");
        assertThat(repo.git("diff", "--name-status", "main", AI).split("\n"))
                .containsExactlyInAnyOrder("M\tconf/a.yaml", "D\tconf/b.yaml", "A\tconf/new.yaml", "M\tscripts/run.sh");
        assertThat(repo.git("log", "--format=%B", "main.." + AI)).isEqualTo("""
                ai(talos): raise b in conf/a.yaml

                Engine-Stage: talos
                Engine-Source: api
                Engine-Fingerprint: 5f3a9c1b7d4e
                Engine-Patch: escalations/talos_20261122-101500_patch.diff""");
        // The repository's own identity (GitRepo configures one); the trailers above mark the engine.
        assertThat(repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>", AI))
                .isEqualTo("Human <human@example.com>|Human <human@example.com>");
        repo.assertFsckClean();
    }

    @Test
    void twoCommitsInARowStack() throws IOException {
        GitRepo.Snapshot before = repo.snapshot();
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId first = ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("first"));
            assertThat(ai.base()).isEqualTo(first);
            ObjectId second = ai.commit(change("conf/b.yaml", "x: 2\n"), info("second"));
            assertThat(repo.git("rev-parse", AI + "^")).isEqualTo(first.name());
            assertThat(ai.tip()).contains(second);
        }
        assertThat(repo.subjectsNotInMain(AI)).containsExactly("ai(talos): second", "ai(talos): first");
        assertThat(repo.git("show", AI + ":conf/a.yaml")).isEqualTo("a: 2\nb: 2\nc: 3");
        assertThat(repo.snapshot()).isEqualTo(before);
        repo.assertFsckClean();
    }

    @Test
    void aLongSummaryIsCutInTheSubjectButKeptInTheBody() throws IOException {
        String summary = "x".repeat(100);
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/b.yaml", "x: 2\n"), info(summary));
            assertThat(ai.pending().get(0).summary()).isEqualTo(summary);
        }
        String subject = repo.git("log", "-1", "--format=%s", AI);
        assertThat(subject).hasSizeLessThanOrEqualTo(72).startsWith("ai(talos): xxx").endsWith("...");
        assertThat(repo.git("log", "-1", "--format=%(trailers:key=Engine-Source,valueonly)", AI)).isEqualTo("api");
    }

    @Test
    void aBranchMovedBehindOurBackIsReportedNotOverwritten() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId first = ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("first"));
            ObjectId checkedAgainst = ai.base();
            // Someone else (another engine run, a human) moves the branch after our patch was checked.
            repo.git("update-ref", "refs/heads/" + AI, repo.git("rev-parse", "main"));
            assertThatThrownBy(() -> ai.commit(checkedAgainst, change("conf/b.yaml", "x: 9\n"), info("second")))
                    .isInstanceOf(AiBranchException.RefMoved.class)
                    .hasMessageContaining(AI).hasMessageContaining(first.abbreviate(7).name());
        }
        assertThat(repo.git("rev-parse", AI)).isEqualTo(repo.git("rev-parse", "main"));
        repo.assertFsckClean();
    }

    @Test
    void aBranchCreatedBehindOurBackIsReportedNotOverwritten() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId checkedAgainst = ai.base();
            String other = repo.commitFile("other.txt", "o\n", "other");
            repo.git("branch", AI, other);
            assertThatThrownBy(() -> ai.commit(checkedAgainst, change("conf/b.yaml", "x: 9\n"), info("late")))
                    .isInstanceOf(AiBranchException.RefMoved.class);
            assertThat(repo.git("rev-parse", AI)).isEqualTo(other);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "feature/x", "ai/", "ai", "ai/bad..name", "ai/with space"})
    void branchesOutsideAiAreRefused(String name) {
        assertThatThrownBy(() -> AiBranch.open(dir, name, "main"))
                .isInstanceOf(AiBranchException.class).hasMessageContaining("ai/");
    }

    @Test
    void masterIsUsedWhenThereIsNoMain() throws IOException {
        repo.git("branch", "-m", "main", "master");
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            assertThat(ai.mainBranch()).isEqualTo("master");
            assertThat(ai.base().name()).isEqualTo(repo.git("rev-parse", "master"));
        }
    }

    @Test
    void changesThatCannotBeCommittedAreRefusedAndNothingIsWritten() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            assertThatThrownBy(() -> ai.commit(Map.of("conf/missing.yaml", Optional.empty()), info("d")))
                    .isInstanceOf(AiBranchException.class).hasMessageContaining("cannot delete conf/missing.yaml");
            assertThatThrownBy(() -> ai.commit(change("conf", "x"), info("d")))
                    .hasMessageContaining("conf: it is a directory");
            assertThatThrownBy(() -> ai.commit(change("README.md/x", "x"), info("d")))
                    .hasMessageContaining("README.md is not a directory");
            assertThatThrownBy(() -> ai.commit(change("../escape", "x"), info("d"))).hasMessageContaining("invalid path");
            assertThatThrownBy(() -> ai.commit(change("README.md", "# homelab\n"), info("noop")))
                    .hasMessageContaining("nothing to commit");
            assertThatThrownBy(() -> ai.commit(Map.of(), info("empty"))).hasMessageContaining("changes no files");
            assertThat(ai.tip()).isEmpty();
        }
        assertThat(repo.run("rev-parse", "--verify", "-q", AI).exit()).isNotZero();
    }

    @Test
    void theAiBranchIsNotMovedWhileItIsCheckedOut() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("first"));
            repo.git("checkout", "-q", AI);
            GitRepo.Snapshot before = repo.snapshot();
            String tip = repo.git("rev-parse", AI);
            assertThatThrownBy(() -> ai.commit(change("conf/b.yaml", "x: 3\n"), info("second")))
                    .isInstanceOf(AiBranchException.class).hasMessageContaining("is checked out");
            assertThat(repo.git("rev-parse", AI)).isEqualTo(tip);
            assertThat(repo.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void pendingListsTheTrailersFilesAndLineCountsOldestFirst() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            assertThat(ai.pending()).isEmpty();
            ai.commit(change("conf/a.yaml", "a: 1\nb: 20\nc: 3\nd: 4\n"), info("raise b"));
            Map<String, Optional<String>> second = new LinkedHashMap<>();
            second.put("conf/b.yaml", Optional.empty());
            second.put("conf/c.yaml", Optional.of("c: 1\nc: 2\n"));
            ai.commit(second, new CommitInfo("flux", "executor", "abc", null, "move b to c"));
            // A commit a human made by hand on the branch has no trailers.
            repo.git("checkout", "-q", AI);
            repo.commitFile("README.md", "# homelab\nhand\n", "hand-made tweak");
            repo.git("checkout", "-q", "main");

            List<PendingCommit> pending = ai.pending();
            assertThat(pending).hasSize(3);
            PendingCommit p0 = pending.get(0);
            assertThat(p0.stage()).isEqualTo("talos");
            assertThat(p0.source()).isEqualTo("api");
            assertThat(p0.fingerprint()).isEqualTo("5f3a9c1b7d4e");
            assertThat(p0.patchFile()).isEqualTo("escalations/talos_20261122-101500_patch.diff");
            assertThat(p0.summary()).isEqualTo("raise b");
            assertThat(p0.files()).containsExactly("conf/a.yaml");
            assertThat(p0.added()).isEqualTo(2);
            assertThat(p0.removed()).isEqualTo(1);
            assertThat(p0.sha()).isEqualTo(repo.git("rev-parse", AI + "~2"));
            assertThat(p0.sha()).startsWith(p0.shortSha());
            PendingCommit p1 = pending.get(1);
            assertThat(p1.stage()).isEqualTo("flux");
            assertThat(p1.source()).isEqualTo("executor");
            assertThat(p1.patchFile()).isEmpty();
            assertThat(p1.files()).containsExactlyInAnyOrder("conf/b.yaml", "conf/c.yaml");
            assertThat(p1.added()).isEqualTo(2);
            assertThat(p1.removed()).isEqualTo(1);
            PendingCommit p2 = pending.get(2);
            assertThat(p2.source()).isEqualTo("unknown");
            assertThat(p2.summary()).isEqualTo("hand-made tweak");
            assertThat(p2.files()).containsExactly("README.md");
            assertThat(p2.foreign()).isTrue();
            assertThat(p0.foreign()).isFalse();
            // Only the engine's commits wait for review; the hand-made one is an error for `review list` to report.
            assertThat(PendingCommits.count(dir, AI)).contains(2);
        }
    }

    @Test
    void showPrintsTheMessageAndTheDiff() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId id = ai.commit(change("conf/a.yaml", "a: 1\nb: 20\nc: 3\n"), info("raise b"));
            String shown = ai.show(id.abbreviate(8).name());
            assertThat(shown).startsWith("commit " + id.name() + "\nAuthor: Human <human@example.com>\n");
            assertThat(shown).contains("    ai(talos): raise b\n", "    Engine-Fingerprint: 5f3a9c1b7d4e\n",
                    "diff --git a/conf/a.yaml b/conf/a.yaml\n", "-b: 2\n+b: 20\n");
            assertThatThrownBy(() -> ai.show("nope")).isInstanceOf(AiBranchException.class);
        }
    }

    @Test
    void theAiBranchIsNotMovedWhileALinkedWorktreeHasItCheckedOut() throws IOException {
        Path other = dir.resolveSibling(dir.getFileName() + "-ai");
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("first"));
            repo.git("worktree", "add", "-q", other.toString(), AI);
            String tip = repo.git("rev-parse", AI);
            assertThatThrownBy(() -> ai.commit(change("conf/b.yaml", "x: 3\n"), info("second")))
                    .hasMessageContaining(AI + " is checked out in " + other);
            assertThat(repo.git("rev-parse", AI)).isEqualTo(tip);
        } finally {
            repo.run("worktree", "remove", "--force", other.toString());
        }
    }

    @Test
    void aWorkspaceThatIsItselfALinkedWorktreeWorks() throws IOException {
        Path linked = dir.resolveSibling(dir.getFileName() + "-linked");
        repo.git("worktree", "add", "-q", "-b", "work", linked.toString(), "main");
        try (AiBranch ai = AiBranch.open(linked, AI, "main")) {
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("from a linked worktree"));
            assertThat(repo.subjectsNotInMain(AI)).containsExactly("ai(talos): from a linked worktree");
            // main is checked out in the primary working tree, not this one: approve must refuse.
            assertThatThrownBy(() -> ai.approve(AI)).hasMessageContaining("main is checked out in " + dir);
        } finally {
            repo.run("worktree", "remove", "--force", linked.toString());
        }
    }

    @Test
    void newlinesInTheInfoCannotForgeTrailers() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/b.yaml", "x: 2\n"),
                    new CommitInfo("talos", "api", "fp\nEngine-Source: manual", null, "fix\n\nEngine-Source: manual"));
            PendingCommit p = ai.pending().get(0);
            assertThat(p.source()).isEqualTo("api");
            assertThat(p.fingerprint()).isEqualTo("fp Engine-Source: manual");
        }
        assertThat(repo.git("log", "-1", "--format=%(trailers:key=Engine-Source,valueonly)", AI)).isEqualTo("api");
        assertThatThrownBy(() -> new CommitInfo(" ", "api", null, null, "s")).isInstanceOf(IllegalArgumentException.class);
    }
}
