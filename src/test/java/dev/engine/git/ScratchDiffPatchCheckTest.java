package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.patch.GitTreeView;
import dev.engine.patch.PatchOutcome;
import dev.engine.patch.PatchPolicy;
import dev.engine.patch.PatchSet;
import dev.engine.patch.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor's diff goes through the same patch checker as a model's: text fixes pass, the rest is refused. */
class ScratchDiffPatchCheckTest {
    @TempDir
    Path tmp;

    PatchOutcome check(Path ws, String commit, String diff) throws Exception {
        try (Repository repo = new FileRepositoryBuilder().setWorkTree(ws.toFile()).setMustExist(true).build();
                RevWalk walk = new RevWalk(repo)) {
            GitTreeView tree = new GitTreeView(repo, walk.parseCommit(ObjectId.fromString(commit)).getTree());
            return PatchSet.checkAndApply(diff, PatchPolicy.defaults(List.of()).withDeletionsAllowed(), tree);
        }
    }

    @Test
    void aTextFixIsReadyWithExactlyTheScratchContent() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        GitRepo repo = GitRepo.create(ws);
        repo.write("crlf.txt", "one\r\ntwo\r\n");
        repo.write("ünï/dåta.txt", "u");
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "more");
        try (ScratchClone s = ScratchClone.create(ws, "ai/x", "main", tmp.resolve("scratch"))) {
            Path dir = s.dir();
            Files.writeString(dir.resolve("crlf.txt"), "one\r\nTWO\r\n");
            Files.writeString(dir.resolve("ünï/dåta.txt"), "ü");
            Files.writeString(dir.resolve("conf/new file.yaml"), "n: 1\n");
            Files.delete(dir.resolve("conf/b.yaml"));
            Files.writeString(dir.resolve("scripts/run.sh"), "#!/bin/sh\necho fixed\n");

            PatchOutcome outcome = check(ws, s.commit(), s.diff());

            assertThat(outcome).isInstanceOf(PatchOutcome.Ready.class);
            var changes = ((PatchOutcome.Ready) outcome).changes();
            assertThat(changes).containsEntry("crlf.txt", Optional.of("one\r\nTWO\r\n"))
                    .containsEntry("ünï/dåta.txt", Optional.of("ü"))
                    .containsEntry("conf/new file.yaml", Optional.of("n: 1\n"))
                    .containsEntry("conf/b.yaml", Optional.empty())
                    .containsEntry("scripts/run.sh", Optional.of("#!/bin/sh\necho fixed\n"))
                    .hasSize(5);
        }
    }

    @Test
    void binaryModeAndSymlinkChangesAreRefused() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        GitRepo.create(ws);
        try (ScratchClone s = ScratchClone.create(ws, "ai/x", "main", tmp.resolve("scratch"))) {
            Path dir = s.dir();
            Files.write(dir.resolve("conf/blob.bin"), new byte[] {0, 1, 2});
            Files.setPosixFilePermissions(dir.resolve("conf/a.yaml"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createSymbolicLink(dir.resolve("conf/link"), Path.of("/etc/shadow"));

            PatchOutcome outcome = check(ws, s.commit(), s.diff());

            assertThat(outcome).isInstanceOf(PatchOutcome.Refused.class);
            List<Violation> v = ((PatchOutcome.Refused) outcome).violations();
            assertThat(v).extracting(Violation::path).contains("conf/blob.bin", "conf/a.yaml", "conf/link");
        }
    }
}
