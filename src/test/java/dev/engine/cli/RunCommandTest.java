package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `engine run` end to end, in-process, against a real git workspace and fake cluster tools. */
class RunCommandTest {
    private static final String MAP = """
            stages:
              vms:
                description: "VMs"
                command: "qm status 101"
              talos:
                description: "Talos bootstrap"
                command: "stages/talos.sh"
                depends_on: [vms]
                files: [stages/talos.sh]
                success_checks: ["kubectl get nodes"]
            protected_files: []
            """;

    @TempDir
    Path tmp;
    Home home;

    @BeforeEach
    void setUp() throws Exception {
        home = Home.create(tmp, MAP);
        home.script("stages/talos.sh", "talosctl --nodes \"$CTRL_IP\" health");
        home.env.put("CTRL_IP", "10.5.0.2");
        home.tool("qm", "echo \"vm $2 running\"");
        home.tool("kubectl", "echo 'talos-cp-1 Ready'");
        home.commit("stages");
    }

    /** talosctl fails {@code failures} times (with fresh noise each time), then passes. */
    private void talosctlFailing(int failures) throws Exception {
        home.tool("talosctl", """
                n=$(( $(cat "$SCRATCH/calls" 2>/dev/null || echo 0) + 1 )); echo $n > "$SCRATCH/calls"
                if [ $n -le %d ]; then
                  echo "$(date -u +%%Y-%%m-%%dT%%H:%%M:%%S.%%NZ) waiting for etcd: 10.5.0.$((RANDOM%%200)):2379 connection refused (attempt $n/30, $RANDOM ms)"
                  echo "error: etcd not ready on $1 $2" >&2
                  exit 1
                fi
                echo "healthy"
                """.formatted(failures));
    }

    @Test
    void a_stage_that_fails_twice_then_passes_goes_green_with_one_fingerprint_for_both_failures() throws Exception {
        talosctlFailing(2);
        Home.Result r = home.engine("run", "talos");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(home.state("stage_status.json").get("talos").asText()).isEqualTo("green");
        List<Path> logs = home.logs("talos");
        assertThat(logs).hasSize(3);
        assertThat(logs).allSatisfy(p -> assertThat(p.getFileName().toString()).matches("talos_\\d{8}-\\d{6}_attempt[123]\\.log"));
        assertThat(Files.readString(logs.get(0))).contains("etcd not ready on --nodes 10.5.0.2").contains("[engine] finished").contains("exit=1");
        assertThat(Files.readString(logs.get(2))).contains("healthy").contains("[engine] success check: kubectl get nodes").contains("exit=0");

        List<JsonNode> fps = home.audit("talos", "fingerprint");
        assertThat(fps).hasSize(2);
        assertThat(fps.get(0).at("/details/fingerprint").asText()).isEqualTo(fps.get(1).at("/details/fingerprint").asText());
        assertThat(fps).extracting(n -> n.at("/details/attempts").asInt()).containsExactly(1, 2);
        assertThat(home.audit("talos", "decision")).extracting(n -> n.at("/details/decision").asText())
                .containsExactly("RunExecutor", "RunExecutor", "Green");
        // green clears the episode's counters (the audit trail keeps the history)
        assertThat(home.state("errors.json").size()).isZero();
        assertThat(home.state("stage_info.json").at("/talos/attempt_counter").asInt()).isEqualTo(3);
    }

    @Test
    void a_failure_outlasting_the_executor_threshold_gives_up_without_an_api_key_and_stays_refused_until_reset() throws Exception {
        talosctlFailing(1000);
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).isEqualTo(1);
        assertThat(home.state("stage_status.json").get("talos").asText()).isEqualTo("give_up");
        assertThat(r.out()).contains("give_up").contains("OPENAI_API_KEY is not set");
        JsonNode errors = home.state("errors.json");
        assertThat(errors.size()).isEqualTo(1);
        assertThat(errors.elements().next().get("attempts").asInt()).isEqualTo(3);
        assertThat(errors.fieldNames().next()).startsWith("talos_");

        Home.Result again = home.engine("run", "talos");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.out()).contains("not run").contains("engine reset talos");
        assertThat(home.logs("talos")).hasSize(3);

        Home.Result status = home.engine("status");
        assertThat(status.out()).containsPattern("talos\\s+give_up\\s+3\\s+[0-9a-f]{12}\\s+0/3")
                .contains("reason: failure").contains("OPENAI_API_KEY is not set");

        Home.Result reset = home.engine("reset", "talos");
        assertThat(reset.code()).isZero();
        assertThat(home.state("stage_status.json").get("talos").asText()).isEqualTo("idle");
        assertThat(home.state("errors.json").size()).isZero();
        assertThat(home.audit("talos", "reset")).hasSize(1);
    }

    @Test
    void a_scratch_checkout_left_by_a_killed_executor_is_removed_without_following_its_links() throws Exception {
        Path outside = tmp.resolve("outside-secret.txt");
        Files.writeString(outside, "keep me\n");
        Path patches = home.ws.resolve("patches");
        Path scratch = patches.resolve(".talos_20261205-061500_scratch");
        Files.createDirectories(scratch.resolve("stages"));
        Files.writeString(scratch.resolve("stages/talos.sh"), "half-edited\n");
        Files.createSymbolicLink(scratch.resolve("stages/link"), outside);
        Files.createSymbolicLink(patches.resolve(".vms_20261205-061500_scratch"), tmp); // a link by that name: only the link goes
        Files.writeString(patches.resolve("talos_20261205-061500_executor.diff"), "--- a/x\n+++ b/x\n");

        Home.Result r = home.engine("run", "vms");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(scratch).doesNotExist();
        assertThat(patches.resolve(".vms_20261205-061500_scratch")).doesNotExist();
        assertThat(outside).hasContent("keep me");
        assertThat(tmp).isDirectory();
        assertThat(patches.resolve("talos_20261205-061500_executor.diff")).as("kept: a record, not a leftover").exists();
        assertThat(home.audit().stream().filter(e -> e.path("event").asText().equals("scratch_removed")).toList())
                .singleElement().satisfies(e -> assertThat(e.at("/details/dirs").toString())
                        .contains(".talos_20261205-061500_scratch").contains(".vms_20261205-061500_scratch"));
    }

    @Test
    void the_bash_loop_reset_spellings_work() throws Exception {
        talosctlFailing(1000);
        home.engine("run", "talos");
        assertThat(home.engine("talos", "--reset").code()).isZero();
        assertThat(home.state("stage_status.json").get("talos").asText()).isEqualTo("idle");
        home.engine("run", "talos");
        assertThat(home.engine("--reset", "talos").code()).isZero();
        assertThat(home.state("stage_status.json").get("talos").asText()).isEqualTo("idle");
        assertThat(home.audit("talos", "reset")).hasSize(2);
    }

    @Test
    void a_flapping_stage_converges_every_run_and_never_piles_up_attempts() throws Exception {
        // fails on odd calls, passes on even ones
        home.tool("talosctl", """
                n=$(( $(cat "$SCRATCH/calls" 2>/dev/null || echo 0) + 1 )); echo $n > "$SCRATCH/calls"
                if [ $((n % 2)) -eq 1 ]; then echo "error: apid flapped" >&2; exit 1; fi
                echo ok
                """);
        for (int run = 0; run < 4; run++) {
            Home.Result r = home.engine("run", "talos");
            assertThat(r.code()).as(r.all()).isZero();
            assertThat(home.state("errors.json").size()).isZero();
        }
        assertThat(home.audit("talos", "fingerprint")).hasSize(4)
                .allSatisfy(n -> assertThat(n.at("/details/attempts").asInt()).isEqualTo(1));
    }

    @Test
    void the_attempt_cap_of_one_run_leaves_the_stage_failed_not_give_up() throws Exception {
        talosctlFailing(1000);
        home.env.put("EXECUTOR_RETRY_THRESHOLD", "50");
        home.env.put("MAX_ATTEMPTS_PER_RUN", "4");
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).isEqualTo(1);
        assertThat(home.logs("talos")).hasSize(4);
        assertThat(home.state("stage_status.json").get("talos").asText()).isEqualTo("failed");
        assertThat(home.state("stage_info.json").at("/talos/reason").asText()).contains("attempt limit");
        // the next run continues counting the same failure
        home.engine("run", "talos");
        assertThat(home.state("errors.json").elements().next().get("attempts").asInt()).isEqualTo(8);
    }

    @Test
    void a_failing_success_check_fails_the_stage_even_when_the_command_passed() throws Exception {
        talosctlFailing(0);
        home.tool("kubectl", "echo 'The connection to the server 10.5.0.2:6443 was refused' >&2; exit 1");
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("success check failed (exit code 1): kubectl get nodes");
        assertThat(Files.readString(home.logs("talos").get(0))).contains("[engine] success check failed with exit code 1")
                .contains("check=failed");
    }

    @Test
    void run_all_goes_in_dependency_order_and_stops_at_the_first_stage_that_is_not_green() throws Exception {
        home.tool("qm", "echo 'qm: unable to connect to VM 101 qmp socket' >&2; exit 2");
        talosctlFailing(0);
        Home.Result r = home.engine("run", "all");
        assertThat(r.code()).isEqualTo(1);
        assertThat(home.state("stage_status.json").get("vms").asText()).isEqualTo("give_up");
        assertThat(home.state("stage_status.json").has("talos")).isFalse();
        assertThat(home.logs("talos")).isEmpty();

        home.tool("qm", "echo ok");
        home.engine("reset", "all");
        Home.Result ok = home.engine("run", "all");
        assertThat(ok.code()).as(ok.all()).isZero();
        assertThat(ok.out().indexOf("vms: green")).isLessThan(ok.out().indexOf("talos: green"));
    }

    @Test
    void a_stage_that_times_out_is_killed_and_recorded_as_a_timeout() throws Exception {
        home.write("context_map.yaml", MAP.replace("command: \"stages/talos.sh\"", "command: \"stages/talos.sh\"\n    timeout: 1s"));
        home.tool("talosctl", "echo 'waiting for etcd'; sleep 60");
        home.env.put("EXECUTOR_RETRY_THRESHOLD", "1");
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("timed out after 1s");
        String log = Files.readString(home.logs("talos").get(0));
        assertThat(log).contains("waiting for etcd").contains("timed out after 1s; process tree killed").contains("exit=timeout");
        assertThat(home.audit("talos", "attempt_finished").get(0).at("/details/outcome").asText()).isEqualTo("timed_out");
    }

    @Test
    void unknown_stage_names_are_a_usage_error_listing_the_known_ones() {
        Home.Result r = home.engine("run", "talso");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("talso").contains("vms").contains("talos");
    }

    @Test
    void an_engine_setting_from_the_environment_with_a_bad_value_names_the_variable() {
        home.env.put("EXECUTOR_RETRY_THRESHOLD", "three");
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("EXECUTOR_RETRY_THRESHOLD").contains("three");
    }

    @Test
    void stage_commands_get_the_engines_environment_and_run_in_their_own_clone_of_the_ai_branch() throws Exception {
        home.tool("talosctl", "pwd > \"$SCRATCH/cwd\"; echo \"$CTRL_IP\" > \"$SCRATCH/ip\"; git rev-parse --show-toplevel > \"$SCRATCH/git\" 2>&1; true");
        assertThat(home.engine("run", "talos").code()).isZero();
        assertThat(Files.readString(home.scratch.resolve("cwd")).strip()).isEqualTo(home.ws.toRealPath().resolve("state/checkout").toString());
        assertThat(Files.readString(home.scratch.resolve("ip")).strip()).isEqualTo("10.5.0.2");
        // A stage's git finds the clone's own repository, never the user's above it (I1).
        assertThat(Files.readString(home.scratch.resolve("git")).strip())
                .isEqualTo(home.ws.toRealPath().resolve("state/checkout").toString());
    }
}
