package dev.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path dir;

    @Test
    void reads_the_bash_loops_state_and_keeps_its_unknown_fields() throws Exception {
        Files.writeString(dir.resolve("stage_status.json"), "{\"vms\": \"green\", \"talos\": \"give_up\"}");
        Files.writeString(dir.resolve("errors.json"), """
                {"talos_5f3a9c": {"attempts": 4, "api_calls": 3, "last_source": "api",
                                  "last_transition": "2025-11-02T10:00:00Z", "last_error_tail": "etcd not ready"}}
                """);
        StateStore store = new StateStore(dir);
        assertThat(store.statuses()).containsEntry("vms", StageStatus.GREEN).containsEntry("talos", StageStatus.GIVE_UP);
        ErrorRecord r = store.errorsOf("talos", List.of("vms", "talos")).get("talos_5f3a9c");
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.apiCalls()).isEqualTo(3);

        store.updateError("talos", "5f3a9c", "2026-01-01T00:00:00Z", e -> e.withFailure("2026-01-01T00:00:00Z", "logs/x.log"));

        JsonNode written = new ObjectMapper().readTree(dir.resolve("errors.json").toFile()).get("talos_5f3a9c");
        assertThat(written.get("attempts").asInt()).isEqualTo(5);
        assertThat(written.get("api_calls").asInt()).isEqualTo(3);
        assertThat(written.get("last_source").asText()).isEqualTo("api");
        assertThat(written.get("last_error_tail").asText()).isEqualTo("etcd not ready");
    }

    @Test
    void an_unknown_status_is_an_error_naming_file_stage_and_value() throws Exception {
        Files.writeString(dir.resolve("stage_status.json"), "{\"talos\": \"gren\"}");
        assertThatThrownBy(() -> new StateStore(dir).statuses())
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("stage_status.json").hasMessageContaining("talos").hasMessageContaining("gren");
    }

    @Test
    void corrupt_json_is_reported_with_its_position_and_never_overwritten() throws Exception {
        Files.writeString(dir.resolve("errors.json"), "{\"talos_1\": {\"attempts\": 1,,}");
        StateStore store = new StateStore(dir);
        assertThatThrownBy(() -> store.updateError("talos", "1", "now", e -> e))
                .isInstanceOf(StateFileException.class).hasMessageContaining("line 1");
        assertThat(Files.readString(dir.resolve("errors.json"))).isEqualTo("{\"talos_1\": {\"attempts\": 1,,}");
    }

    @Test
    void an_update_that_changes_nothing_leaves_the_file_in_place_and_a_change_replaces_it() throws Exception {
        StateStore store = new StateStore(dir);
        store.setStatus("vms", StageStatus.GREEN);
        store.updateInfo("vms", i -> i.withReason("boom"));
        Object statusFile = Files.readAttributes(dir.resolve("stage_status.json"), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Object infoFile = Files.readAttributes(dir.resolve("stage_info.json"), java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        store.setStatus("vms", StageStatus.GREEN);
        store.updateInfo("vms", i -> i.withReason("boom"));
        assertThat(Files.readAttributes(dir.resolve("stage_status.json"), java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .as("same content: not replaced").isEqualTo(statusFile);
        assertThat(Files.readAttributes(dir.resolve("stage_info.json"), java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .isEqualTo(infoFile);

        store.setStatus("vms", StageStatus.FAILED);
        assertThat(Files.readAttributes(dir.resolve("stage_status.json"), java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .as("a change is a new file renamed over the old").isNotEqualTo(statusFile);
        assertThat(store.status("vms")).isEqualTo(StageStatus.FAILED);
    }

    @Test
    void writes_leave_no_temporary_files_and_keep_stage_order() throws Exception {
        StateStore store = new StateStore(dir);
        store.setStatus("vms", StageStatus.GREEN);
        store.setStatus("talos", StageStatus.RUNNING);
        store.setStatus("infra", StageStatus.IDLE);
        store.setStatus("talos", StageStatus.FAILED);
        assertThat(store.statuses().keySet()).containsExactly("vms", "talos", "infra");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("stage_status.json");
        }
    }

    @Test
    void errors_of_a_stage_do_not_include_a_longer_stage_name_sharing_its_prefix() throws Exception {
        StateStore store = new StateStore(dir);
        Files.writeString(dir.resolve("errors.json"), "{\"app_aaa\": {\"attempts\": 1}, \"app_x_bbb\": {\"attempts\": 2}}");
        List<String> stages = List.of("app", "app_x");
        assertThat(store.errorsOf("app", stages)).containsOnlyKeys("app_aaa");
        assertThat(store.errorsOf("app_x", stages)).containsOnlyKeys("app_x_bbb");
        assertThat(store.clearErrors("app", stages)).isEqualTo(1);
        assertThat(store.errors()).containsOnlyKeys("app_x_bbb");
    }

    @Test
    void the_same_process_cannot_take_the_lock_twice_and_the_message_names_the_holder() throws Exception {
        try (EngineLock first = EngineLock.acquire(dir, "engine run talos")) {
            assertThat(EngineLock.isHeld(dir)).isTrue();
            assertThatThrownBy(() -> EngineLock.acquire(dir, "engine run vms"))
                    .isInstanceOf(LockHeldException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("engine run talos");
        }
        assertThat(EngineLock.isHeld(dir)).isFalse();
        try (EngineLock again = EngineLock.acquire(dir, "engine run vms")) {
            assertThat(again.file()).exists();
        }
    }
}
