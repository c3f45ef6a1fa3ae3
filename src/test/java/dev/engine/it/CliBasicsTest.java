package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI surface as a user's shell sees it: a real JVM, its exit code and its output.
 * The {@code ./engine} launcher script itself is not driven here, because it builds the jar with
 * Maven on first use and a test must not start a nested build; it only execs this same Main.
 */
class CliBasicsTest {
    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    EngineWorkspace w;

    @BeforeEach
    void workspace() throws IOException {
        w = EngineWorkspace.create(tmp, """
                stages:
                  talos:
                    command: "talosctl version"
                """);
        w.fakeTool("talosctl", "echo 'Tag: v1.7.0'");
        w.commit();
    }

    @AfterEach
    void cleanUp() {
        w.close();
    }

    @Test
    void versionExitsZeroAndNamesTheEngine() {
        EngineProcess p = w.runToEnd(EXIT, "--version");

        assertThat(p.waitFor(EXIT)).as(p.describe()).isZero();
        assertThat(p.stdout()).as(p.describe()).startsWith("engine ").contains("java ");
    }

    @Test
    void helpExitsZeroAndListsTheCommandsAndExitCodes() {
        EngineProcess p = w.runToEnd(EXIT, "--help");

        assertThat(p.waitFor(EXIT)).as(p.describe()).isZero();
        assertThat(p.stdout()).as(p.describe())
                .contains("Usage: engine")
                .containsPattern("(?m)^\\s+run\\b")
                .containsPattern("(?m)^\\s+status\\b")
                .containsPattern("(?m)^\\s+reset\\b")
                .contains("Exit codes:");
    }

    @Test
    void runHelpExitsZeroWithoutTouchingState() {
        EngineProcess p = w.runToEnd(EXIT, "run", "--help");

        assertThat(p.waitFor(EXIT)).as(p.describe()).isZero();
        assertThat(p.stdout()).as(p.describe()).contains("Usage: engine run");
        // --help must not take the lock or start a run: nothing is written to the home.
        assertThat(w.stateDir()).doesNotExist();
    }

    @Test
    void unknownSubcommandIsAUsageErrorWithExitTwo() {
        EngineProcess p = w.runToEnd(EXIT, "frobnicate");

        assertThat(p.waitFor(EXIT)).as(p.describe()).isEqualTo(2);
        assertThat(p.stderr()).as(p.describe()).contains("frobnicate");
    }

    @Test
    void runOfAStageNotInTheContextMapIsAConfigurationErrorWithExitTwo() {
        EngineProcess p = w.runToEnd(EXIT, "run", "no-such-stage");

        assertThat(p.waitFor(EXIT)).as(p.describe()).isEqualTo(2);
        assertThat(p.stderr()).as(p.describe()).contains("no-such-stage");
        assertThat(w.auditEvents("no-such-stage", "attempt_started")).isEmpty();
    }

    @Test
    void runOfAPassingStageExitsZeroAndRecordsGreen() {
        EngineProcess p = w.runToEnd(EXIT, "run", "talos");

        assertThat(p.waitFor(EXIT)).as(p.describe()).isZero();
        assertThat(w.status("talos")).isEqualTo("green");
        assertThat(w.logs("talos")).hasSize(1);
        assertThat(w.auditEvents("talos", "green")).hasSize(1);
    }
}
