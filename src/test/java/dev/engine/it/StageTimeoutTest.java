package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's {@code timeout} kills its whole process tree, including a grandchild that ignores
 * SIGTERM (only SIGKILL after the grace period gets it), and the attempt counts as a failure.
 */
class StageTimeoutTest {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    // timeout 2 s + 3 s grace before SIGKILL, plus a slow machine.
    private static final Duration EXIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    EngineWorkspace w;

    @BeforeEach
    void workspace() throws IOException {
        w = EngineWorkspace.create(tmp, """
                stages:
                  flux:
                    command: "stages/flux.sh"
                    timeout: 2s
                """);
        // `exec` keeps the recorded pid that of the sleep itself, which inherits the ignored SIGTERM.
        w.script("stages/flux.sh", """
                bash -c 'trap "" TERM; echo $$ > "$IT_DIR/stubborn.pid"; exec sleep 300' &
                echo $$ > "$IT_DIR/stage.pid"
                echo "waiting for flux to reconcile"
                sleep 300
                """);
        w.commit();
        // One failure is enough to give up (no API key, so no escalation): one attempt, one timeout.
        w.env("EXECUTOR_RETRY_THRESHOLD", "1");
    }

    @AfterEach
    void cleanUp() {
        w.close();
    }

    @Test
    void timeoutKillsTheTreeIncludingAGrandchildThatIgnoresSigterm() throws IOException {
        EngineProcess engine = w.start("run", "flux");
        long stubborn = w.awaitPid("stubborn.pid", STARTUP, engine);
        long stage = w.awaitPid("stage.pid", STARTUP, engine);

        assertThat(engine.waitFor(EXIT)).as(engine.describe()).isEqualTo(1);

        // The engine waited for the tree to die before writing the trailer; allow only for /proc catching up.
        Await.until(Duration.ofSeconds(10), "the SIGTERM-ignoring grandchild (pid " + stubborn + ") to be gone",
                () -> !Procs.alive(stubborn));
        Await.until(Duration.ofSeconds(10), "the stage script (pid " + stage + ") to be gone", () -> !Procs.alive(stage));

        assertThat(w.status("flux")).as(w.describeState()).isIn("failed", "give_up");
        assertThat(w.status("flux")).as("threshold 1 without escalation").isEqualTo("give_up");
        List<Path> logs = w.logs("flux");
        assertThat(logs).hasSize(1);
        List<String> lines = Files.readAllLines(logs.get(0)).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("log of the timed-out attempt").hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines.get(lines.size() - 2)).contains("timed out");
        assertThat(lines.get(lines.size() - 1)).contains("exit=timeout");
        assertThat(lines).contains("waiting for flux to reconcile");
        assertThat(w.auditEvents("flux", "attempt_finished")).singleElement()
                .satisfies(e -> assertThat(e.path("details").path("outcome").asText()).isEqualTo("timed_out"));
        assertThat(w.auditEvents("flux", "give_up")).hasSize(1);
    }

    /**
     * A stage may leave a background process behind (a port-forward, a log follower) that keeps the
     * output pipe open. The bash loop (`cmd > log 2>&1`) only waited for the command itself; the
     * engine must likewise end the attempt when the command exits, not wait for the pipe to close
     * until the timeout and then call a passing stage timed out.
     */
    @Test
    void aStageThatExitsZeroLeavingABackgroundChildPassesInsteadOfTimingOut() throws IOException {
        w.write("context_map.yaml", """
                stages:
                  ingress:
                    command: "stages/ingress.sh"
                    timeout: 15s
                """);
        w.script("stages/ingress.sh", """
                sleep 300 &
                echo $! > "$IT_DIR/portforward.pid"
                echo "port-forward started"
                exit 0
                """);
        w.commit();

        EngineProcess engine = w.start("run", "ingress");

        assertThat(engine.waitFor(EXIT)).as(engine.describe() + w.describeState()).isZero();
        assertThat(w.status("ingress")).isEqualTo("green");
        List<Path> logs = w.logs("ingress");
        assertThat(logs).hasSize(1);
        assertThat(SignalStopTest.lastLine(logs.get(0))).contains("exit=0");
        // the attempt owns its processes: the leftover is stopped, and the log says so
        assertThat(java.nio.file.Files.readString(logs.get(0))).contains("stopping the background processes it left running");
        long leftover = Procs.readPid(w.run().resolve("portforward.pid")).orElseThrow();
        Await.until(Duration.ofSeconds(10), "the background child (pid " + leftover + ") to be gone", () -> !Procs.alive(leftover));
    }
}
