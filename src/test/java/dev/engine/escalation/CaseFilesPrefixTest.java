package dev.engine.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-name prefixes of escalations and executor attempts: a second one in the same second never overwrites the first. */
class CaseFilesPrefixTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T06:30:00Z"), ZoneOffset.UTC);

    private CaseFiles escalations() {
        return new CaseFiles(dir.resolve("escalations"), clock);
    }

    private CaseFiles in(Path folder) {
        return new CaseFiles(folder, clock);
    }

    @Test
    void a_second_executor_attempt_in_the_same_second_gets_its_own_name_instead_of_overwriting_the_first() throws Exception {
        Path patches = dir.resolve("patches");
        Files.createDirectories(patches);
        String first = in(patches).newPrefix("talos", "_attempt1", "_bundle.md");
        assertThat(first).isEqualTo("talos_20261205-063000_attempt1");
        Files.writeString(patches.resolve(first + "_bundle.md"), "first bundle");

        String second = in(patches).newPrefix("talos", "_attempt1", "_bundle.md");
        assertThat(second).isEqualTo("talos_20261205-063000_attempt1-2");
        Files.writeString(patches.resolve(second + "_bundle.md"), "second bundle");

        assertThat(in(patches).newPrefix("talos", "_attempt1", "_bundle.md")).isEqualTo("talos_20261205-063000_attempt1-3");
        assertThat(in(patches).newPrefix("talos", "_attempt2", "_bundle.md")).isEqualTo("talos_20261205-063000_attempt2");
        assertThat(patches.resolve(first + "_bundle.md")).hasContent("first bundle");
    }

    @Test
    void escalations_count_up_the_same_way_and_a_missing_folder_is_no_collision() throws Exception {
        assertThat(escalations().newPrefix("vms")).isEqualTo("vms_20261205-063000");
        Files.createDirectories(dir.resolve("escalations"));
        Files.writeString(dir.resolve("escalations/vms_20261205-063000_case_v1.md"), "sent");
        assertThat(escalations().newPrefix("vms")).isEqualTo("vms_20261205-063000-2");
        assertThat(in(dir.resolve("not-yet")).newPrefix("vms", "_attempt3", "_bundle.md")).isEqualTo("vms_20261205-063000_attempt3");
    }
}
