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
 * A killed engine leaves its stage command running in its own session. The next engine must stop
 * it before converging again, or two copies of a stage (two cluster bootstraps) run at once.
 */
class OrphanRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    EngineWorkspace w;

    @BeforeEach
    void workspace() throws IOException {
        w = EngineWorkspace.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                  ok:
                    command: "true"
                """);
        w.script("stages/talos.sh", """
                sleep 300 &
                echo $! > "$IT_DIR/orphan.pid"
                wait
                """);
        w.commit();
    }

    @AfterEach
    void cleanUp() {
        w.close();
    }

    private String recordedGroup() {
        try {
            com.fasterxml.jackson.databind.JsonNode n = EngineWorkspace.JSON.readTree(w.stateDir().resolve("stage_info.json").toFile())
                    .path("talos").path("process_group");
            return n.isMissingNode() || n.isNull() ? null : n.asText();
        } catch (IOException e) {
            return null; // not written yet
        }
    }

    @Test
    void the_next_engine_stops_the_stage_processes_a_killed_engine_left_running() {
        EngineProcess first = w.start("run", "talos");
        long orphan = w.awaitPid("orphan.pid", WAIT, first);
        w.awaitStatus("talos", "running", WAIT, first);
        // the engine records the stage's process group just after starting it; kill it only once that is on disk
        Await.until(WAIT, "the stage's process group to be recorded", () -> recordedGroup() != null);
        first.kill9();
        first.waitFor(WAIT);
        assertThat(Procs.alive(orphan)).as("the stage survives its engine's kill -9").isTrue();

        EngineProcess second = w.runToEnd(WAIT, "run", "ok");

        assertThat(second.waitFor(WAIT)).as(second.describe()).isZero();
        Await.until(Duration.ofSeconds(10), "the orphaned stage process " + orphan + " to be stopped", () -> !Procs.alive(orphan));
        assertThat(w.auditEvents("talos", "orphans_stopped")).hasSize(1);
        assertThat(w.auditEvents("talos", "recovered")).hasSize(1);
        assertThat(w.status("talos")).isEqualTo("failed");
    }
}
