package dev.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State files keep the bash loop's JSON style (what `jq .` prints): a tracked stage_status.json
 * then shows a one-line diff when one stage changes, not a whole-file rewrite (issue 14).
 */
class JqStyleTest {
    @TempDir
    Path dir;

    @Test
    void statusFileIsWrittenAsJqWouldAndOneChangeIsOneLine() throws Exception {
        // What the bash loop left: `jq .` output of its status map.
        Files.writeString(dir.resolve("stage_status.json"), "{\n  \"vms\": \"green\",\n  \"talos\": \"failed\"\n}\n");
        StateStore s = new StateStore(dir);

        s.setStatus("talos", StageStatus.GREEN);

        assertThat(dir.resolve("stage_status.json")).hasContent("{\n  \"vms\": \"green\",\n  \"talos\": \"green\"\n}");
    }

    @Test
    void nestedObjectsArraysAndEmptyOnesLookLikeJq() throws Exception {
        var json = Json.mapper();
        var node = json.readTree("{\"a\":{},\"b\":[],\"c\":[1,\"x\"],\"d\":{\"e\":null}}");
        assertThat(json.writeValueAsString(node)).isEqualTo(
                "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    1,\n    \"x\"\n  ],\n  \"d\": {\n    \"e\": null\n  }\n}");
    }
}
