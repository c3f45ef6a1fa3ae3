package dev.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutLocatorTest {
    @TempDir
    Path tmp;

    private Path repo() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("lab"));
        try (Git git = Git.init().setDirectory(repo.toFile()).call()) {
            return repo;
        }
    }

    private static void touch(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "stages: {}\n");
    }

    @Test
    void rootLayoutFromASubdirectory() throws Exception {
        Path repo = repo();
        touch(repo.resolve("context_map.yaml"));
        Path sub = Files.createDirectories(repo.resolve("infra/proxmox"));

        Layout layout = LayoutLocator.locate(Optional.empty(), Optional.empty(), sub);

        assertThat(layout.workspace()).isEqualTo(repo.toAbsolutePath());
        assertThat(layout.home()).isEqualTo(repo.toAbsolutePath());
    }

    @Test
    void aiLayoutOfTheBashLoop() throws Exception {
        Path repo = repo();
        touch(repo.resolve("ai/context_map.yaml"));

        Layout layout = LayoutLocator.locate(Optional.empty(), Optional.empty(), repo);

        assertThat(layout.home()).isEqualTo(repo.resolve("ai").toAbsolutePath());
        assertThat(layout.contextMap()).isRegularFile();
    }

    @Test
    void rootWinsOverAi() throws Exception {
        Path repo = repo();
        touch(repo.resolve("context_map.yaml"));
        touch(repo.resolve("ai/context_map.yaml"));
        assertThat(LayoutLocator.locate(Optional.empty(), Optional.empty(), repo).home()).isEqualTo(repo.toAbsolutePath());
    }

    @Test
    void worktreeWithGitFileIsItsOwnTopLevel() throws Exception {
        Path wt = Files.createDirectories(tmp.resolve("wt"));
        Files.writeString(wt.resolve(".git"), "gitdir: /somewhere/.git/worktrees/wt\n");
        touch(wt.resolve("context_map.yaml"));
        assertThat(LayoutLocator.locate(Optional.empty(), Optional.empty(), wt).workspace()).isEqualTo(wt.toAbsolutePath());
    }

    @Test
    void flagsWinAndMayBeRelativeToCwd() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path home = Files.createDirectories(tmp.resolve("elsewhere"));

        Layout layout = LayoutLocator.locate(Optional.of(Path.of("ws")), Optional.of(Path.of("elsewhere")), tmp);

        assertThat(layout.workspace()).isEqualTo(ws.toAbsolutePath());
        assertThat(layout.home()).isEqualTo(home.toAbsolutePath());
    }

    @Test
    void workspaceFlagNeedNotBeARepository() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("plain"));
        touch(ws.resolve("ai/context_map.yaml"));
        assertThat(LayoutLocator.locate(Optional.of(ws), Optional.empty(), tmp).home()).isEqualTo(ws.resolve("ai"));
    }

    @Test
    void flagsToMissingDirectoriesAreErrors() throws Exception {
        Path repo = repo();
        ConfigException ws = catchThrowableOfType(ConfigException.class,
                () -> LayoutLocator.locate(Optional.of(tmp.resolve("gone")), Optional.empty(), repo));
        assertThat(ws.getMessage()).startsWith("--workspace: directory does not exist:").contains("gone");

        ConfigException home = catchThrowableOfType(ConfigException.class,
                () -> LayoutLocator.locate(Optional.empty(), Optional.of(Path.of("nohome")), repo));
        assertThat(home.getMessage()).startsWith("--home: directory does not exist:").contains("nohome");
    }

    @Test
    void notInsideARepository() {
        Assumptions.assumeTrue(LayoutLocator.gitTopLevel(tmp.toAbsolutePath()).isEmpty(),
                "the temp dir is inside a git checkout on this machine");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> LayoutLocator.locate(Optional.empty(), Optional.empty(), tmp));
        assertThat(e.getMessage()).contains("not inside a git repository").contains("--workspace DIR");
    }

    @Test
    void repositoryWithoutContextMapSaysWhereItLooked() throws Exception {
        Path repo = repo();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> LayoutLocator.locate(Optional.empty(), Optional.empty(), repo));
        assertThat(e.getMessage()).contains(repo.resolve("context_map.yaml").toString())
                .contains(repo.resolve("ai/context_map.yaml").toString()).contains("--home");
    }
}
