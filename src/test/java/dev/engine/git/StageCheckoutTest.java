package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageCheckoutTest {
    static final String AI = "ai/orchestrator-stage1";
    static final String GITIGNORE = """
            /state/
            /logs/
            /escalations/
            /patches/
            /ai/state/
            /ai/logs/
            .env
            kubeconfig
            talosconfig
            secrets/*.yaml
            cache/
            target/
            """;

    @TempDir
    Path tmp;
    Path ws;
    GitRepo repo;
    Path checkoutDir;

    @BeforeEach
    void setUp() throws IOException {
        ws = Files.createDirectories(tmp.resolve("ws"));
        repo = GitRepo.create(ws);
        repo.write("secrets/README.md", "encrypted with sops\n");
        repo.git("add", "secrets/README.md");
        repo.commitFile(".gitignore", GITIGNORE, "ignore local files");
        repo.write("state/stage_status.json", "{}\n"); // the home's runtime folder is in use before any checkout
        checkoutDir = ws.resolve("state/checkout");
    }

    StageCheckout checkout() {
        return StageCheckout.at(ws, checkoutDir, AI, "main");
    }

    /** Syncs and checks I1 with the git CLI: refs, HEAD, index bytes and status of the user's tree unchanged; fsck clean. */
    StageCheckout.Result sync(StageCheckout c) throws Exception {
        String status = repo.git("status", "--porcelain", "--ignored");
        String refs = repo.git("rev-parse", "main", "HEAD") + repo.git("symbolic-ref", "HEAD") + refOrNone(AI);
        String index = sha(ws.resolve(".git/index"));
        StageCheckout.Result r = c.sync();
        assertThat(sha(ws.resolve(".git/index"))).as("index bytes").isEqualTo(index);
        assertThat(repo.git("rev-parse", "main", "HEAD") + repo.git("symbolic-ref", "HEAD") + refOrNone(AI)).isEqualTo(refs);
        assertThat(repo.git("status", "--porcelain", "--ignored")).isEqualTo(status);
        repo.assertFsckClean();
        return r;
    }

    String refOrNone(String branch) throws IOException {
        GitRepo.Result r = repo.run("rev-parse", "--verify", "-q", "refs/heads/" + branch);
        return r.exit() == 0 ? r.out().strip() : "none";
    }

    static String sha(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    String aiCommit(Map<String, Optional<String>> changes) throws IOException {
        try (AiBranch ai = AiBranch.open(ws, AI, "main")) {
            return ai.commit(changes, new CommitInfo("talos", "executor", "5f3a9c1b7d4e", "patches/x.diff", "fix")).name();
        }
    }

    /** The checkout holds exactly the commit's files (git archive is the judge), plus {@code extra} untracked paths. */
    void assertMatchesCommit(String commit, String... extra) throws Exception {
        Map<String, String> expected = Trees.ofCommit(repo, commit, tmp.resolve("archive-" + System.nanoTime()));
        Map<String, String> actual = Trees.of(checkoutDir);
        for (String e : extra) actual.remove(e);
        assertThat(actual).isEqualTo(expected);
    }

    static Object inodeAndMtime(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime());
    }

    @Test
    void firstSyncChecksOutMainWhenThereIsNoAiBranch() throws Exception {
        StageCheckout.Result r = sync(checkout());

        String main = repo.git("rev-parse", "main");
        assertThat(r.commit()).isEqualTo(main);
        assertThat(r.written()).isEqualTo(6);
        assertThat(r.deleted()).isZero();
        assertThat(r.warnings()).isEmpty();
        assertMatchesCommit(main);
        assertThat(Files.getPosixFilePermissions(checkoutDir.resolve("scripts/run.sh"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(checkoutDir.resolve("conf/a.yaml"))).doesNotContain(PosixFilePermission.OWNER_EXECUTE);
        assertThat(checkoutDir.resolveSibling("checkout.manifest.json")).isRegularFile();

        StageCheckout.Result again = sync(checkout());
        assertThat(again.written()).isZero();
        assertThat(again.deleted()).isZero();
    }

    @Test
    void masterIsUsedWhenMainDoesNotExist() throws Exception {
        repo.git("branch", "-m", "main", "master");
        StageCheckout.Result r = checkout().sync();
        assertThat(r.commit()).isEqualTo(repo.git("rev-parse", "master"));
        assertThatThrownBy(() -> StageCheckout.at(ws, checkoutDir, AI, "trunk").sync())
                .isInstanceOf(AiBranchException.class).hasMessageContaining("neither " + AI + " nor trunk");
    }

    @Test
    void aCommitOnTheAiBranchRewritesOnlyTheChangedFile() throws Exception {
        sync(checkout());
        Map<String, Object> before = new LinkedHashMap<>();
        for (String p : List.of("README.md", "scripts/run.sh", "conf/b.yaml", ".gitignore")) {
            before.put(p, inodeAndMtime(checkoutDir.resolve(p)));
        }
        String tip = aiCommit(Map.of("conf/a.yaml", Optional.of("a: 1\nb: 20\nc: 3\n")));

        StageCheckout.Result r = sync(checkout());

        assertThat(r.commit()).isEqualTo(tip);
        assertThat(r.written()).isEqualTo(1);
        assertThat(Files.readString(checkoutDir.resolve("conf/a.yaml"))).isEqualTo("a: 1\nb: 20\nc: 3\n");
        for (Map.Entry<String, Object> e : before.entrySet()) {
            assertThat(inodeAndMtime(checkoutDir.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertMatchesCommit(tip);
        // The user's own tree still has main's content.
        assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 1\nb: 2\nc: 3\n");
    }

    @Test
    void filesDeletedOnTheBranchDisappearWithTheirEmptyDirectories() throws Exception {
        sync(checkout());
        Map<String, Optional<String>> delete = new LinkedHashMap<>();
        delete.put("conf/a.yaml", Optional.empty());
        delete.put("conf/b.yaml", Optional.empty());
        String tip = aiCommit(delete);

        StageCheckout.Result r = sync(checkout());

        assertThat(r.deleted()).isEqualTo(2);
        assertThat(checkoutDir.resolve("conf")).doesNotExist();
        assertMatchesCommit(tip);
    }

    @Test
    void aDirectoryThatBecomesAFileAndBackIsFollowed() throws Exception {
        sync(checkout());
        Files.writeString(checkoutDir.resolve("conf/generated.yaml"), "g: 1\n");
        repo.git("rm", "-rq", "conf");
        String fileCommit = repo.commitFile("conf", "now a file\n", "conf is a file");

        StageCheckout.Result r = sync(checkout());

        assertThat(checkoutDir.resolve("conf")).isRegularFile().hasContent("now a file");
        assertThat(r.warnings()).anyMatch(w -> w.contains("removed directory conf"));
        assertMatchesCommit(fileCommit);

        repo.git("rm", "-q", "conf");
        String dirCommit = repo.commitFile("conf/x.yaml", "x: 1\n", "conf is a directory again");
        StageCheckout.Result back = sync(checkout());
        assertThat(back.deleted()).isEqualTo(1);
        assertThat(back.warnings()).isEmpty();
        assertMatchesCommit(dirCommit);
    }

    @Test
    void filesAStageCreatedSurviveSyncs() throws Exception {
        sync(checkout());
        Files.writeString(checkoutDir.resolve("talosconfig"), "context: generated\n");
        Files.createDirectories(checkoutDir.resolve(".terraform/providers"));
        Files.writeString(checkoutDir.resolve(".terraform/providers/lock"), "x\n");
        Files.writeString(checkoutDir.resolve("conf/generated.yaml"), "g: 1\n");
        Map<String, Optional<String>> change = new LinkedHashMap<>();
        change.put("conf/a.yaml", Optional.empty());
        change.put("conf/b.yaml", Optional.empty());
        change.put("README.md", Optional.of("# homelab v2\n"));
        String tip = aiCommit(change);

        StageCheckout.Result r = sync(checkout());

        assertThat(r.written()).isEqualTo(1);
        assertThat(checkoutDir.resolve("talosconfig")).hasContent("context: generated");
        assertThat(checkoutDir.resolve(".terraform/providers/lock")).hasContent("x");
        // conf/ keeps the stage's file, so it is not pruned.
        assertThat(checkoutDir.resolve("conf/generated.yaml")).hasContent("g: 1");
        assertMatchesCommit(tip, "talosconfig", ".terraform/providers/lock", "conf/generated.yaml");
    }

    @Test
    void aTrackedFileAStageChangedInTheCheckoutIsRestoredWithAWarning() throws Exception {
        sync(checkout());
        Files.writeString(checkoutDir.resolve("conf/b.yaml"), "x: hacked by a stage\n");
        Files.delete(checkoutDir.resolve("README.md"));
        Files.setPosixFilePermissions(checkoutDir.resolve("scripts/run.sh"),
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

        StageCheckout.Result r = sync(checkout());

        assertThat(r.written()).isEqualTo(3);
        assertThat(r.warnings()).anyMatch(w -> w.contains("restored conf/b.yaml"));
        assertMatchesCommit(repo.git("rev-parse", "main"));
    }

    @Test
    void ignoredLocalFilesAreLinkedAndTheLinksFollowTheWorkingTree() throws Exception {
        repo.write(".env", "TOKEN=local\n");
        repo.write("kubeconfig", "apiVersion: v1\n");
        repo.write("secrets/cluster.yaml", "password: hunter2\n");
        repo.write("cache/deep/nested/blob.bin", "cached\n");
        repo.write("wip.txt", "not ignored, not committed\n");
        repo.write("scripts/local.env", "no: rule\n"); // untracked, not ignored

        StageCheckout.Result r = sync(checkout());

        assertThat(r.linked()).isEqualTo(4);
        for (String p : List.of(".env", "kubeconfig", "secrets/cluster.yaml", "cache/deep/nested/blob.bin")) {
            Path link = checkoutDir.resolve(p);
            assertThat(Files.isSymbolicLink(link)).as(p).isTrue();
            assertThat(Files.readSymbolicLink(link)).isEqualTo(ws.resolve(p));
            assertThat(Files.readString(link)).isEqualTo(repo.read(p));
        }
        // Parent directories of links are real directories in the checkout, not links into the user's tree.
        assertThat(Files.isSymbolicLink(checkoutDir.resolve("cache/deep"))).isFalse();
        assertThat(checkoutDir.resolve("wip.txt")).doesNotExist();
        assertThat(checkoutDir.resolve("scripts/local.env")).doesNotExist();
        assertThat(checkoutDir.resolve("secrets/README.md")).isRegularFile();
        assertThat(StageCheckout.uncommittedChanges(ws)).containsExactly("scripts/local.env", "wip.txt");

        // A new local file appears, a removed one's link goes (with its now empty directories).
        Files.delete(ws.resolve("cache/deep/nested/blob.bin"));
        repo.write("talosconfig", "context: admin\n");
        StageCheckout.Result again = sync(checkout());
        assertThat(again.linked()).isEqualTo(4);
        assertThat(checkoutDir.resolve("cache")).doesNotExist();
        assertThat(Files.readSymbolicLink(checkoutDir.resolve("talosconfig"))).isEqualTo(ws.resolve("talosconfig"));
        assertThat(again.written()).isZero();
    }

    @Test
    void aFileAStageWroteWhereALocalFileWouldBeLinkedIsKept() throws Exception {
        Files.createDirectories(checkoutDir);
        Files.writeString(checkoutDir.resolve("kubeconfig"), "written by a stage\n");
        repo.write("kubeconfig", "the user's\n");

        StageCheckout.Result r = sync(checkout());

        assertThat(Files.isSymbolicLink(checkoutDir.resolve("kubeconfig"))).isFalse();
        assertThat(checkoutDir.resolve("kubeconfig")).hasContent("written by a stage");
        assertThat(r.warnings()).anyMatch(w -> w.contains("kubeconfig") && w.contains("kept"));
        assertThat(r.linked()).isZero();
    }

    @Test
    void aTrackedFileWinsOverALinkToALocalFile() throws Exception {
        repo.write("talosconfig", "the user's local one\n");
        sync(checkout());
        assertThat(Files.isSymbolicLink(checkoutDir.resolve("talosconfig"))).isTrue();
        // The AI branch starts tracking a file at that path (force-added past the ignore rule).
        String tip = aiCommit(Map.of("talosconfig", Optional.of("tracked now\n")));

        StageCheckout.Result r = sync(checkout());

        assertThat(Files.isSymbolicLink(checkoutDir.resolve("talosconfig"))).isFalse();
        assertThat(checkoutDir.resolve("talosconfig")).hasContent("tracked now");
        assertThat(repo.read("talosconfig")).isEqualTo("the user's local one\n");
        assertThat(r.linked()).isZero();
        assertMatchesCommit(tip);
    }

    @Test
    void theEngineHomeRuntimeFoldersAndGitAreNeverLinked() throws Exception {
        // v2 layout: the home is <ws>/ai, the checkout lives in its state folder.
        repo.write("ai/context_map.yaml", "stages: {}\n");
        repo.git("add", "ai/context_map.yaml");
        repo.git("commit", "-q", "-m", "home");
        for (String p : List.of("ai/state/stage_status.json", "ai/state/engine.lock", "ai/logs/talos/x.log",
                "logs/y.log", "state/errors.json", "escalations/c.md", "patches/p.diff", "target/engine.jar")) {
            repo.write(p, "runtime\n");
        }
        Files.writeString(ws.resolve(".git/info/exclude"), "ai/escalations/\nai/patches/\n");
        repo.write("ai/escalations/case.md", "case\n");
        repo.write("ai/patches/p.diff", "diff\n");
        repo.write(".env", "A=1\n");
        checkoutDir = ws.resolve("ai/state/checkout");

        StageCheckout.Result first = sync(StageCheckout.at(ws, checkoutDir, AI, "main"));
        StageCheckout.Result second = sync(StageCheckout.at(ws, checkoutDir, AI, "main"));

        assertThat(first.linked()).isEqualTo(1);
        assertThat(second.linked()).isEqualTo(1);
        Map<String, String> files = Trees.of(checkoutDir);
        assertThat(files.keySet()).noneMatch(p -> p.startsWith("ai/state") || p.startsWith("ai/logs") || p.startsWith("logs")
                || p.startsWith("state") || p.startsWith("escalations") || p.startsWith("patches") || p.startsWith("ai/escalations")
                || p.startsWith("ai/patches") || p.startsWith("target") || p.contains(".git/") || p.equals(".git"));
        assertThat(checkoutDir.resolve(".git")).doesNotExist();
        assertThat(Files.readSymbolicLink(checkoutDir.resolve(".env"))).isEqualTo(ws.resolve(".env"));
        assertThat(first.warnings()).isEmpty();
    }

    @Test
    void aCheckoutThatGitDoesNotIgnoreIsReported() throws Exception {
        checkoutDir = ws.resolve("run/checkout");
        StageCheckout.Result r = StageCheckout.at(ws, checkoutDir, AI, "main").sync();
        assertThat(r.warnings()).anyMatch(w -> w.contains("run/checkout is not git-ignored"));
    }

    @Test
    void symlinksAreKeptButNeverOnesThatLeaveTheCheckout() throws Exception {
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("secret"), "outside\n");
        repo.write("d1/d2/keep.txt", "k\n");
        Files.createSymbolicLink(ws.resolve("ok"), Path.of("conf/a.yaml"));
        Files.createSymbolicLink(ws.resolve("okdir"), Path.of("d1/d2"));
        Files.createSymbolicLink(ws.resolve("up"), Path.of("../outside/secret"));
        Files.createSymbolicLink(ws.resolve("abs"), outside.resolve("secret"));
        Files.createSymbolicLink(ws.resolve("d1/d2/x"), Path.of("../.."));       // the checkout root: inside
        Files.createSymbolicLink(ws.resolve("y"), Path.of("d1/d2/x/../outside")); // naive normalizing says inside
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "links");

        StageCheckout.Result r = sync(checkout());

        assertThat(Files.readSymbolicLink(checkoutDir.resolve("ok"))).isEqualTo(Path.of("conf/a.yaml"));
        assertThat(checkoutDir.resolve("ok")).hasContent("a: 1\nb: 2\nc: 3");
        assertThat(checkoutDir.resolve("okdir/keep.txt")).hasContent("k");
        assertThat(Files.isSymbolicLink(checkoutDir.resolve("d1/d2/x"))).isTrue();
        for (String p : List.of("up", "abs", "y")) {
            assertThat(Files.exists(checkoutDir.resolve(p), LinkOption.NOFOLLOW_LINKS)).as(p).isFalse();
            assertThat(r.warnings()).anyMatch(w -> w.contains("symlink " + p + " ->") && w.contains("outside the checkout"));
        }
        assertThat(r.warnings()).hasSize(3);
        assertThat(sync(checkout()).written()).isZero();
    }

    @Test
    void aSymlinkPlantedInTheCheckoutIsNeverWrittenThrough() throws Exception {
        sync(checkout());
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("a.yaml"), "theirs\n");
        // A stage replaces the tracked conf/ directory with a link to somewhere else.
        SafeTree.deleteTree(checkoutDir.resolve("conf"));
        Files.createSymbolicLink(checkoutDir.resolve("conf"), outside);
        Files.createSymbolicLink(checkoutDir.resolve("README.md.tmp"), outside.resolve("a.yaml"));
        String tip = aiCommit(Map.of("conf/a.yaml", Optional.of("a: fixed\n"), "README.md.tmp", Optional.of("t\n")));

        StageCheckout.Result r = sync(checkout());

        assertThat(outside.resolve("a.yaml")).hasContent("theirs");
        assertThat(Files.list(outside).count()).isEqualTo(1);
        assertThat(Files.isSymbolicLink(checkoutDir.resolve("conf"))).isFalse();
        assertThat(checkoutDir.resolve("conf/a.yaml")).hasContent("a: fixed");
        assertThat(r.warnings()).anyMatch(w -> w.contains("removed symlink conf"));
        assertMatchesCommit(tip);
    }

    @Test
    void aSyncKilledMidwayIsRepairedByTheNext() throws Exception {
        sync(checkout());
        Map<String, Optional<String>> change = new LinkedHashMap<>();
        change.put("conf/b.yaml", Optional.empty());
        change.put("conf/a.yaml", Optional.of("a: 2\n"));
        change.put("new/dir/z.txt", Optional.of("z\n"));
        change.put("scripts/run.sh", Optional.of("#!/bin/sh\necho v2\n"));
        String tip = aiCommit(change);
        AtomicInteger writes = new AtomicInteger();
        StageCheckout dying = StageCheckout.at(ws, checkoutDir, AI, "main", ws, p -> {
            if (writes.incrementAndGet() == 3) throw new IOException("killed");
        });

        assertThatThrownBy(dying::sync).hasMessageContaining("killed");
        // Killed after conf/a.yaml and new/dir/z.txt were written, before scripts/run.sh; and a
        // half-written file, as a kill during a write would leave it.
        assertThat(checkoutDir.resolve("new/dir/z.txt")).exists();
        Files.writeString(checkoutDir.resolve("conf/a.yaml"), "a: ");

        // The human rejects the commit meanwhile: the next sync goes back to main, so the files
        // the killed sync wrote for the AI commit must go, though no complete manifest lists them.
        try (AiBranch ai = AiBranch.open(ws, AI, "main")) {
            ai.reject(tip, "wrong fix");
        }
        StageCheckout.Result back = sync(checkout());
        assertThat(back.commit()).isEqualTo(repo.git("rev-parse", "main"));
        assertMatchesCommit(back.commit());
        assertThat(checkoutDir.resolve("new")).doesNotExist();

        // Killed again after one write, on the way back to the fix; then a plain sync finishes the job.
        String again = aiCommit(change);
        writes.set(1);
        assertThatThrownBy(dying::sync).hasMessageContaining("killed");
        Files.writeString(checkoutDir.resolve("scripts/run.sh"), "#!/bin/sh\necho half");
        StageCheckout.Result r = sync(checkout());
        assertThat(r.commit()).isEqualTo(again);
        assertMatchesCommit(again);
        assertThat(sync(checkout()).written()).isZero();
    }

    @Test
    void aLostOrDamagedManifestIsRecoveredByContent() throws Exception {
        sync(checkout());
        String tip = aiCommit(Map.of("conf/a.yaml", Optional.of("a: 3\n")));
        Files.writeString(checkoutDir.resolve("conf/b.yaml"), "x: half"); // damaged, same recorded size irrelevant
        Path manifest = checkoutDir.resolveSibling("checkout.manifest.json");

        Files.writeString(manifest, "{\"version\":1,\"files\":{\"conf/a.y");
        StageCheckout.Result damaged = sync(checkout());
        assertThat(damaged.warnings()).anyMatch(w -> w.contains("damaged"));
        assertThat(damaged.written()).isEqualTo(2); // conf/a.yaml (new content) and conf/b.yaml (repaired)
        assertMatchesCommit(tip);

        Files.delete(manifest);
        Files.writeString(checkoutDir.resolve("README.md"), "# homelaX\n"); // same size, other content
        StageCheckout.Result lost = sync(checkout());
        assertThat(lost.written()).isEqualTo(1);
        assertMatchesCommit(tip);
    }

    @Test
    void uncommittedChangesListsModifiedStagedAndUntrackedButNotIgnoredOrRuntimeFiles() throws Exception {
        repo.write("README.md", "# edited\n");
        repo.write("conf/b.yaml", "x: staged\n");
        repo.git("add", "conf/b.yaml");
        Files.delete(ws.resolve("conf/a.yaml"));
        repo.write("new.yaml", "n: 1\n");
        repo.write(".env", "SECRET=1\n");
        repo.write("state/stage_status.json", "{}\n");
        GitRepo.Snapshot before = repo.snapshot();

        assertThat(StageCheckout.uncommittedChanges(ws)).containsExactly("README.md", "conf/a.yaml", "conf/b.yaml", "new.yaml");
        assertThat(repo.snapshot()).isEqualTo(before);

        for (int i = 0; i < 60; i++) repo.write("many/f" + (100 + i), "x\n");
        List<String> many = StageCheckout.uncommittedChanges(ws);
        assertThat(many).hasSize(51);
        assertThat(many.get(50)).isEqualTo("... and 14 more");
    }
}
