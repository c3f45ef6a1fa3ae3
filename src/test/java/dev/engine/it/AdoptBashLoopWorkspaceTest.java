package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, done when: a workspace laid out like the v2 fixture, its state files committed by the
 * bash loop, goes through run, review approve, adopt --yes and run again with the real CLI. No step
 * is refused for the engine's own files, no count is lost, and in the end `git status` shows only
 * what the user changed.
 */
class AdoptBashLoopWorkspaceTest {
    static final Duration STEP = Duration.ofSeconds(120);
    static final String MAP = """
            # Orchestrator v2 - Context Map
            stages:
              vms:
                description: "Proxmox VM creation/configuration for Talos nodes"
                command: "infrastructure/proxmox/vms.sh"
                files:
                  - infrastructure/proxmox/vms.sh
              talos:
                description: "Talos Kubernetes bootstrap (control plane + workers)"
                command: "infrastructure/proxmox/cluster_bootstrap.sh talos"
                files:
                  - infrastructure/proxmox/cluster_bootstrap.sh
                  - cluster/talos/controlplane.yaml
                architecture_sections:
                  - talos
              obs:
                description: "Observability stack"
                command: "infrastructure/proxmox/cluster_bootstrap.sh apps"
                files:
                  - cluster/kubernetes/platform/monitoring/kustomization.yaml

            # Protected files - AI must not modify these
            protected_files:
              - ai/master_memo.md
              - ai/context_map.yaml
              - ai/bootstrap_loop.sh
              - ai/state/errors.json
              - ai/state/stage_status.json
            """;
    /** What the bash loop left: obs gave up with its budget spent; talos has an old md5-keyed failure. */
    static final String BASH_ERRORS = """
            {
              "obs_3b9f5c0d1e2a4b6c8d0e1f2a3b4c5d6e": {
                "attempts": 6,
                "api_calls": 3,
                "last_source": "api",
                "last_transition": "2025-10-02T09:15:00Z"
              },
              "talos_77aa88bb99cc00dd11ee22ff33aa44bb": {
                "attempts": 1,
                "api_calls": 0,
                "last_source": "executor",
                "last_transition": "2025-10-02T08:00:00Z"
              }
            }
            """;

    @TempDir
    Path tmp;
    EngineWorkspace w;

    @BeforeEach
    void setUp() throws Exception {
        w = EngineWorkspace.createV2(tmp, MAP);
        w.write("ai/state/errors.json", BASH_ERRORS);
        w.write("ai/state/stage_status.json", "{\n  \"vms\": \"green\",\n  \"talos\": \"failed\",\n  \"obs\": \"give_up\"\n}\n");
        w.write("ai/bootstrap_loop.sh", "#!/usr/bin/env bash\necho 'the old loop'\n");
        w.write("README.md", "# homelab\n");
        w.script("infrastructure/proxmox/vms.sh", "echo 'VMs 100-103 running'");
        w.script("infrastructure/proxmox/cluster_bootstrap.sh", """
                set -euo pipefail
                case "$1" in
                  talos)
                    grep -q 'disk: /dev/vda' cluster/talos/controlplane.yaml || {
                      echo 'talosctl apply-config: machine.install.disk "/dev/sda" not found on node 10.0.0.11' >&2; exit 1; }
                    echo 'talos bootstrapped' ;;
                  *) echo "nothing to do for $1" ;;
                esac""");
        w.write("cluster/talos/controlplane.yaml", "machine:\n  install:\n    disk: /dev/sda\n");
        w.commit();
        w.git("config", "user.name", "Homelab Owner");
        w.git("config", "user.email", "owner@example.org");
        // The local executor fixes the disk in its scratch clone (a data file: it runs at once).
        Path executor = tmp.resolve("fix-disk.sh");
        Files.writeString(executor, "#!/usr/bin/env bash\nsed -i 's#/dev/sda#/dev/vda#' cluster/talos/controlplane.yaml\n");
        Files.setPosixFilePermissions(executor, PosixFilePermissions.fromString("rwxr-xr-x"));
        w.env("EXECUTOR_COMMAND", executor.toString());
    }

    @AfterEach
    void tearDown() {
        w.close();
    }

    String status() {
        return w.gitResult("status", "--porcelain", "--untracked-files=all").out();
    }

    @Test
    void runApproveAdoptRunNeverRefusesForTheEnginesFilesAndLeavesOnlyTheUsersChanges() throws Exception {
        assertThat(status()).isEmpty();

        // 1. run: the executor's fix lands on the AI branch and talos goes green there.
        EngineProcess run = w.startViaLauncher("run", "talos");
        assertThat(run.waitFor(STEP)).as(run.describe()).isZero();
        assertThat(w.status("talos")).isEqualTo("green");
        assertThat(w.git("show", "ai/orchestrator-stage1:cluster/talos/controlplane.yaml")).contains("/dev/vda");
        assertThat(status()).as("before adopt, the tracked state files change as the engine runs")
                .contains(" M ai/state/stage_status.json");
        String countersBeforeApprove = Files.readString(w.stateDir().resolve("errors.json"));
        assertThat(w.stateFile("errors.json").path("obs_3b9f5c0d1e2a4b6c8d0e1f2a3b4c5d6e").path("api_calls").asInt()).isEqualTo(3);

        // 2. review approve: not refused for ai/state/..., and the counters are where they were.
        EngineProcess approve = w.start("review", "approve", "--all");
        assertThat(approve.waitFor(STEP)).as(approve.describe()).isZero();
        assertThat(approve.stderr()).doesNotContain("uncommitted changes");
        assertThat(w.git("rev-parse", "main")).isEqualTo(w.git("rev-parse", "ai/orchestrator-stage1"));
        assertThat(Files.readString(w.ws().resolve("cluster/talos/controlplane.yaml"))).contains("/dev/vda");
        assertThat(Files.readString(w.stateDir().resolve("errors.json"))).isEqualTo(countersBeforeApprove);

        // The user works on something of their own meanwhile.
        w.write("README.md", "# homelab\n\nTalos on virtio disks now.\n");

        // 3. adopt --yes: the runtime files leave git, the rules go in, the bash state is imported.
        EngineProcess adopt = w.startViaLauncher("adopt", "--yes");
        assertThat(adopt.waitFor(STEP)).as(adopt.describe()).isZero();
        assertThat(adopt.stdout()).contains("engine adopt: stop tracking runtime files", "engine validate:");
        assertThat(w.git("log", "-1", "--format=%s|%an")).isEqualTo("engine adopt: stop tracking runtime files|Homelab Owner");
        assertThat(w.git("ls-files", "ai")).isEqualTo("ai/bootstrap_loop.sh\nai/context_map.yaml\nai/master_memo.md");
        assertThat(w.git("show", "HEAD:README.md")).as("the user's edit is not in the adopt commit").isEqualTo("# homelab");
        assertThat(status()).isEqualTo(" M README.md\n");

        // 4. run again: green, and git sees only the user's change.
        EngineProcess again = w.startViaLauncher("run", "vms", "talos");
        assertThat(again.waitFor(STEP)).as(again.describe()).isZero();
        assertThat(status()).isEqualTo(" M README.md\n");

        // Nothing the bash loop counted was lost on the way.
        JsonNode obs = w.stateFile("errors.json").path("obs_3b9f5c0d1e2a4b6c8d0e1f2a3b4c5d6e");
        assertThat(obs.path("api_calls").asInt()).isEqualTo(3);
        assertThat(obs.path("attempts").asInt()).isEqualTo(6);
        assertThat(obs.path("stage").asText()).isEqualTo("obs");
        assertThat(w.status("obs")).isEqualTo("give_up");
        EngineProcess status = w.start("status", "--json");
        assertThat(status.waitFor(STEP)).as(status.describe()).isZero();
        JsonNode rows = EngineWorkspace.JSON.readTree(status.stdout()).path("stages");
        JsonNode obsRow = rows.get(2);
        assertThat(obsRow.path("name").asText()).isEqualTo("obs");
        assertThat(obsRow.path("api_calls").asInt()).isEqualTo(3);
        assertThat(obsRow.path("reason").asText()).contains("API call budget spent");
        assertThat(rows.get(1).path("status").asText()).isEqualTo("green");
    }
}
