package dev.engine.git;

import static dev.engine.git.AiBranchCommitTest.AI;
import static dev.engine.git.AiBranchCommitTest.change;
import static dev.engine.git.AiBranchCommitTest.info;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** approve is the one operation allowed to move main, and it does so as `git merge` would. */
class AiBranchApproveTest {
    @TempDir
    Path dir;
    GitRepo repo;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepo.create(dir);
    }

    @Test
    void approvingTheTipFastForwardsCheckedOutMainAndUpdatesTheWorkingTree() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("one"));
            ObjectId two = ai.commit(change("scripts/run.sh", "#!/bin/sh\necho two\n"), info("two"));

            ApproveResult result = ai.approve(AI);

            assertThat(result).isEqualTo(new ApproveResult.Merged(two, 2, true));
            assertThat(ai.pending()).isEmpty();
        }
        assertThat(repo.git("rev-parse", "main")).isEqualTo(repo.git("rev-parse", AI));
        assertThat(repo.git("symbolic-ref", "HEAD")).isEqualTo("refs/heads/main");
        assertThat(repo.git("status", "--porcelain")).isEmpty();
        assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 2\nb: 2\nc: 3\n");
        assertThat(dir.resolve("scripts/run.sh").toFile().canExecute()).isTrue();
        repo.assertFsckClean();
    }

    @Test
    void aCommitWithoutTheEngineTrailersIsNeverMergedIntoMain() throws IOException {
        String mainBefore = repo.git("rev-parse", "main");
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId one = ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("one"));
            repo.git("checkout", "-q", AI);
            repo.commitFile("conf/b.yaml", "x: someone else\n", "not the engine");
            repo.git("checkout", "-q", "main");
            String foreign = repo.git("rev-parse", "--short=7", AI);

            assertThatThrownBy(() -> ai.approve(AI)).isInstanceOf(AiBranchException.class)
                    .hasMessageContaining("did not make").hasMessageContaining(foreign + " \"not the engine\"")
                    .hasMessageContaining("engine review reject " + foreign);
            assertThat(repo.git("rev-parse", "main")).isEqualTo(mainBefore);
            // The engine's own commit before it can still be approved on its own.
            assertThat(ai.approve(one.name())).isEqualTo(new ApproveResult.Merged(one, 1, true));
        }
        assertThat(repo.read("conf/b.yaml")).isEqualTo("x: 1\n");
    }

    @Test
    void approvingAnOlderCommitLeavesTheLaterOnesPending() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId one = ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("one"));
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("two"));
            assertThat(ai.approve(one.name())).isEqualTo(new ApproveResult.Merged(one, 1, true));
            assertThat(ai.pending()).extracting(PendingCommit::summary).containsExactly("two");
        }
        assertThat(repo.read("conf/b.yaml")).isEqualTo("x: 1\n");
        assertThat(repo.git("status", "--porcelain")).isEmpty();
    }

    @Test
    void approveMakesAMergeCommitWhenMainHasMoved() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId one = ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("one"));
            String human = repo.commitFile("conf/b.yaml", "x: human\n", "human");

            ApproveResult result = ai.approve(one.name());

            assertThat(result).isInstanceOf(ApproveResult.Merged.class);
            ApproveResult.Merged merged = (ApproveResult.Merged) result;
            assertThat(merged.fastForward()).isFalse();
            assertThat(repo.git("rev-parse", "main")).isEqualTo(merged.newMain().name());
            assertThat(repo.git("rev-parse", "main^1", "main^2").split("\n")).containsExactly(human, one.name());
            assertThat(ai.pending()).isEmpty();
        }
        assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 2\nb: 2\nc: 3\n");
        assertThat(repo.git("status", "--porcelain")).isEmpty();
        repo.assertFsckClean();
    }

    @Test
    void approveIsRefusedOnADirtyWorkingTreeAndNothingChanges() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("one"));
            repo.write("README.md", "# dirty\n");
            repo.write("conf/b.yaml", "x: staged\n");
            repo.git("add", "conf/b.yaml");
            GitRepo.Snapshot before = repo.snapshot();
            String tip = repo.git("rev-parse", AI);

            assertThatThrownBy(() -> ai.approve(AI)).isInstanceOf(AiBranchException.class)
                    .hasMessage("main has uncommitted changes in: README.md, conf/b.yaml; commit or stash them, then approve again");

            assertThat(repo.snapshot()).isEqualTo(before);
            assertThat(repo.git("rev-parse", AI)).isEqualTo(tip);
            assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 1\nb: 2\nc: 3\n");
        }
    }

    @Test
    void aConflictingApproveIsRefusedWithThePathsAndNothingChanges() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 1\nb: 20\nc: 3\n"), info("one"));
            repo.commitFile("conf/a.yaml", "a: 1\nb: 99\nc: 3\n", "human");
            GitRepo.Snapshot before = repo.snapshot();

            assertThat(ai.approve(AI)).isEqualTo(new ApproveResult.Conflict(List.of("conf/a.yaml")));

            assertThat(repo.snapshot()).isEqualTo(before);
            assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 1\nb: 99\nc: 3\n");
            assertThat(dir.resolve(".git/MERGE_HEAD")).doesNotExist();
        }
    }

    @Test
    void approveWithMainNotCheckedOutMovesOnlyTheMainRef() throws IOException {
        repo.git("checkout", "-q", "-b", "work");
        repo.write("README.md", "# dirty on work\n");
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId one = ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("one"));
            String status = repo.git("status", "--porcelain");
            String index = repo.git("ls-files", "--stage");

            assertThat(ai.approve(one.name())).isEqualTo(new ApproveResult.Merged(one, 1, true));
            assertThat(repo.git("rev-parse", "main")).isEqualTo(one.name());

            // main moves on by hand, then a second approval needs a merge commit, still in objects only.
            repo.git("update-ref", "refs/heads/main", repo.git("commit-tree", "-p", "main", "-m", "human",
                    repo.git("rev-parse", "main^{tree}")));
            ObjectId two = ai.commit(change("conf/b.yaml", "x: 2\n"), info("two"));
            ApproveResult.Merged merged = (ApproveResult.Merged) ai.approve(two.name());
            assertThat(merged.fastForward()).isFalse();
            assertThat(repo.git("rev-parse", "main")).isEqualTo(merged.newMain().name());
            assertThat(repo.git("rev-parse", "main^2")).isEqualTo(two.name());
            assertThat(repo.git("show", "main:conf/b.yaml")).isEqualTo("x: 2");
            assertThat(repo.git("log", "-1", "--format=%an", "main")).isEqualTo("Human");
            assertThat(ai.pending()).isEmpty();

            assertThat(repo.git("symbolic-ref", "HEAD")).isEqualTo("refs/heads/work");
            assertThat(repo.git("status", "--porcelain")).isEqualTo(status);
            assertThat(repo.git("ls-files", "--stage")).isEqualTo(index);
            assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 1\nb: 2\nc: 3\n");
        }
        repo.assertFsckClean();
    }

    @Test
    void approveRefusesCommitsThatAreNotPending() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            assertThatThrownBy(() -> ai.approve(AI)).hasMessageContaining("no " + AI + " branch");
            ObjectId one = ai.commit(change("conf/b.yaml", "x: 2\n"), info("one"));
            ai.approve(one.name());
            assertThatThrownBy(() -> ai.approve(one.name())).hasMessageContaining("that is not already in main");
        }
    }

    @Test
    void approveDoesNotOverwriteAnUntrackedFileTheMergeWouldCreate() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/new.yaml", "from ai\n"), info("add new"));
            repo.write("conf/new.yaml", "user's own\n");
            GitRepo.Snapshot before = repo.snapshot();

            assertThatThrownBy(() -> ai.approve(AI)).isInstanceOf(AiBranchException.class).hasMessageContaining("conf/new.yaml");

            assertThat(repo.read("conf/new.yaml")).isEqualTo("user's own\n");
            assertThat(repo.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void mainCheckedOutInALinkedWorktreeIsNotMovedBehindItsBack() throws IOException {
        repo.git("checkout", "-q", "-b", "work");
        Path other = dir.resolveSibling(dir.getFileName() + "-main");
        repo.git("worktree", "add", "-q", other.toString(), "main");
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("one"));
            String main = repo.git("rev-parse", "main");
            assertThatThrownBy(() -> ai.approve(AI)).hasMessageContaining("main is checked out in " + other);
            assertThat(repo.git("rev-parse", "main")).isEqualTo(main);
        } finally {
            repo.git("worktree", "remove", "--force", other.toString());
        }
    }
}
