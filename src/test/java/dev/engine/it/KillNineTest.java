package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 gives the engine no chance to tidy up, so what it leaves must already be consistent:
 * state files are replaced atomically, audit lines are whole, the OS drops the lock with the
 * process, and the next engine recovers a stage the dead one left {@code running}.
 */
class KillNineTest {
    private static final int ROUNDS = 8;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    EngineWorkspace w;

    @BeforeEach
    void workspace() throws IOException {
        w = EngineWorkspace.create(tmp, """
                stages:
                  flaky:
                    command: "talosctl health"
                  hang:
                    command: "stages/hang.sh"
                  ok:
                    command: "true"
                """);
        // Always the same output, so every failure has the same fingerprint and one errors.json entry counts them all.
        w.fakeTool("talosctl", """
                echo "error: rpc error: code = Unavailable desc = connection refused" >&2
                exit 1
                """);
        w.script("stages/hang.sh", """
                echo "waiting for the API server"
                exec sleep 300 &
                echo $! > "$IT_DIR/hang.pid"
                wait
                """);
        w.commit();
        // Never give up, never stop: the engine loops attempt after attempt, writing state as fast as it can.
        w.env("EXECUTOR_RETRY_THRESHOLD", "1000000").env("MAX_ATTEMPTS_PER_RUN", "1000000");
    }

    @AfterEach
    void cleanUp() {
        w.close();
    }

    @Test
    void killNineAtRandomMomentsLeavesReadableConsistentStateAndAFreeLock() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String seedNote = "random seed " + seed;
        Drift previous = new Drift(0, 0);
        int killedWhileRunning = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            String where = seedNote + ", round " + round;
            long auditBefore = size(w.stateDir().resolve("audit.jsonl"));
            EngineProcess engine = w.start("run", "flaky");
            // JVM start-up time varies a lot on a shared box, so the random delay counts from the moment this
            // engine has written to the trail (it holds the lock and is looping), not from the process start.
            Await.until(STARTUP, "the engine to start its run (" + where + ")",
                    () -> size(w.stateDir().resolve("audit.jsonl")) > auditBefore, engine::describe);
            Await.sleep(Duration.ofMillis(random.nextInt(1000)));
            assertThat(engine.isAlive()).as("engine still looping before the kill (%s)\n%s", where, engine.describe()).isTrue();

            engine.kill9();

            assertEveryStateFileIsAWholeJsonObject(where);
            List<JsonNode> audit = parseEveryAuditLine(where);
            Drift now = drift(audit, where);
            // The engine writes errors.json (attempts+1) and only then appends the `fingerprint` event, and
            // stage_info.json (attempt counter+1) before `attempt_started`. A kill between the two writes leaves
            // the counter one ahead of the trail, never behind, so each kill may add at most one to the gap.
            assertThat(now.attempts - previous.attempts).as("errors.json attempts minus fingerprint events, growth in %s\n%s",
                    where, w.describeState()).isBetween(0, 1);
            assertThat(now.counter - previous.counter).as("attempt counter minus attempt_started events, growth in %s\n%s",
                    where, w.describeState()).isBetween(0, 1);
            previous = now;

            boolean leftRunning = w.status("flaky").equals("running");
            killedWhileRunning += leftRunning ? 1 : 0;
            int recoveredBefore = w.auditEvents("flaky", "recovered").size();

            // A different stage, so flaky's counters are not cleared by a green; taking the lock proves it was freed.
            EngineProcess next = w.runToEnd(EXIT, "run", "ok");
            assertThat(next.waitFor(EXIT)).as("run after the kill (%s)\n%s", where, next.describe()).isZero();
            assertThat(w.status("ok")).isEqualTo("green");
            assertThat(w.status("flaky")).as(where).isNotEqualTo("running");
            assertThat(w.auditEvents("flaky", "recovered")).as("recovered events after %s", where)
                    .hasSize(recoveredBefore + (leftRunning ? 1 : 0));
            if (leftRunning) {
                assertThat(w.status("flaky")).as(where).isEqualTo("failed");
            }
        }
        // Temp files of interrupted atomic writes may be left behind; they must not stop `status` from reading the home.
        EngineProcess status = w.runToEnd(EXIT, "status", "--json");
        assertThat(status.waitFor(EXIT)).as(status.describe()).isZero();
        System.out.println("kill -9: " + ROUNDS + " rounds, " + killedWhileRunning + " while flaky was running; "
                + seedNote + "; leftover temp files: " + tempFiles());
    }

    @Test
    void aStageLeftRunningByAKilledEngineIsRecoveredAsFailedByTheNextOne() throws IOException {
        EngineProcess engine = w.start("run", "hang");
        w.awaitPid("hang.pid", STARTUP, engine);
        w.awaitStatus("hang", "running", STARTUP, engine);

        engine.kill9();
        assertThat(w.status("hang")).as("nobody was left to record the end of the attempt").isEqualTo("running");

        EngineProcess next = w.runToEnd(EXIT, "run", "ok");

        assertThat(next.waitFor(EXIT)).as(next.describe()).isZero();
        assertThat(w.status("hang")).isEqualTo("failed");
        assertThat(w.auditEvents("hang", "recovered")).singleElement()
                .satisfies(e -> assertThat(e.path("details").path("previous_status").asText()).isEqualTo("running"));
        assertThat(w.stateFile("stage_info.json").path("hang").path("reason").asText()).contains("stopped before the attempt ended");
        // Recovery is not a failure of the stage: nothing is counted against a fingerprint.
        assertThat(w.stateFile("errors.json").size()).isZero();

        EngineProcess status = w.runToEnd(EXIT, "status");
        assertThat(status.waitFor(EXIT)).as(status.describe()).isZero();
        assertThat(status.stdout()).containsPattern("(?m)^hang\\s+failed\\b").contains("stopped before the attempt ended");
    }

    // ---- checks ------------------------------------------------------------------------------

    /** Gaps between counters in state files and the matching events in the trail. */
    private record Drift(int attempts, int counter) {}

    private void assertEveryStateFileIsAWholeJsonObject(String where) throws IOException {
        try (Stream<Path> files = Files.list(w.stateDir())) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    JsonNode node = EngineWorkspace.JSON.readTree(f.toFile());
                    assertThat(node).as("%s is a JSON object (%s)", f.getFileName(), where).isNotNull();
                    assertThat(node.isObject()).as("%s is a JSON object (%s): %s", f.getFileName(), where, node).isTrue();
                } catch (IOException e) {
                    fail(f.getFileName() + " is not valid JSON after kill -9 (" + where + "): " + e.getMessage()
                            + "\n" + Files.readString(f, StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(w.stateFile("stage_status.json").properties())
                .allSatisfy(e -> assertThat(e.getValue().asText()).isIn("idle", "running", "green", "failed", "give_up"));
    }

    private List<JsonNode> parseEveryAuditLine(String where) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        List<String> lines = Files.readAllLines(w.stateDir().resolve("audit.jsonl"), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            try {
                JsonNode e = EngineWorkspace.JSON.readTree(lines.get(i));
                assertThat(e != null && e.isObject() && e.hasNonNull("event"))
                        .as("audit line %d is an event (%s): %s", i + 1, where, lines.get(i)).isTrue();
                events.add(e);
            } catch (IOException ex) {
                fail("audit line " + (i + 1) + " is not JSON after kill -9 (" + where + "): " + lines.get(i));
            }
        }
        return events;
    }

    /**
     * For each fingerprint of flaky, errors.json's attempts minus the `fingerprint` events naming it
     * (each must be &gt;= 0: an event is only written after its count), summed; and the same for
     * stage_info.json's attempt counter against `attempt_started` events.
     */
    private Drift drift(List<JsonNode> audit, String where) {
        Map<String, Integer> events = new HashMap<>();
        int started = 0;
        for (JsonNode e : audit) {
            if (!"flaky".equals(e.path("stage").asText(null))) {
                continue;
            }
            switch (e.path("event").asText()) {
                case "fingerprint" -> events.merge(e.path("details").path("fingerprint").asText(), 1, Integer::sum);
                case "attempt_started" -> started++;
                default -> { }
            }
        }
        int attemptsGap = 0;
        for (Map.Entry<String, JsonNode> entry : w.stateFile("errors.json").properties()) {
            if (!entry.getKey().startsWith("flaky_")) {
                continue;
            }
            String fp = entry.getKey().substring("flaky_".length());
            int attempts = entry.getValue().path("attempts").asInt();
            int seen = events.getOrDefault(fp, 0);
            assertThat(attempts).as("errors.json attempts of %s vs its fingerprint events (%s)", fp, where)
                    .isGreaterThanOrEqualTo(seen);
            attemptsGap += attempts - seen;
            events.remove(fp);
        }
        assertThat(events).as("fingerprint events without an errors.json entry (%s)", where).isEmpty();
        int counter = w.stateFile("stage_info.json").path("flaky").path("attempt_counter").asInt(0);
        assertThat(counter).as("attempt counter vs attempt_started events (%s)", where).isGreaterThanOrEqualTo(started);
        return new Drift(attemptsGap, counter - started);
    }

    private List<String> tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(w.stateDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).sorted().toList();
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
