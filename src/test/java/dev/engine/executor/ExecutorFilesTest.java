package dev.engine.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorFilesTest {
    @TempDir
    Path patches;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T06:30:00Z"), ZoneOffset.UTC);

    @Test
    void a_second_attempt_in_the_same_second_gets_its_own_name_instead_of_overwriting_the_first() throws Exception {
        String first = ExecutorFiles.prefix(patches, "talos", clock, 1);
        assertThat(first).isEqualTo("talos_20261205-063000_attempt1");
        Files.writeString(patches.resolve(first + "_bundle.md"), "first bundle");

        String second = ExecutorFiles.prefix(patches, "talos", clock, 1);
        assertThat(second).isEqualTo("talos_20261205-063000_attempt1-2");
        Files.writeString(patches.resolve(second + "_bundle.md"), "second bundle");

        assertThat(ExecutorFiles.prefix(patches, "talos", clock, 1)).isEqualTo("talos_20261205-063000_attempt1-3");
        assertThat(ExecutorFiles.prefix(patches, "talos", clock, 2)).isEqualTo("talos_20261205-063000_attempt2");
        assertThat(patches.resolve(first + "_bundle.md")).hasContent("first bundle");
    }

    @Test
    void a_missing_patches_folder_is_no_collision() {
        assertThat(ExecutorFiles.prefix(patches.resolve("not-yet"), "vms", clock, 3)).isEqualTo("vms_20261205-063000_attempt3");
    }
}
