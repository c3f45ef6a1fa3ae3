package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real repository driven by the git CLI, which is also the judge of what JGit wrote. */
final class GitRepo {
    final Path dir;

    private GitRepo(Path dir) {
        this.dir = dir;
    }

    /** A repository on {@code main} with a regular file, an executable script and a config dir. */
    static GitRepo create(Path dir) throws IOException {
        GitRepo repo = new GitRepo(dir);
        repo.git("init", "-q", "-b", "main");
        repo.git("config", "user.name", "Human");
        repo.git("config", "user.email", "human@example.com");
        repo.write("README.md", "# homelab\n");
        repo.write("scripts/run.sh", "#!/bin/sh\necho run\n");
        Files.setPosixFilePermissions(dir.resolve("scripts/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        repo.write("conf/a.yaml", "a: 1\nb: 2\nc: 3\n");
        repo.write("conf/b.yaml", "x: 1\n");
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "initial");
        return repo;
    }

    /** An existing repository (a clone the engine made), driven by the git CLI. */
    static GitRepo open(Path dir) {
        return new GitRepo(dir);
    }

    void write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    String read(String path) throws IOException {
        return Files.readString(dir.resolve(path));
    }

    /** Commits {@code content} at {@code path} on the current branch. */
    String commitFile(String path, String content, String message) throws IOException {
        write(path, content);
        git("add", path);
        git("commit", "-q", "-m", message);
        return git("rev-parse", "HEAD");
    }

    /** Runs git and returns trimmed stdout; fails the test on a non-zero exit. */
    String git(String... args) throws IOException {
        Result r = run(args);
        if (r.exit != 0) throw new AssertionError("git " + String.join(" ", args) + " failed (" + r.exit + "): " + r.err);
        return r.out.strip();
    }

    Result run(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        try (InputStream out = p.getInputStream(); InputStream err = p.getErrorStream()) {
            String o = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            String e = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("git timed out");
            return new Result(p.exitValue(), o, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    record Result(int exit, String out, String err) {}

    /** What I1 promises not to touch. */
    record Snapshot(String status, String main, String head, String index) {}

    Snapshot snapshot() throws IOException {
        return new Snapshot(git("status", "--porcelain"), git("rev-parse", "main"), git("symbolic-ref", "HEAD"),
                git("ls-files", "--stage"));
    }

    void assertFsckClean() throws IOException {
        Result r = run("fsck", "--strict", "--no-progress");
        assertThat(r.exit).as("git fsck --strict: " + r.out + r.err).isZero();
        assertThat(r.out + r.err).doesNotContain("error", "warning", "broken", "missing");
    }

    /** Commit messages on {@code branch} not in main, newest first, as git sees them. */
    List<String> subjectsNotInMain(String branch) throws IOException {
        String out = git("log", "--format=%s", "main.." + branch);
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
}
