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

/** syncWithMain and reject: the AI branch is rewritten in objects only, or not at all. */
class AiBranchRewriteTest {
    @TempDir
    Path dir;
    GitRepo repo;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepo.create(dir);
        repo.write("conf/big.yaml", "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\n");
        repo.git("add", "conf/big.yaml");
        repo.git("commit", "-q", "-m", "big");
    }

    /** Moves main by committing on it, as the user would, then leaves the user's dirty state in place. */
    String advanceMain(String path, String content) throws IOException {
        String sha = repo.commitFile(path, content, "human: " + path);
        repo.write("README.md", "# homelab (dirty)\n");
        return sha;
    }

    @Test
    void syncIsUpToDateWithoutABranchAndWhenMainHasNotMoved() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            assertThat(ai.syncWithMain()).isEqualTo(new SyncResult.UpToDate());
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("fix"));
            String tip = repo.git("rev-parse", AI);
            assertThat(ai.syncWithMain()).isEqualTo(new SyncResult.UpToDate());
            assertThat(repo.git("rev-parse", AI)).isEqualTo(tip);
        }
    }

    @Test
    void syncFollowsMainWhenNothingIsPending() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("fix"));
            repo.git("merge", "-q", "--ff-only", AI); // the human merged everything
            String main = advanceMain("conf/b.yaml", "x: 3\n");
            GitRepo.Snapshot before = repo.snapshot();
            assertThat(ai.syncWithMain()).isEqualTo(new SyncResult.Followed(ObjectId.fromString(main)));
            assertThat(repo.git("rev-parse", AI)).isEqualTo(main);
            assertThat(repo.snapshot()).isEqualTo(before);
            assertThat(ai.pending()).isEmpty();
        }
        repo.assertFsckClean();
    }

    @Test
    void syncRebasesPendingCommitsOntoMainWhenMainTouchedOtherFiles() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/big.yaml", "l1\nL2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\n"), info("first"));
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("second"));
            // Same file as the first AI commit, but lines far away: merges cleanly.
            String main = advanceMain("conf/big.yaml", "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nL9\n");
            repo.commitFile("conf/a.yaml", "a: 9\nb: 2\nc: 3\n", "human: a");
            main = repo.git("rev-parse", "main");
            GitRepo.Snapshot before = repo.snapshot();

            SyncResult result = ai.syncWithMain();

            assertThat(result).isInstanceOf(SyncResult.Rebased.class);
            assertThat(((SyncResult.Rebased) result).count()).isEqualTo(2);
            assertThat(repo.git("rev-parse", AI)).isEqualTo(((SyncResult.Rebased) result).newTip().name());
            assertThat(repo.git("rev-parse", AI + "~2")).isEqualTo(main);
            assertThat(repo.subjectsNotInMain(AI)).containsExactly("ai(talos): second", "ai(talos): first");
            assertThat(repo.git("log", "--format=%B", "-1", AI)).contains("Engine-Fingerprint: 5f3a9c1b7d4e");
            assertThat(repo.git("show", AI + ":conf/big.yaml")).isEqualTo("l1\nL2\nl3\nl4\nl5\nl6\nl7\nl8\nL9");
            assertThat(repo.git("show", AI + ":conf/a.yaml")).isEqualTo("a: 9\nb: 2\nc: 3");
            assertThat(repo.git("show", AI + ":conf/b.yaml")).isEqualTo("x: 2");
            assertThat(repo.snapshot()).isEqualTo(before);
            assertThat(ai.pending()).extracting(PendingCommit::summary).containsExactly("first", "second");
        }
        repo.assertFsckClean();
    }

    @Test
    void syncConflictChangesNothingAndNamesTheCommitAndPaths() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId first = ai.commit(change("conf/a.yaml", "a: 1\nb: 20\nc: 3\n"), info("first"));
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("second"));
            advanceMain("conf/a.yaml", "a: 1\nb: 99\nc: 3\n");
            String tip = repo.git("rev-parse", AI);
            GitRepo.Snapshot before = repo.snapshot();

            assertThat(ai.syncWithMain()).isEqualTo(new SyncResult.Conflict(first.name(), java.util.List.of("conf/a.yaml")));

            assertThat(repo.git("rev-parse", AI)).isEqualTo(tip);
            assertThat(repo.snapshot()).isEqualTo(before);
        }
        repo.assertFsckClean();
    }

    @Test
    void syncDropsACommitMainAlreadyHas() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("already upstream"));
            ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("kept"));
            repo.commitFile("conf/b.yaml", "x: 2\n", "human made the same fix");
            SyncResult result = ai.syncWithMain();
            assertThat(result).isInstanceOf(SyncResult.Rebased.class);
            assertThat(((SyncResult.Rebased) result).count()).isEqualTo(1);
            assertThat(repo.subjectsNotInMain(AI)).containsExactly("ai(talos): kept");
        }
    }

    @Test
    void rejectingTheMiddleOfThreeCommitsKeepsTheOtherTwo() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("one"));
            ObjectId two = ai.commit(change("conf/b.yaml", "x: 2\n"), info("two"));
            ai.commit(change("conf/big.yaml", "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nL9\n"), info("three"));
            repo.write("README.md", "# dirty\n");
            GitRepo.Snapshot before = repo.snapshot();

            RejectResult result = ai.reject(two.abbreviate(8).name(), "wrong file");

            assertThat(result).isInstanceOf(RejectResult.Rejected.class);
            RejectResult.Rejected rejected = (RejectResult.Rejected) result;
            assertThat(rejected.rejectedSha()).isEqualTo(two.name());
            assertThat(rejected.replayed()).isEqualTo(1);
            assertThat(repo.git("rev-parse", AI)).isEqualTo(rejected.newTip().name());
            assertThat(repo.subjectsNotInMain(AI)).containsExactly("ai(talos): three", "ai(talos): one");
            assertThat(repo.git("show", AI + ":conf/a.yaml")).isEqualTo("a: 2\nb: 2\nc: 3");
            assertThat(repo.git("show", AI + ":conf/b.yaml")).isEqualTo("x: 1");
            assertThat(repo.git("show", AI + ":conf/big.yaml")).endsWith("l8\nL9");
            assertThat(repo.git("reflog", "-1", "--format=%gs", AI)).contains("reject", "wrong file");
            assertThat(repo.snapshot()).isEqualTo(before);
            assertThat(ai.pending()).extracting(PendingCommit::summary).containsExactly("one", "three");
        }
        repo.assertFsckClean();
    }

    @Test
    void rejectingTheOnlyCommitLeavesTheBranchAtItsParent() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ObjectId only = ai.commit(change("conf/b.yaml", "x: 2\n"), info("only"));
            ai.reject(only.name(), "no");
            assertThat(repo.git("rev-parse", AI)).isEqualTo(repo.git("rev-parse", "main"));
            assertThat(ai.pending()).isEmpty();
        }
    }

    @Test
    void rejectWithAConflictChangesNothing() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            ai.commit(change("conf/a.yaml", "a: 1\nb: 20\nc: 3\n"), info("one"));
            ObjectId two = ai.commit(change("conf/a.yaml", "a: 1\nb: 21\nc: 3\n"), info("two builds on one"));
            ObjectId three = ai.commit(change("conf/a.yaml", "a: 1\nb: 22\nc: 3\n"), info("three"));
            GitRepo.Snapshot before = repo.snapshot();

            RejectResult result = ai.reject(two.name(), "bad");

            assertThat(result).isEqualTo(new RejectResult.Conflict(three.name(), java.util.List.of("conf/a.yaml")));
            assertThat(repo.git("rev-parse", AI)).isEqualTo(three.name());
            assertThat(repo.snapshot()).isEqualTo(before);
        }
        repo.assertFsckClean();
    }

    @Test
    void rejectRefusesCommitsThatAreNotPending() throws IOException {
        try (AiBranch ai = AiBranch.open(dir, AI, "main")) {
            assertThatThrownBy(() -> ai.reject("HEAD", "x")).hasMessageContaining("no " + AI + " branch");
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("only"));
            String main = repo.git("rev-parse", "--short=7", "main");
            assertThatThrownBy(() -> ai.reject(main, "x")).isInstanceOf(AiBranchException.class)
                    .hasMessage("no commit " + main + " on " + AI + " that is not already in main; `engine review` lists the pending ones");
            assertThatThrownBy(() -> ai.reject("no-such-thing", "x")).hasMessageContaining("no commit no-such-thing");
        }
    }
}
