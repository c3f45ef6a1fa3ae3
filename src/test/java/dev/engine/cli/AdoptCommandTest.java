package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine adopt through the real CLI, on a workspace the bash loop ran (v2 layout, its state committed). */
class AdoptCommandTest {
    static final String MAP = """
            stages:
              vms:
                command: "infrastructure/proxmox/vms.sh"
                files: [infrastructure/proxmox/vms.sh]
              talos:
                command: "infrastructure/proxmox/cluster_bootstrap.sh talos"
                files: [infrastructure/proxmox/cluster_bootstrap.sh]
            protected_files:
              - ai/context_map.yaml
              - ai/state/errors.json
              - ai/state/stage_status.json
            """;
    static final String ERRORS = """
            {
              "talos_5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d": {
                "attempts": 5,
                "api_calls": 3,
                "last_source": "api",
                "last_transition": "2025-10-01T12:30:00Z"
              }
            }
            """;

    @TempDir
    Path tmp;

    Home bashLoopWorkspace() throws Exception {
        Home h = Home.create(tmp, "stages:\n  placeholder:\n    command: \"true\"\n");
        Files.delete(h.ws.resolve("context_map.yaml"));
        h.write(".gitignore", ".env\n");
        h.write("ai/context_map.yaml", MAP);
        h.write("ai/master_memo.md", "# Memo\n\n## Talos\n\nThree nodes.\n");
        h.write("ai/state/errors.json", ERRORS);
        h.write("ai/state/stage_status.json", "{\n  \"vms\": \"green\",\n  \"talos\": \"give_up\"\n}\n");
        h.write("ai/logs/talos/talos_20251001-123000_attempt5.log", "error: connection refused\n");
        h.script("infrastructure/proxmox/vms.sh", "echo vms ok");
        h.script("infrastructure/proxmox/cluster_bootstrap.sh", "echo bootstrap; exit 1");
        h.git("config", "user.name", "Homelab Owner");
        h.git("config", "user.email", "owner@example.org");
        h.commit("homelab as the bash loop left it");
        return h;
    }

    @Test
    void without_yes_it_prints_the_plan_and_changes_nothing() throws Exception {
        Home h = bashLoopWorkspace();
        String head = h.git("rev-parse", "HEAD");
        String errors = Files.readString(h.ws.resolve("ai/state/errors.json"));

        Home.Result r = h.engine("adopt");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("1. Stop tracking the runtime files", "ai/logs/talos/talos_20251001-123000_attempt5.log",
                "ai/state/errors.json", "ai/state/stage_status.json", "/ai/state/", "/ai/patches/",
                "the one time the engine edits it", "\"engine adopt: stop tracking runtime files\", as Homelab Owner <owner@example.org>",
                "talos: give_up (given up by the bash loop: API call budget spent for failure 5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d (3/3 calls)",
                "last log logs/talos/talos_20251001-123000_attempt5.log", "nothing was changed; `engine adopt --yes` does the above");
        assertThat(h.git("rev-parse", "HEAD")).isEqualTo(head);
        assertThat(h.git("status", "--porcelain")).isEmpty();
        assertThat(Files.readString(h.ws.resolve("ai/state/errors.json"))).isEqualTo(errors);
        assertThat(h.ws.resolve("ai/state/stage_info.json")).doesNotExist();
    }

    @Test
    void with_yes_it_untracks_commits_imports_and_validates_and_a_second_time_finds_nothing() throws Exception {
        Home h = bashLoopWorkspace();
        String head = h.git("rev-parse", "HEAD").strip();

        Home.Result r = h.engine("adopt", "--yes");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("committed ", "engine adopt: stop tracking runtime files (3 file(s) untracked, 4 ignore rule(s) added)",
                "imported the bash loop's state: 1 errors.json entry completed, 1 stage(s) recorded", "engine validate:", "config:");
        assertThat(h.git("rev-parse", "HEAD^").strip()).isEqualTo(head);
        assertThat(h.git("log", "-1", "--format=%s%n%an <%ae>%n%(trailers:key=Engine-Command,valueonly)").strip())
                .isEqualTo("engine adopt: stop tracking runtime files\nHomelab Owner <owner@example.org>\nadopt");
        assertThat(h.git("ls-files", "ai").strip()).isEqualTo("ai/context_map.yaml\nai/master_memo.md");
        assertThat(h.git("status", "--porcelain", "--untracked-files=all")).as("the engine's files are ignored now").isEmpty();
        assertThat(h.git("check-ignore", "ai/state/errors.json", "ai/logs/x.log").strip()).isEqualTo("ai/state/errors.json\nai/logs/x.log");

        JsonNode errors = new ObjectMapper().readTree(h.ws.resolve("ai/state/errors.json").toFile());
        assertThat(errors.at("/talos_5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d/api_calls").asInt()).isEqualTo(3);
        assertThat(errors.at("/talos_5f3a9c1b7d4e0a1b2c3d4e5f6a7b8c9d/stage").asText()).isEqualTo("talos");
        JsonNode row = new ObjectMapper().readTree(h.engine("status", "--json").out()).path("stages").get(1);
        assertThat(row.path("status").asText()).isEqualTo("give_up");
        assertThat(row.path("api_calls").asInt()).isEqualTo(3);
        assertThat(row.path("attempts").asInt()).isEqualTo(5);
        assertThat(row.path("reason").asText()).contains("API call budget spent");
        assertThat(row.path("last_log").asText()).isEqualTo("logs/talos/talos_20251001-123000_attempt5.log");
        assertThat(Files.readString(h.ws.resolve("ai/state/audit.jsonl"))).contains("\"adopted_git\"", "\"adopted_state\"");

        Home.Result again = h.engine("adopt", "--yes");
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(again.out()).contains("nothing to adopt").doesNotContain("committed ");
        assertThat(h.git("rev-parse", "HEAD^").strip()).isEqualTo(head);
        // give_up stays give_up: a human still has to look.
        assertThat(h.engine("run", "talos").code()).isEqualTo(1);
    }

    @Test
    void refused_when_main_is_not_checked_out_and_nothing_is_imported_either() throws Exception {
        Home h = bashLoopWorkspace();
        h.git("switch", "-q", "-c", "wip");

        Home.Result r = h.engine("adopt", "--yes");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("Cannot be done now: adopt commits on main, but wip is checked out");
        assertThat(r.err()).contains("adopt refused, nothing was changed", "git switch main");
        assertThat(h.git("ls-files", "ai/state").strip()).isEqualTo("ai/state/errors.json\nai/state/stage_status.json");
        assertThat(h.ws.resolve("ai/state/stage_info.json")).doesNotExist();
    }
}
