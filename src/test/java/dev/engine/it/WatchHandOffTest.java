package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acting on a running `engine watch` (issue 16 item 3): `engine reset` and `engine review
 * approve|reject` are handed to watch over state/control.sock and succeed, done between two stages
 * and never during an attempt, while a second engine that wants to converge still exits 3.
 */
class WatchHandOffTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    EngineWorkspace w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void resetAndReviewApproveSucceedWhileWatchRunsAndRunStillExitsThree() throws Exception {
        w = EngineWorkspace.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                    files: [conf/talos.yaml]
                """);
        w.script("stages/talos.sh", "grep -q 'ready: true' conf/talos.yaml || { echo 'error: talos not ready'; exit 1; }");
        w.write("conf/talos.yaml", "ready: false\n");
        w.commit();
        w.write("state/stage_status.json", "{\"talos\": \"give_up\"}\n");
        w.write("fix.diff", "--- a/conf/talos.yaml\n+++ b/conf/talos.yaml\n@@ -1 +1 @@\n-ready: false\n+ready: true\n");
        EngineProcess apply = w.runToEnd(WAIT, "patch", "apply", "fix.diff", "--stage", "talos");
        assertThat(apply.waitFor(WAIT)).as(apply.describe()).isZero();
        Files.delete(w.ws().resolve("fix.diff"));
        String sha = w.git("rev-parse", "ai/orchestrator-stage1");

        EngineProcess watch = w.start("watch", "--interval", "1h", "--listen", "127.0.0.1:0");
        Await.until(WAIT, "watch's first cycle", () -> watch.stdout().contains("talos: give_up"), watch::describe);
        Path socket = w.stateDir().resolve("control.sock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");

        EngineProcess reset = w.runToEnd(WAIT, "reset", "talos");
        assertThat(reset.waitFor(WAIT)).as(reset.describe()).isZero();
        assertThat(reset.stdout()).contains("talos: reset (was give_up");
        assertThat(reset.stderr()).contains("engine watch (pid " + watch.pid() + ") holds the lock");
        JsonNode audited = w.auditEvents("talos", "reset").get(0).path("details");
        assertThat(audited.path("via").asText()).isEqualTo("cli");
        // watch goes on at once with the stage reset (it slept for an hour otherwise), on the AI branch's fix
        w.awaitStatus("talos", "green", WAIT, watch);

        EngineProcess approve = w.runToEnd(WAIT, "review", "approve", sha.substring(0, 10));
        assertThat(approve.waitFor(WAIT)).as(approve.describe()).isZero();
        assertThat(approve.stdout()).contains("approved 1 commit(s): main is now " + sha.substring(0, 10));
        assertThat(w.git("rev-parse", "main")).isEqualTo(sha);
        assertThat(w.auditEvents("talos", "approved").get(0).path("details").path("via").asText()).isEqualTo("cli");

        EngineProcess run = w.runToEnd(WAIT, "run", "talos");
        assertThat(run.waitFor(WAIT)).as("two engines that both converge: still exit 3").isEqualTo(3);
        assertThat(run.stderr()).contains("pid " + watch.pid());

        watch.sigterm();
        assertThat(watch.waitFor(WAIT)).as(watch.describe()).isZero();
        assertThat(socket).as("watch removes its socket").doesNotExist();
        EngineProcess later = w.runToEnd(WAIT, "reset", "talos");
        assertThat(later.waitFor(WAIT)).as("without watch, reset takes the lock itself").isZero();
        assertThat(later.stderr()).doesNotContain("holds the lock");
    }

    @Test
    void aResetHandedInWhileAStageRunsWaitsForTheAttemptToEnd() throws Exception {
        w = EngineWorkspace.create(tmp, """
                stages:
                  slow:
                    command: "stages/slow.sh"
                """);
        w.script("stages/slow.sh", "echo working\nwhile [ ! -f \"$IT_DIR/release\" ]; do sleep 0.1; done\necho done");
        w.commit();
        EngineProcess watch = w.start("watch", "--interval", "1h", "--listen", "127.0.0.1:0");
        w.awaitStatus("slow", "running", WAIT, watch);

        EngineProcess reset = w.start("reset", "slow");
        Await.until(WAIT, "the reset to be handed to watch", () -> reset.stderr().contains("when stage slow ends"), reset::describe);
        Thread.sleep(1500); // time in which a reset done at once would have shown
        assertThat(reset.isAlive()).as("the reset waits: " + reset.describe()).isTrue();
        assertThat(w.status("slow")).isEqualTo("running");
        assertThat(w.auditEvents("slow", "reset")).isEmpty();

        Files.writeString(w.run().resolve("release"), "");
        assertThat(reset.waitFor(WAIT)).as(reset.describe()).isZero();
        assertThat(reset.stdout()).as("done after the attempt ended green").contains("slow: reset (was green");
        List<String> events = w.audit().stream().filter(e -> "slow".equals(e.path("stage").asText(null)))
                .map(e -> e.path("event").asText()).toList();
        assertThat(events.indexOf("reset")).isGreaterThan(events.indexOf("attempt_finished"));
        watch.sigterm();
        assertThat(watch.waitFor(WAIT)).as(watch.describe()).isZero();
    }
}
