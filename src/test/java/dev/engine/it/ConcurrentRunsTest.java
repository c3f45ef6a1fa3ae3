package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines on one home: the lock on state/engine.lock must turn the second away with exit 3
 * and the holder's pid, without disturbing the first, and must be free again once it ends.
 */
class ConcurrentRunsTest {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    EngineWorkspace w;

    @BeforeEach
    void workspace() throws IOException {
        w = EngineWorkspace.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                    success_checks:
                      - "kubectl get nodes"
                """);
        w.script("stages/talos.sh", """
                set -euo pipefail
                echo "bootstrapping control plane"
                talosctl bootstrap
                echo "cluster healthy"
                """);
        // A bootstrap that blocks until the test says so: engine A stays inside the stage as long as needed.
        w.fakeTool("talosctl", """
                echo $$ > "$IT_DIR/talosctl.pid"
                while [ ! -e "$IT_DIR/release" ]; do sleep 0.1; done
                echo "bootstrap done"
                """);
        w.fakeTool("kubectl", "echo 'cp-1   Ready    control-plane   1m   v1.30.0'");
        w.commit();
    }

    @AfterEach
    void cleanUp() {
        w.close();
    }

    @Test
    void secondRunIsRefusedWithExitThreeNamingTheHolderWhileTheFirstCarriesOnUnharmed() throws IOException {
        EngineProcess a = w.start("run", "talos");
        w.awaitStatus("talos", "running", STARTUP, a);
        long talosctl = w.awaitPid("talosctl.pid", STARTUP, a);

        EngineProcess b = w.runToEnd(EXIT, "run", "talos");

        assertThat(b.waitFor(EXIT)).as(b.describe()).isEqualTo(3);
        assertThat(b.stderr()).as(b.describe()).contains("pid " + a.pid());
        // B was turned away before doing anything: A's run is the only one in the trail, its stage is
        // still running (B must not "recover" a stage another engine is busy with) and its command lives on.
        assertThat(a.isAlive()).as(a.describe()).isTrue();
        assertThat(Procs.alive(talosctl)).as("A's stage command still running").isTrue();
        assertThat(w.status("talos")).isEqualTo("running");
        assertThat(w.audit()).filteredOn(e -> e.path("event").asText().equals("run_started")).hasSize(1);
        assertThat(w.auditEvents("talos", "recovered")).isEmpty();
        assertThat(w.auditEvents("talos", "attempt_started")).hasSize(1);

        Files.createFile(w.run().resolve("release"));

        assertThat(a.waitFor(EXIT)).as(a.describe()).isZero();
        assertThat(a.stdout()).contains("talos: green");
        assertThat(w.status("talos")).isEqualTo("green");

        // The lock went with A: a third engine gets it and converges again.
        EngineProcess c = w.runToEnd(EXIT, "run", "talos");
        assertThat(c.waitFor(EXIT)).as(c.describe()).isZero();
        assertThat(w.auditEvents("talos", "green")).hasSize(2);
    }

    @Test
    void statusWorksButResetIsRefusedWhileAnotherEngineHoldsTheLock() throws IOException {
        EngineProcess a = w.start("run", "talos");
        w.awaitStatus("talos", "running", STARTUP, a);

        EngineProcess status = w.runToEnd(EXIT, "status");

        assertThat(status.waitFor(EXIT)).as(status.describe()).isZero();
        assertThat(status.stdout()).as(status.describe())
                .containsPattern("(?m)^talos\\s+running\\b")
                .contains("engine busy: pid " + a.pid());

        EngineProcess json = w.runToEnd(EXIT, "status", "--json");
        assertThat(json.waitFor(EXIT)).as(json.describe()).isZero();
        assertThat(EngineWorkspace.JSON.readTree(json.stdout()).isObject()).as(json.describe()).isTrue();

        // reset writes state, so it needs the lock like run does; it must not pull the stage from under A.
        EngineProcess reset = w.runToEnd(EXIT, "reset", "talos");
        assertThat(reset.waitFor(EXIT)).as(reset.describe()).isEqualTo(3);
        assertThat(reset.stderr()).as(reset.describe()).contains("pid " + a.pid());
        assertThat(w.status("talos")).isEqualTo("running");
        assertThat(w.auditEvents("talos", "reset")).isEmpty();

        Files.createFile(w.run().resolve("release"));
        assertThat(a.waitFor(EXIT)).as(a.describe()).isZero();
        // status must never have taken the lock for itself or changed state: A finished normally.
        assertThat(w.status("talos")).isEqualTo("green");
    }
}
