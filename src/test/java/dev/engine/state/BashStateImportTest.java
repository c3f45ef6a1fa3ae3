package dev.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine adopt's state half: the bash loop's files made whole, nothing dropped. */
class BashStateImportTest {
    static final List<String> STAGES = List.of("vms", "talos", "apps", "apps_extra");

    @TempDir
    Path home;
    StateStore state;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(home.resolve("state"));
        // As the bash loop's update_error_state wrote them: json.dump(indent=2), no stage or fingerprint fields.
        Files.writeString(home.resolve("state/errors.json"), """
                {
                  "talos_5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d": {
                    "attempts": 5,
                    "api_calls": 3,
                    "last_source": "api",
                    "last_transition": "2025-10-01T12:30:00Z"
                  },
                  "talos_0aa1bb2cc3dd4ee5ff6a7b8c9d0e1f2a": {
                    "attempts": 2,
                    "api_calls": 0,
                    "last_source": "executor",
                    "last_transition": "2025-10-01T11:00:00Z"
                  },
                  "apps_extra_9c8b7a6d5e4f3a2b1c0d9e8f7a6b5c4d": {
                    "attempts": 1,
                    "api_calls": 0,
                    "last_source": "none",
                    "last_transition": ""
                  },
                  "k3s_1111222233334444555566667777aaaa": {
                    "attempts": 3,
                    "api_calls": 1,
                    "last_source": "api",
                    "last_transition": "2025-09-01T10:00:00Z",
                    "note": "from the v1 loop"
                  }
                }
                """);
        Files.writeString(home.resolve("state/stage_status.json"), """
                {
                  "vms": "green",
                  "talos": "give_up",
                  "apps": "idle",
                  "apps_extra": "failed"
                }
                """);
        Path logs = Files.createDirectories(home.resolve("logs/talos"));
        Files.writeString(logs.resolve("talos_20251001-122900_attempt4.log"), "x\n");
        Files.writeString(logs.resolve("talos_20251001-123000_attempt5.log"), "x\n");
        Files.writeString(logs.resolve("notes.txt"), "not a log\n");
        Path extra = Files.createDirectories(home.resolve("logs/apps_extra"));
        Files.writeString(extra.resolve("apps_extra_20251002-080000_attempt1.log"), "x\n");
        Files.setLastModifiedTime(extra.resolve("apps_extra_20251002-080000_attempt1.log"),
                FileTime.from(Instant.parse("2025-10-02T08:00:05Z")));
        state = new StateStore(home.resolve("state"));
    }

    @Test
    void thePlanCompletesEveryEntryAndRecordsEachStageTheBashLoopRan() throws Exception {
        BashStateImport.Plan plan = BashStateImport.plan(state, STAGES, home, 3);

        assertThat(plan.identities()).extracting(BashStateImport.Identity::key, BashStateImport.Identity::stage)
                .containsExactly(
                        tuple("talos_5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d", "talos"),
                        tuple("talos_0aa1bb2cc3dd4ee5ff6a7b8c9d0e1f2a", "talos"),
                        tuple("apps_extra_9c8b7a6d5e4f3a2b1c0d9e8f7a6b5c4d", "apps_extra"));
        assertThat(plan.unowned()).containsExactly("k3s_1111222233334444555566667777aaaa");
        assertThat(plan.stages()).extracting(BashStateImport.StageFill::stage).containsExactly("talos", "apps_extra");

        BashStateImport.StageFill talos = plan.stages().get(0);
        assertThat(talos.fingerprint()).isEqualTo("5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d");
        assertThat(talos.lastRun()).isEqualTo("2025-10-01T12:30:00Z");
        assertThat(talos.lastLog()).isEqualTo("logs/talos/talos_20251001-123000_attempt5.log");
        assertThat(talos.attemptLogs()).isEqualTo(2);
        assertThat(talos.reason()).isEqualTo("given up by the bash loop: API call budget spent for failure 5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d"
                + " (3/3 calls); `engine reset talos` once a human has looked");
        BashStateImport.StageFill extra = plan.stages().get(1);
        assertThat(extra.lastRun()).as("no last_transition: the log's time").isEqualTo("2025-10-02T08:00:05Z");
        assertThat(extra.reason()).startsWith("failed under the bash loop (failure 9c8b7a6d5e4f3a2b1c0d9e8f7a6b5c4d, 1 attempt(s)");
        assertThat(state.infos()).as("planning writes nothing").isEmpty();
    }

    @Test
    void applyingKeepsEveryCountAndFieldAndTheEngineThenReadsTheSameNumbers() throws Exception {
        String before = Files.readString(home.resolve("state/stage_status.json"));
        BashStateImport.apply(state, BashStateImport.plan(state, STAGES, home, 3), "2026-12-06T10:00:00Z");

        JsonNode errors = new ObjectMapper().readTree(home.resolve("state/errors.json").toFile());
        assertThat(errors.size()).isEqualTo(4);
        JsonNode spent = errors.get("talos_5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d");
        assertThat(spent.get("stage").asText()).isEqualTo("talos");
        assertThat(spent.get("fingerprint").asText()).isEqualTo("5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d");
        assertThat(spent.get("attempts").asInt()).isEqualTo(5);
        assertThat(spent.get("api_calls").asInt()).isEqualTo(3);
        assertThat(spent.get("last_transition").asText()).isEqualTo("2025-10-01T12:30:00Z");
        assertThat(errors.get("apps_extra_9c8b7a6d5e4f3a2b1c0d9e8f7a6b5c4d").get("stage").asText()).isEqualTo("apps_extra");
        assertThat(errors.get("k3s_1111222233334444555566667777aaaa").toString()).as("an unknown stage's entry is left alone")
                .isEqualTo("{\"attempts\":3,\"api_calls\":1,\"last_source\":\"api\",\"last_transition\":\"2025-09-01T10:00:00Z\",\"note\":\"from the v1 loop\"}");
        assertThat(Files.readString(home.resolve("state/stage_status.json"))).as("statuses stay the bash loop's").isEqualTo(before);

        StageInfo talos = state.info("talos");
        assertThat(talos.lastFingerprint()).isEqualTo("5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d");
        assertThat(talos.attemptCounter()).isEqualTo(2);
        assertThat(talos.reason()).contains("API call budget spent");
        assertThat(state.status("talos")).isEqualTo(StageStatus.GIVE_UP);
        // Per-fingerprint and per-stage counts, as the call budget reads them.
        assertThat(state.errorsOf("talos", STAGES).values().stream().filter(r -> "5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d".equals(r.fingerprint()))
                .mapToInt(ErrorRecord::apiCalls).sum()).isEqualTo(3);
        assertThat(state.errorsOf("apps", STAGES)).as("apps_extra's entry is not apps'").isEmpty();

        assertThat(BashStateImport.plan(state, STAGES, home, 3).nothingToDo()).as("a second adopt has nothing left").isTrue();
    }

    @Test
    void aStageTheEngineHasRunKeepsItsOwnRecord() throws Exception {
        state.updateInfo("talos", i -> i.withReason("the engine's own"));
        BashStateImport.Plan plan = BashStateImport.plan(state, STAGES, home, 3);
        assertThat(plan.stages()).extracting(BashStateImport.StageFill::stage).containsExactly("apps_extra");
        BashStateImport.apply(state, plan, "2026-12-06T10:00:00Z");
        assertThat(state.info("talos").reason()).isEqualTo("the engine's own");
    }
}
