package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage's world is a real git repository (DESIGN.md §8): git commands a stage runs work in it,
 * nothing done in it reaches the user's repository, and the user's `git status` stays clean.
 * The git CLI is the judge throughout.
 */
class StageCloneTest {
    static final String AI = "ai/orchestrator-stage1";
    static final String GITIGNORE = """
            /state/
            /logs/
            /escalations/
            /patches/
            .env
            kubeconfig
            talosconfig
            secrets/*.yaml
            cache/
            _out/
            target/
            """;

    @TempDir
    Path tmp;
    Path ws;
    GitRepo repo;
    Path cloneDir;

    @BeforeEach
    void setUp() throws IOException {
        ws = Files.createDirectories(tmp.resolve("ws"));
        repo = GitRepo.create(ws);
        repo.write("secrets/README.md", "encrypted with sops\n");
        repo.git("add", "secrets/README.md");
        repo.commitFile(".gitignore", GITIGNORE, "ignore local files");
        repo.write("state/stage_status.json", "{}\n"); // the home's runtime folder is in use before any clone
        cloneDir = ws.resolve("state/checkout");
    }

    StageClone stageClone() {
        return StageClone.at(ws, cloneDir, ws, "main");
    }

    /** The AI branch tip when there is one, else main. */
    ObjectId target() throws IOException {
        GitRepo.Result ai = repo.run("rev-parse", "--verify", "-q", "refs/heads/" + AI);
        return ObjectId.fromString(ai.exit() == 0 ? ai.out().strip() : repo.git("rev-parse", "main"));
    }

    /** Syncs and checks I1 with the git CLI: refs, HEAD, index bytes and status of the user's tree unchanged; fsck clean. */
    StageClone.Result sync(StageClone c) throws Exception {
        return sync(c, target());
    }

    StageClone.Result sync(StageClone c, ObjectId target) throws Exception {
        String refs = repo.git("rev-parse", "main", "HEAD") + repo.git("symbolic-ref", "HEAD") + refOrNone(AI);
        String index = sha(ws.resolve(".git/index"));
        StageClone.Result r = c.sync(target);
        assertThat(sha(ws.resolve(".git/index"))).as("index bytes").isEqualTo(index);
        assertThat(repo.git("rev-parse", "main", "HEAD") + repo.git("symbolic-ref", "HEAD") + refOrNone(AI)).isEqualTo(refs);
        assertThat(repo.git("status", "--porcelain")).as("the user's git status").isEmpty();
        repo.assertFsckClean();
        return r;
    }

    String inClone(String... args) throws IOException {
        GitRepo inside = GitRepo.open(cloneDir);
        return inside.git(args);
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

    /** The clone holds exactly the commit's files (git archive is the judge), plus {@code extra} untracked paths. */
    void assertMatchesCommit(String commit, String... extra) throws Exception {
        Map<String, String> expected = Trees.ofCommit(repo, commit, tmp.resolve("archive-" + System.nanoTime()));
        Map<String, String> actual = Trees.of(cloneDir);
        for (String e : extra) actual.remove(e);
        assertThat(actual).isEqualTo(expected);
    }

    static Object inodeAndMtime(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime());
    }

    @Test
    void theCloneIsARealRepositoryAtTheTargetWhereGitWorksAsInTheUsersTree() throws Exception {
        repo.git("tag", "-a", "v1.0", "-m", "release");
        StageClone.Result r = sync(stageClone());

        String main = repo.git("rev-parse", "main");
        assertThat(r.commit()).isEqualTo(main);
        assertThat(r.created()).isTrue();
        assertMatchesCommit(main);
        assertThat(Files.getPosixFilePermissions(cloneDir.resolve("scripts/run.sh"))).contains(PosixFilePermission.OWNER_EXECUTE);
        // What the homelab's apps/ingress/obs scripts run on their own repository.
        assertThat(inClone("rev-parse", "HEAD")).isEqualTo(main);
        assertThat(inClone("rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("main");
        assertThat(inClone("describe", "--tags")).isEqualTo("v1.0");
        assertThat(inClone("log", "--format=%s", "-1")).isEqualTo("ignore local files");
        assertThat(inClone("status", "--porcelain")).isEmpty();
        Path bundle = tmp.resolve("repo.bundle");
        inClone("bundle", "create", bundle.toString(), "HEAD", "main");
        assertThat(repo.git("bundle", "verify", bundle.toString())).contains("refs/heads/main", "complete history");
        // Objects are borrowed, not copied.
        assertThat(cloneDir.resolve(".git/objects/info/alternates")).content().contains(ws.resolve(".git/objects").toString());

        StageClone.Result again = sync(stageClone());
        assertThat(again.created()).isFalse();
        assertThat(inClone("status", "--porcelain")).isEmpty();
    }

    @Test
    void aCommitOnTheAiBranchRewritesOnlyTheChangedFile() throws Exception {
        sync(stageClone());
        Map<String, Object> before = new LinkedHashMap<>();
        for (String p : List.of("README.md", "scripts/run.sh", "conf/b.yaml", ".gitignore")) {
            before.put(p, inodeAndMtime(cloneDir.resolve(p)));
        }
        String tip = aiCommit(Map.of("conf/a.yaml", Optional.of("a: 1\nb: 20\nc: 3\n")));

        StageClone.Result r = sync(stageClone());

        assertThat(r.commit()).isEqualTo(tip);
        assertThat(Files.readString(cloneDir.resolve("conf/a.yaml"))).isEqualTo("a: 1\nb: 20\nc: 3\n");
        for (Map.Entry<String, Object> e : before.entrySet()) {
            assertThat(inodeAndMtime(cloneDir.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertMatchesCommit(tip);
        assertThat(inClone("rev-parse", "HEAD")).isEqualTo(tip);
        // The user's own tree still has main's content.
        assertThat(repo.read("conf/a.yaml")).isEqualTo("a: 1\nb: 2\nc: 3\n");
    }

    @Test
    void filesDeletedOnTheBranchDisappear() throws Exception {
        sync(stageClone());
        Map<String, Optional<String>> delete = new LinkedHashMap<>();
        delete.put("conf/a.yaml", Optional.empty());
        delete.put("conf/b.yaml", Optional.empty());
        String tip = aiCommit(delete);

        sync(stageClone());

        assertThat(cloneDir.resolve("conf/a.yaml")).doesNotExist();
        assertMatchesCommit(tip);
    }

    @Test
    void filesAStageCreatedSurviveSyncsAndTrackedFilesItChangedAreRestored() throws Exception {
        sync(stageClone());
        Files.writeString(cloneDir.resolve("talosconfig"), "context: generated\n");
        Files.writeString(cloneDir.resolve("conf/generated.yaml"), "g: 1\n");
        Files.writeString(cloneDir.resolve("conf/b.yaml"), "x: hacked by a stage\n");
        Files.delete(cloneDir.resolve("README.md"));
        Files.setPosixFilePermissions(cloneDir.resolve("scripts/run.sh"),
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

        sync(stageClone());

        assertThat(cloneDir.resolve("talosconfig")).hasContent("context: generated");
        assertThat(cloneDir.resolve("conf/generated.yaml")).hasContent("g: 1");
        assertMatchesCommit(repo.git("rev-parse", "main"), "talosconfig", "conf/generated.yaml");
    }

    @Test
    void whatAStageWroteIntoTheClonesGitConfigAndHooksIsGoneAtTheNextSync() throws Exception {
        sync(stageClone());
        Path hook = cloneDir.resolve(".git/hooks/post-checkout");
        Files.writeString(hook, "#!/bin/sh\ntouch " + tmp.resolve("pwned") + "\n");
        Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        inClone("config", "core.fsmonitor", "touch " + tmp.resolve("pwned2"));
        inClone("config", "core.hooksPath", tmp.toString());
        inClone("remote", "add", "home", ws.toString());

        sync(stageClone());

        assertThat(hook).doesNotExist();
        assertThat(inClone("config", "--list", "--local")).doesNotContain("fsmonitor", "hookspath", "remote.home");
        inClone("status");
        inClone("checkout", "-q", "-B", "other");
        assertThat(tmp.resolve("pwned")).doesNotExist();
        assertThat(tmp.resolve("pwned2")).doesNotExist();
    }

    @Test
    void theUsersRemotesAreKeptButNeverOneThatPointsAtTheUsersRepository() throws Exception {
        repo.git("remote", "add", "origin", "https://git.example.com/homelab.git");
        repo.git("remote", "add", "self", ws.toString());
        repo.git("remote", "add", "selfgit", "file://" + ws.resolve(".git"));

        sync(stageClone());

        assertThat(inClone("remote")).isEqualTo("origin");
        assertThat(inClone("remote", "get-url", "origin")).isEqualTo("https://git.example.com/homelab.git");
        // A push from the clone cannot reach the user's repository by any name.
        assertThat(GitRepo.open(cloneDir).run("push", "self", "HEAD:main").exit()).isNotZero();
    }

    @Test
    void ignoredLocalFilesAreLinkedAndTheLinksFollowTheWorkingTree() throws Exception {
        repo.write(".env", "TOKEN=local\n");
        repo.write("kubeconfig", "apiVersion: v1\n");
        repo.write("secrets/cluster.yaml", "password: hunter2\n");
        repo.write("cache/deep/nested/blob.bin", "cached\n");
        repo.write("_out/controlplane.yaml", "machine: {}\n");
        repo.write("wip.txt", "not ignored, not committed\n");

        StageClone.Result r = stageClone().sync(target());

        assertThat(r.linked()).isEqualTo(5);
        for (String p : List.of(".env", "kubeconfig", "secrets/cluster.yaml", "cache/deep/nested/blob.bin", "_out/controlplane.yaml")) {
            Path link = cloneDir.resolve(p);
            assertThat(Files.isSymbolicLink(link)).as(p).isTrue();
            assertThat(Files.readSymbolicLink(link)).isEqualTo(ws.resolve(p));
            assertThat(Files.readString(link)).isEqualTo(repo.read(p));
        }
        assertThat(Files.isSymbolicLink(cloneDir.resolve("cache/deep"))).isFalse();
        assertThat(cloneDir.resolve("wip.txt")).doesNotExist();
        // The links are ignored in the clone too: its git status is clean.
        assertThat(inClone("status", "--porcelain")).isEmpty();
        assertThat(Uncommitted.of(ws)).containsExactly("wip.txt");

        Files.delete(ws.resolve("cache/deep/nested/blob.bin"));
        repo.write("talosconfig", "context: admin\n");
        StageClone.Result again = stageClone().sync(target());
        assertThat(again.linked()).isEqualTo(5);
        assertThat(cloneDir.resolve("cache")).doesNotExist();
        assertThat(Files.readSymbolicLink(cloneDir.resolve("talosconfig"))).isEqualTo(ws.resolve("talosconfig"));
    }

    @Test
    void aFileAStageWroteWhereALocalFileWouldBeLinkedIsKept() throws Exception {
        sync(stageClone());
        Files.writeString(cloneDir.resolve("kubeconfig"), "written by a stage\n");
        repo.write("kubeconfig", "the user's\n");

        StageClone.Result r = stageClone().sync(target());

        assertThat(Files.isSymbolicLink(cloneDir.resolve("kubeconfig"))).isFalse();
        assertThat(cloneDir.resolve("kubeconfig")).hasContent("written by a stage");
        assertThat(r.warnings()).anyMatch(w -> w.contains("kubeconfig") && w.contains("kept"));
    }

    @Test
    void aTrackedFileWinsOverALinkToALocalFile() throws Exception {
        repo.write("talosconfig", "the user's local one\n");
        stageClone().sync(target());
        assertThat(Files.isSymbolicLink(cloneDir.resolve("talosconfig"))).isTrue();
        String tip = aiCommit(Map.of("talosconfig", Optional.of("tracked now\n")));

        StageClone.Result r = stageClone().sync(target());

        assertThat(Files.isSymbolicLink(cloneDir.resolve("talosconfig"))).isFalse();
        assertThat(cloneDir.resolve("talosconfig")).hasContent("tracked now");
        assertThat(repo.read("talosconfig")).isEqualTo("the user's local one\n");
        assertThat(r.linked()).isZero();
        assertMatchesCommit(tip);
    }

    @Test
    void aV2LayoutWithTrackedStateFilesKeepsTheUsersStatusClean() throws Exception {
        // The bash loop's layout: home ai/, its state files tracked in git, no ignore rules for them.
        repo.write("ai/context_map.yaml", "stages: {}\n");
        repo.write("ai/state/errors.json", "{}\n");
        repo.write("ai/state/stage_status.json", "{}\n");
        repo.git("add", "ai");
        repo.git("commit", "-q", "-m", "bash loop home");
        repo.write(".env", "A=1\n");
        cloneDir = ws.resolve("ai/state/checkout");
        repo.write("ai/logs/talos/x.log", "log\n");
        repo.write("ai/escalations/c.md", "case\n");
        repo.write("ai/patches/p.diff", "diff\n");
        repo.write("ai/state/audit.jsonl", "{}\n");

        StageClone c = StageClone.at(ws, cloneDir, ws.resolve("ai"), "main");
        c.sync(target());
        c.sync(target());

        assertThat(repo.git("status", "--porcelain")).isEmpty();
        assertThat(ws.resolve(".git/info/exclude")).content().contains("/ai/state/", "/ai/logs/", "/ai/escalations/", "/ai/patches/");
        assertThat(repo.read(".gitignore")).isEqualTo(GITIGNORE);
        // The clone never links the runtime folders, nor itself.
        assertThat(Trees.of(cloneDir).keySet()).noneMatch(p -> p.startsWith("ai/logs") || p.startsWith("ai/escalations")
                || p.startsWith("ai/patches") || p.startsWith("ai/state/checkout") || p.startsWith("ai/state/audit"));
        assertThat(inClone("rev-parse", "HEAD")).isEqualTo(repo.git("rev-parse", "main"));
        // Calling it twice does not grow the user's exclude file.
        String exclude = Files.readString(ws.resolve(".git/info/exclude"));
        c.sync(target());
        assertThat(Files.readString(ws.resolve(".git/info/exclude"))).isEqualTo(exclude);
    }

    @Test
    void aSymlinkPlantedInTheCloneIsNeverWrittenThrough() throws Exception {
        sync(stageClone());
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("a.yaml"), "theirs\n");
        // A stage replaces the tracked conf/ directory with a link to somewhere else.
        SafeTree.deleteTree(cloneDir.resolve("conf"));
        Files.createSymbolicLink(cloneDir.resolve("conf"), outside);
        Files.createSymbolicLink(cloneDir.resolve("README.md.tmp"), outside.resolve("a.yaml"));
        String tip = aiCommit(Map.of("conf/a.yaml", Optional.of("a: fixed\n"), "README.md.tmp", Optional.of("t\n")));

        stageClone().sync(target());

        assertThat(outside.resolve("a.yaml")).hasContent("theirs");
        try (var list = Files.list(outside)) {
            assertThat(list.count()).isEqualTo(1);
        }
        assertThat(Files.isSymbolicLink(cloneDir.resolve("conf"))).isFalse();
        assertThat(cloneDir.resolve("conf/a.yaml")).hasContent("a: fixed");
        assertMatchesCommit(tip);
    }

    @Test
    void anOldManifestCheckoutIsReplacedByAClone() throws Exception {
        Files.createDirectories(cloneDir.resolve("conf"));
        Files.writeString(cloneDir.resolve("conf/a.yaml"), "old\n");
        Files.writeString(cloneDir.resolveSibling("checkout.manifest.json"), "{}");

        StageClone.Result r = sync(stageClone());

        assertThat(r.created()).isTrue();
        assertThat(cloneDir.resolveSibling("checkout.manifest.json")).doesNotExist();
        assertMatchesCommit(repo.git("rev-parse", "main"));
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

        assertThat(Uncommitted.of(ws)).containsExactly("README.md", "conf/a.yaml", "conf/b.yaml", "new.yaml");
        assertThat(repo.snapshot()).isEqualTo(before);

        for (int i = 0; i < 60; i++) repo.write("many/f" + (100 + i), "x\n");
        List<String> many = Uncommitted.of(ws);
        assertThat(many).hasSize(51);
        assertThat(many.get(50)).isEqualTo("... and 14 more");
    }

    @Test
    void aLockFileLeftByAKilledGitDoesNotBlockTheNextSync() throws Exception {
        sync(stageClone());
        // What a kill -9 during the clone's reset leaves (found by KillNineTest).
        Files.writeString(cloneDir.resolve(".git/index.lock"), "");
        Files.createDirectories(cloneDir.resolve(".git/refs/heads"));
        Files.writeString(cloneDir.resolve(".git/refs/heads/main.lock"), "");
        String tip = aiCommit(Map.of("conf/a.yaml", Optional.of("a: after the kill\n")));

        StageClone.Result r = sync(stageClone());

        assertThat(r.commit()).isEqualTo(tip);
        assertThat(r.created()).as("the locks are cleared, the clone is kept").isFalse();
        assertThat(cloneDir.resolve(".git/index.lock")).doesNotExist();
        assertMatchesCommit(tip);
        assertThat(inClone("status", "--porcelain")).isEmpty();
    }

    @Test
    void aDamagedCloneIsMadeAnewWithAWarning() throws Exception {
        sync(stageClone());
        Files.writeString(cloneDir.resolve("talosconfig"), "left by a stage\n");
        Files.writeString(cloneDir.resolve(".git/index"), "DIRC garbage");

        StageClone.Result r = sync(stageClone());

        assertThat(r.created()).isTrue();
        assertThat(r.warnings()).anyMatch(w -> w.contains("made it anew"));
        assertMatchesCommit(repo.git("rev-parse", "main"));
        assertThat(inClone("status", "--porcelain")).isEmpty();
    }
}
