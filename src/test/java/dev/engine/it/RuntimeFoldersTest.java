package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12: a repository that commits state/, logs/, escalations/ or patches/ as a symlink made
 * the engine write redaction.key, errors.json and the checkout wherever it pointed. The real CLI
 * must refuse with exit 2, name the folder and the fix, and write nothing anywhere first.
 */
class RuntimeFoldersTest {
    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    Path outside;
    EngineWorkspace w;

    @BeforeEach
    void workspace() throws IOException {
        outside = Files.createDirectories(tmp.resolve("outside"));
        w = EngineWorkspace.create(Files.createDirectories(tmp.resolve("lab")), """
                stages:
                  talos:
                    command: "talosctl health"
                """);
        w.fakeTool("talosctl", "echo healthy");
    }

    @AfterEach
    void cleanUp() {
        w.close();
    }

    private static long filesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).count();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"state", "logs", "escalations", "patches"})
    void a_committed_symlinked_runtime_folder_is_refused_before_anything_is_written(String folder) throws IOException {
        Files.createSymbolicLink(w.ws().resolve(folder), outside);
        w.commit();

        EngineProcess run = w.runToEnd(EXIT, "run", "talos");

        assertThat(run.waitFor(EXIT)).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr()).as(run.describe()).contains(folder + ": is a symlink (to " + outside + ")").contains("rm ")
                .contains("git rm --cached " + folder).contains(folder + "/` to .gitignore");
        assertThat(filesUnder(outside)).as("nothing written through the link").isZero();
        assertThat(w.ws().resolve("state")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(Files.isSymbolicLink(p)).isTrue());
        for (String other : new String[] {"status", "review"}) {
            EngineProcess p = w.runToEnd(EXIT, other);
            assertThat(p.waitFor(EXIT)).as(p.describe()).isEqualTo(2);
        }
        assertThat(filesUnder(outside)).isZero();
    }

    @Test
    void a_symlink_planted_inside_state_or_logs_is_refused_too() throws IOException {
        Files.createDirectories(w.ws().resolve("state"));
        Files.createSymbolicLink(w.ws().resolve("state/redaction.key"), outside.resolve("key"));
        Files.createSymbolicLink(w.ws().resolve("state/audit.jsonl"), outside.resolve("audit.jsonl"));
        Files.createDirectories(w.ws().resolve("logs"));
        Files.createSymbolicLink(w.ws().resolve("logs/talos"), outside);
        w.commit();

        EngineProcess run = w.runToEnd(EXIT, "run", "talos");

        assertThat(run.waitFor(EXIT)).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr()).contains("state/redaction.key: is a symlink").contains("state/audit.jsonl: is a symlink")
                .contains("logs/talos: is a symlink");
        assertThat(filesUnder(outside)).isZero();
        assertThat(w.ws().resolve("state/engine.lock")).doesNotExist();
    }

    @Test
    void real_runtime_folders_work_as_before() {
        w.commit();
        EngineProcess run = w.runToEnd(EXIT, "run", "talos");
        assertThat(run.waitFor(EXIT)).as(run.describe()).isZero();
        assertThat(w.stateDir().resolve("redaction.key")).isRegularFile();
        assertThat(w.status("talos")).isEqualTo("green");
    }
}
