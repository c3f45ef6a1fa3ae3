package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, reset, validate, hash and configuration errors through the real CLI. */
class StatusAndConfigTest {
    /** A context map in the bash loop's v2 format (same shape as the real fixture, own content). */
    static final String V2_MAP = """
            # Orchestrator v2 - Context Map (test copy of the format)
            stages:
              vms:
                description: "Proxmox VM creation/configuration for Talos nodes"
                command: "infrastructure/proxmox/vms.sh"
                files:
                  - infrastructure/proxmox/vms.sh
                  - config/clusters/lab.yaml
                architecture_sections:
                  - proxmox
                success_criteria:
                  - "Talos VMs created and running"

              talos:
                description: "Talos Kubernetes bootstrap"
                command: "infrastructure/proxmox/cluster_bootstrap.sh talos"
                files:
                  - infrastructure/proxmox/cluster_bootstrap.sh
                  - cluster/talos/controlplane.yaml
                architecture_sections:
                  - talos
                success_criteria:
                  - "Kubernetes API is accessible"
                diagnostics:
                  - "talosctl --nodes ${CTRL_IP} version"
                  - "kubectl get nodes -o wide"

              apps:
                description: "Homelab applications"
                command: "infrastructure/proxmox/cluster_bootstrap.sh apps"
                files:
                  - cluster/kubernetes/apps/
                architecture_sections:
                  - apps
                success_criteria:
                  - "Core apps running"

            protected_files:
              - ai/master_memo.md
              - ai/context_map.yaml
              - ai/state/errors.json

            architecture_section_keywords:
              proxmox:
                - "Proxmox"
              talos:
                - "Talos"
              apps:
                - "applications"
            """;

    @TempDir
    Path tmp;

    private Home v2Layout(String map) throws Exception {
        Home h = Home.create(tmp, "stages:\n  placeholder:\n    command: \"true\"\n");
        Files.delete(h.ws.resolve("context_map.yaml"));
        h.write("ai/context_map.yaml", map);
        h.write("ai/master_memo.md", "# Memo\n\n## Proxmox\n\nVMs.\n\n## Talos\n\nTalos.\n");
        h.script("infrastructure/proxmox/vms.sh", "echo vms ok");
        h.script("infrastructure/proxmox/cluster_bootstrap.sh", "echo \"bootstrap $1\"; [ \"$1\" != apps ]");
        h.commit("v2 layout");
        return h;
    }

    @Test
    void the_v2_layout_with_its_home_in_ai_works_from_a_subdirectory() throws Exception {
        Home h = v2Layout(V2_MAP);
        Files.createDirectories(h.ws.resolve("cluster/talos"));
        Home.Result r = h.engineIn(h.ws.resolve("cluster/talos"), "run", "vms", "talos");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(h.ws.resolve("ai/state/stage_status.json")).exists();
        assertThat(h.ws.resolve("ai/logs/talos")).isDirectory();
        assertThat(Files.exists(h.ws.resolve("state"))).isFalse();

        Home.Result status = h.engine("status");
        assertThat(status.out()).containsPattern("vms\\s+green").containsPattern("talos\\s+green").containsPattern("apps\\s+idle");
    }

    @Test
    void the_real_v2_fixture_loads_unchanged_when_it_is_available() throws Exception {
        Path fixture = Path.of("../shared/fixtures/v2-homelab");
        Assumptions.assumeTrue(Files.isRegularFile(fixture.resolve("context_map.yaml")), "../shared fixture not present");
        Home h = v2Layout(Files.readString(fixture.resolve("context_map.yaml")));
        Files.copy(fixture.resolve("master_memo.md"), h.ws.resolve("ai/master_memo.md"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Home.Result status = h.engine("status", "--json");
        assertThat(status.code()).as(status.all()).isZero();
        JsonNode doc = new ObjectMapper().readTree(status.out());
        assertThat(doc.get("stages")).extracting(n -> n.get("name").asText())
                .containsExactly("vms", "talos", "infra", "apps", "ingress", "obs");
        Home.Result validate = h.engine("validate");
        assertThat(validate.out()).contains("6 stages").doesNotContain("configuration:");
    }

    @Test
    void an_existing_v2_state_is_read_shown_and_reset_without_losing_other_stages() throws Exception {
        Home h = v2Layout(V2_MAP);
        h.write("ai/state/stage_status.json", "{\"vms\": \"green\", \"talos\": \"give_up\", \"apps\": \"failed\"}\n");
        h.write("ai/state/errors.json", """
                {"talos_9e1c0ffee123": {"attempts": 5, "api_calls": 3, "last_source": "api", "last_transition": "2025-10-01T12:00:00Z"},
                 "apps_1234abcd5678": {"attempts": 1, "api_calls": 0, "last_source": "executor", "last_transition": "2025-10-01T12:05:00Z"}}
                """);
        Home.Result json = h.engine("status", "--json");
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.at("/stages/1/status").asText()).isEqualTo("give_up");
        assertThat(doc.at("/stages/1/stage_api_calls").asInt()).isEqualTo(3);
        assertThat(doc.at("/stages/1/api_call_budget").asInt()).isEqualTo(3);

        assertThat(h.engine("run", "talos").code()).isEqualTo(1); // give_up is refused
        assertThat(h.engine("reset", "talos").code()).isZero();
        JsonNode errors = new ObjectMapper().readTree(h.ws.resolve("ai/state/errors.json").toFile());
        assertThat(errors.has("talos_9e1c0ffee123")).isFalse();
        assertThat(errors.get("apps_1234abcd5678").get("last_source").asText()).isEqualTo("executor");
        JsonNode statuses = new ObjectMapper().readTree(h.ws.resolve("ai/state/stage_status.json").toFile());
        assertThat(statuses.get("talos").asText()).isEqualTo("idle");
        assertThat(statuses.get("vms").asText()).isEqualTo("green");
        assertThat(statuses.get("apps").asText()).isEqualTo("failed");
    }

    @Test
    void status_json_is_one_document_for_scripts() throws Exception {
        Home h = v2Layout(V2_MAP);
        h.engine("run", "vms");
        Home.Result r = h.engine("status", "--json");
        assertThat(r.code()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("home").asText()).endsWith("/ai");
        JsonNode vms = doc.get("stages").get(0);
        assertThat(vms.get("name").asText()).isEqualTo("vms");
        assertThat(vms.get("status").asText()).isEqualTo("green");
        assertThat(vms.get("last_log").asText()).startsWith("logs/vms/vms_");
        assertThat(vms.get("last_run").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(doc.get("ai_branch").asText()).isEqualTo("ai/orchestrator-stage1");
        assertThat(doc.get("lock_held").asBoolean()).isFalse();
    }

    @Test
    void a_malformed_context_map_is_exit_2_naming_file_line_and_field() throws Exception {
        Home h = Home.create(tmp, """
                stages:
                  vms:
                    command: "vms.sh"
                  talos:
                    command: "talos.sh"
                    depends_on: [vm]
                  infra:
                    description: "no command"
                """);
        Home.Result r = h.engine("run", "all");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("context_map.yaml:6: stages.talos.depends_on").contains("'vm'")
                .contains("context_map.yaml:7: stages.infra").contains("command");
        assertThat(h.ws.resolve("state/stage_status.json")).doesNotExist();
    }

    @Test
    void yaml_syntax_errors_and_cycles_are_exit_2_with_their_line() throws Exception {
        Home h = Home.create(tmp, "stages:\n  a:\n    command: \"x\"\n    depends_on: [b]\n  b:\n    command: \"y\"\n    depends_on: [a]\n");
        Home.Result cycle = h.engine("status");
        assertThat(cycle.code()).isEqualTo(2);
        assertThat(cycle.err()).contains("cycle").contains("a -> b -> a");

        h.write("context_map.yaml", "stages:\n  a:\n    command: [unclosed\n");
        Home.Result syntax = h.engine("validate");
        assertThat(syntax.code()).isEqualTo(2);
        assertThat(syntax.out()).containsPattern("context_map.yaml:\\d+");
    }

    @Test
    void outside_a_git_repository_the_error_says_what_to_do() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("not-a-repo"));
        Home h = Home.create(tmp.resolve("h"), V2_MAP);
        Home.Result r = h.engineIn(plain, "status");
        Assumptions.assumeFalse(r.code() == 0, "temp dir is inside some git checkout");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--workspace");
    }

    @Test
    void validate_reports_missing_commands_and_tools_and_never_prints_the_api_key() throws Exception {
        Home h = v2Layout(V2_MAP);
        Files.delete(h.ws.resolve("infrastructure/proxmox/vms.sh"));
        h.env.put("OPENAI_API_KEY", "sk-test-SECRETVALUE1234567890");
        Home.Result r = h.engine("validate");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("stages.vms.command: infrastructure/proxmox/vms.sh does not exist in the workspace")
                .contains("OPENAI_API_KEY: set").doesNotContain("SECRETVALUE").contains("git:").contains("on main");
        assertThat(r.out()).contains("master_memo.md: architecture section 'apps'").doesNotContain("section 'talos'");
    }

    @Test
    void hash_is_stable_across_noise_and_explains_itself() throws Exception {
        Home h = v2Layout(V2_MAP);
        h.write("a.log", "2026-01-01T10:00:00Z dial tcp 10.0.0.5:6443: connect: connection refused\nError: exit status 1\n");
        h.write("b.log", "2026-03-09T22:13:54.123Z dial tcp 10.0.0.9:6443: connect: connection refused\nError: exit status 1\n");
        h.write("c.log", "2026-03-09T22:13:54.123Z x509: certificate signed by unknown authority\nError: exit status 1\n");
        String a = h.engine("hash", "a.log").out().strip();
        assertThat(a).matches("[0-9a-f]{12}");
        assertThat(h.engine("hash", "b.log").out().strip()).isEqualTo(a);
        assertThat(h.engine("hash", "c.log").out().strip()).isNotEqualTo(a);
        assertThat(h.engine("hash", "--explain", "a.log").out()).contains("normalized tail").contains("connection refused");
        Home.Result missing = h.engine("hash", "nope.log");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.log");
    }

    @Test
    void every_command_has_help_and_the_version_is_printed() throws Exception {
        Home h = v2Layout(V2_MAP);
        for (String cmd : new String[] {"run", "status", "reset", "audit", "hash", "validate", "demo", "patch", "review"}) {
            Home.Result r = h.engine(cmd, "--help");
            assertThat(r.code()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).contains("Usage: engine " + cmd);
        }
        Home.Result top = h.engine("--help");
        assertThat(top.out()).contains("Exit codes").contains("--reset");
        assertThat(h.engine("--version").out()).startsWith("engine ");
        assertThat(h.engine("frobnicate").code()).isEqualTo(2);
    }

    @Test
    void the_audit_command_filters_by_stage_and_tails() throws Exception {
        Home h = v2Layout(V2_MAP);
        h.engine("run", "vms", "talos");
        Home.Result r = h.engine("audit", "--stage", "vms", "--tail", "2");
        assertThat(r.out().lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains(" vms "));
        assertThat(r.out()).contains("green");
    }

    @Test
    void a_stage_the_bash_loop_counted_shows_the_attempts_and_calls_its_state_holds() throws Exception {
        Home home = v2Layout(V2_MAP);
        // The bash loop's files: no stage_info.json, entries without stage or fingerprint fields.
        home.write("ai/state/stage_status.json", "{\n  \"talos\": \"give_up\"\n}\n");
        home.write("ai/state/errors.json", "{\n  \"talos_5f3a9c1b7d4e\": {\"attempts\": 4, \"api_calls\": 3, \"last_source\": \"api\","
                + " \"last_transition\": \"2026-11-20T10:00:00Z\"},\n  \"talos_0aa1\": {\"attempts\": 1, \"api_calls\": 0,"
                + " \"last_transition\": \"2026-11-19T10:00:00Z\"}\n}\n");

        Home.Result r = home.engine("status", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out())
                .path("stages").get(1);
        assertThat(row.path("name").asText()).isEqualTo("talos");
        assertThat(row.path("attempts").asInt()).isEqualTo(4);
        assertThat(row.path("api_calls").asInt()).isEqualTo(3);
        assertThat(row.path("stage_api_calls").asInt()).isEqualTo(3);
        assertThat(row.path("last_fingerprint").asText()).isEqualTo("5f3a9c1b7d4e");
    }
}
