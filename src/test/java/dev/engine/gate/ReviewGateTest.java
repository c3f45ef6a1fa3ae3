package dev.engine.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.config.StageSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which AI commits run before a human approves them (DESIGN.md §8 review gate), on a v2-like tree. */
class ReviewGateTest {
    /** The bash loop's homelab, shaped like the v2 fixture: one bootstrap script sourcing an env file by variable. */
    static final Map<String, String> TREE = new HashMap<>(Map.of(
            "infrastructure/proxmox/cluster_bootstrap.sh", """
                    #!/usr/bin/env bash
                    set -euo pipefail
                    SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
                    source "${SCRIPT_DIR}/lib/common.sh"
                    . "$SCRIPT_DIR/../../config/env/${CLUSTER:-prox-n100}.env"
                    kubectl apply -f cluster/kubernetes/flux/apps.yaml
                    """,
            "infrastructure/proxmox/lib/common.sh", "log() { echo \"$@\"; }\n",
            "infrastructure/proxmox/vms.sh", "#!/bin/bash\n. config/env/prox-n100.env\nqm list\n",
            "config/env/prox-n100.env", "CTRL_IP=10.0.0.10\n",
            "config/clusters/prox-n100.yaml", "nodes: 3\n",
            "cluster/kubernetes/flux/apps.yaml", "kind: Kustomization\n",
            "cluster/talos/controlplane.yaml", "machine: {}\n",
            "docs/notes.md", "notes\n",
            "tools/check-health", "kubectl get nodes\n"));

    static final List<StageSpec> STAGES = List.of(
            stage("vms", "infrastructure/proxmox/vms.sh", List.of()),
            stage("talos", "infrastructure/proxmox/cluster_bootstrap.sh talos", List.of("tools/check-health")),
            stage("apps", "bash ./infrastructure/proxmox/cluster_bootstrap.sh apps", List.of()));

    static StageSpec stage(String name, String command, List<String> checks) {
        return new StageSpec(name, "", command, Optional.empty(), List.of(), Optional.empty(), checks, List.of(), List.of(),
                List.of(), List.of(), 1);
    }

    static ExecutedFiles executed() {
        return ExecutedFiles.of(TREE.keySet(), p -> Optional.ofNullable(TREE.get(p)), STAGES);
    }

    static FileChange edit(String path) {
        return new FileChange(path, false, false, Optional.ofNullable(TREE.get(path)), Optional.of("changed\n"));
    }

    static PendingCommit commit(String id, FileChange... changes) {
        return new PendingCommit(id, "talos", List.of(changes));
    }

    @Test
    void executedFilesAreThoseStagesNameAndWhatTheySource() {
        ExecutedFiles e = executed();
        assertThat(e.paths()).containsExactlyInAnyOrder("infrastructure/proxmox/vms.sh",
                "infrastructure/proxmox/cluster_bootstrap.sh", "tools/check-health", "infrastructure/proxmox/lib/common.sh",
                "config/env/prox-n100.env");
        assertThat(e.why("config/env/prox-n100.env")).get().asString().contains("sourced by");
        assertThat(e.why("tools/check-health")).get().asString().contains("success check of stage talos");
        assertThat(e.why("cluster/kubernetes/flux/apps.yaml")).isEmpty();
    }

    @Test
    void dataRunsAtOnceAndCodeWaits() {
        Map<String, FileChange> code = Map.of(
                "the stage's own script", edit("infrastructure/proxmox/cluster_bootstrap.sh"),
                "a sourced helper without exec bit", edit("infrastructure/proxmox/lib/common.sh"),
                "a sourced env file", edit("config/env/prox-n100.env"),
                "a success check without extension", edit("tools/check-health"),
                "a new file with a shebang", new FileChange("docs/run", false, false, Optional.empty(), Optional.of("#!/bin/sh\nid\n")),
                "a data file made executable", new FileChange("cluster/talos/controlplane.yaml", false, true,
                        Optional.of("machine: {}\n"), Optional.of("machine: {}\n")),
                "a python script nobody runs yet", new FileChange("hack/x.py", false, false, Optional.empty(), Optional.of("print(1)\n")));
        for (Map.Entry<String, FileChange> c : code.entrySet()) {
            ReviewGate.Gate g = ReviewGate.decide(List.of(commit("c1", c.getValue())), executed(), AutoRun.DECLARATIVE, true);
            assertThat(g.held()).as(c.getKey()).hasSize(1);
            assertThat(g.runnable()).as(c.getKey()).isEmpty();
        }
        for (String data : List.of("config/clusters/prox-n100.yaml", "cluster/kubernetes/flux/apps.yaml", "docs/notes.md",
                "cluster/talos/controlplane.yaml")) {
            ReviewGate.Gate g = ReviewGate.decide(List.of(commit("d1", edit(data))), executed(), AutoRun.DECLARATIVE, true);
            assertThat(g.held()).as(data).isEmpty();
            assertThat(g.runnable()).as(data).contains("d1");
        }
    }

    @Test
    void aHeldCommitHoldsBackEveryCommitMadeOnTopOfIt() {
        List<PendingCommit> pending = List.of(commit("d1", edit("docs/notes.md")),
                commit("c2", edit("infrastructure/proxmox/vms.sh")), commit("d3", edit("cluster/talos/controlplane.yaml")));
        ReviewGate.Gate g = ReviewGate.decide(pending, executed(), AutoRun.DECLARATIVE, true);
        assertThat(g.runnable()).contains("d1");
        assertThat(g.held()).extracting(ReviewGate.Held::commit).containsExactly("c2", "d3");
        assertThat(g.held("d3")).get().extracting(h -> h.behind().orElse("")).isEqualTo("c2");
        assertThat(g.held("c2").orElseThrow().describe()).contains("engine review approve c2", "vms.sh");
    }

    @Test
    void autoRunAllRunsCodeOnlyWhereTheSandboxWorksAndNoneHoldsEverything() {
        List<PendingCommit> code = List.of(commit("c1", edit("infrastructure/proxmox/vms.sh")));
        assertThat(ReviewGate.decide(code, executed(), AutoRun.ALL, true).held()).isEmpty();
        ReviewGate.Gate uncontained = ReviewGate.decide(code, executed(), AutoRun.ALL, false);
        assertThat(uncontained.held()).hasSize(1);
        assertThat(uncontained.held().get(0).reasons().get(0)).contains("no working sandbox");
        List<PendingCommit> data = List.of(commit("d1", edit("docs/notes.md")));
        ReviewGate.Gate none = ReviewGate.decide(data, executed(), AutoRun.NONE, true);
        assertThat(none.held()).hasSize(1);
        assertThat(none.held().get(0).reasons().get(0)).contains("auto_run is none");
    }
}
