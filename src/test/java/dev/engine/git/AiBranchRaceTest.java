package dev.engine.git;

import static dev.engine.git.AiBranchCommitTest.AI;
import static dev.engine.git.AiBranchCommitTest.change;
import static dev.engine.git.AiBranchCommitTest.info;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ref that moves after the engine read it and before it writes it is reported, never overwritten. */
class AiBranchRaceTest {
    @TempDir
    Path dir;
    GitRepo repo;
    final AtomicReference<AiBranch.RaceHook> race = new AtomicReference<>(() -> { });

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepo.create(dir);
    }

    AiBranch open() throws IOException {
        return AiBranch.open(dir, AI, "main", () -> race.get().run());
    }

    @Test
    void theFirstCommitDoesNotOverwriteABranchCreatedMeanwhile() throws IOException {
        String other = repo.git("commit-tree", "-p", "main", "-m", "someone else", repo.git("rev-parse", "main^{tree}"));
        race.set(() -> repo.git("branch", AI, other));
        try (AiBranch ai = open()) {
            assertThatThrownBy(() -> ai.commit(change("conf/b.yaml", "x: 2\n"), info("mine")))
                    .isInstanceOf(AiBranchException.RefMoved.class).hasMessageContaining("expected no branch");
        }
        assertThat(repo.git("rev-parse", AI)).isEqualTo(other);
    }

    @Test
    void rejectDoesNotOverwriteACommitAddedMeanwhile() throws IOException {
        try (AiBranch ai = open()) {
            ObjectId one = ai.commit(change("conf/a.yaml", "a: 2\nb: 2\nc: 3\n"), info("one"));
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("two"));
            String concurrent = repo.git("commit-tree", "-p", AI, "-m", "concurrent", repo.git("rev-parse", AI + "^{tree}"));
            race.set(() -> repo.git("update-ref", "refs/heads/" + AI, concurrent));

            assertThatThrownBy(() -> ai.reject(one.name(), "no")).isInstanceOf(AiBranchException.RefMoved.class)
                    .hasMessageContaining(AI + " changed while the engine was updating it");
            assertThat(repo.git("rev-parse", AI)).isEqualTo(concurrent);
        }
        repo.assertFsckClean();
    }

    @Test
    void approveDoesNotOverwriteMainMovedMeanwhile() throws IOException {
        repo.git("checkout", "-q", "-b", "work");
        try (AiBranch ai = open()) {
            ai.commit(change("conf/b.yaml", "x: 2\n"), info("one"));
            String human = repo.git("commit-tree", "-p", "main", "-m", "human", repo.git("rev-parse", "main^{tree}"));
            race.set(() -> repo.git("update-ref", "refs/heads/main", human));

            assertThatThrownBy(() -> ai.approve(AI)).isInstanceOf(AiBranchException.RefMoved.class)
                    .hasMessageContaining("main changed");
            assertThat(repo.git("rev-parse", "main")).isEqualTo(human);
        }
    }
}
