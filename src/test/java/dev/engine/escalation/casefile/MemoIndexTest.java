package dev.engine.escalation.casefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoIndexTest {
    /** The shape of a real memo, with the numbering and punctuation people put in headings. */
    private static final String MEMO = """
            # Homelab Architecture Memo

            Kubernetes on Proxmox, driven by Flux.

            ## 1. Overview

            A small cluster for media and tools.

            ## 2. Proxmox:

            One N100 host; VMs on vmbr0.

            ### 2.1 Virtual Machines

            talos-cp-1, talos-w-1, talos-w-2.

            ## 3. Talos Linux

            Immutable OS, configured with talosctl.

            ```bash
            # Talos is never configured over SSH
            talosctl apply-config --file controlplane.yaml
            ```

            ### 3.1 Install disk

            The install disk is /dev/sda on every VM.

            ## 4. Talosctl tips

            Use --nodes.

            ## 5. Storage

            Longhorn replicates volumes; NFS holds media.

            ## 6. Observability

            Prometheus scrapes, Grafana shows metrics.

            ## 7. Disaster Recovery

            Talos snapshots etcd; a new control plane restores it.

            ## 8. Runbook

            If kubectl says the kubeconfig is stale, run talosctl kubeconfig again.
            """;

    private static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("proxmox", List.of("Proxmox", "VM", "virtualization"));
        GROUPS.put("talos", List.of("Talos", "control plane"));
        GROUPS.put("kubernetes", List.of("Kubernetes", "kubectl", "kubeconfig"));
        GROUPS.put("storage", List.of("Longhorn", "NFS", "PVC"));
        GROUPS.put("monitoring", List.of("Prometheus", "Grafana", "metrics"));
    }

    private static MemoIndex.Selection select(List<String> sections, String stageText) {
        return new MemoIndex(new Lines(MEMO)).select(sections, GROUPS, stageText);
    }

    private static List<String> titles(MemoIndex.Selection s) {
        return s.chunks().stream().map(MemoIndex.Chunk::title).toList();
    }

    @Test
    void headingsMatchIgnoringCaseNumberingAndPunctuation() {
        assertThat(MemoIndex.normalize("3. Talos Linux")).isEqualTo("talos linux");
        assertThat(MemoIndex.normalize("2.1 Virtual Machines")).isEqualTo("virtual machines");
        assertThat(MemoIndex.normalize("**Proxmox:**")).isEqualTo("proxmox");
        assertThat(MemoIndex.normalize("(4) Flux")).isEqualTo("flux");
        assertThat(MemoIndex.normalize("IV. Ingress")).isEqualTo("ingress");
        assertThat(MemoIndex.headingMatches("talos linux", "talos")).isTrue();
        assertThat(MemoIndex.headingMatches("talosctl tips", "talos")).isFalse();
        assertThat(MemoIndex.headingMatches("proxmox", "PROXMOX".toLowerCase())).isTrue();
    }

    @Test
    void architectureSectionsSelectTheirWholeSubtree() {
        MemoIndex.Selection s = select(List.of("Proxmox", "talos"), "vms");
        assertThat(s.chunks()).filteredOn(MemoIndex.Chunk::byName).extracting(MemoIndex.Chunk::title)
                .containsExactly("2. Proxmox:", "3. Talos Linux");
        MemoIndex.Chunk talos = s.chunks().stream().filter(c -> c.title().equals("3. Talos Linux")).findFirst().orElseThrow();
        List<String> lines = MEMO.lines().toList().subList(talos.start(), talos.end());
        // the subsection comes along, the next section of the same level does not
        assertThat(lines).contains("### 3.1 Install disk").doesNotContain("## 4. Talosctl tips");
        // a "# comment" inside a code fence is not a heading
        assertThat(lines).contains("# Talos is never configured over SSH");
    }

    @Test
    void keywordGroupsAreUsedOnlyWhenRelevant() {
        // stage text mentions nothing about monitoring: the Observability section stays out
        MemoIndex.Selection s = select(List.of("talos"), "talos\nTalos bootstrap\nerror: disk not found");
        assertThat(titles(s)).doesNotContain("6. Observability", "5. Storage");
        // the log tail mentions Grafana: the monitoring group becomes relevant, its heading-less section is found by body
        MemoIndex.Selection withLog = select(List.of("talos"), "talos\nTalos bootstrap\nerror: Grafana datasource missing");
        assertThat(titles(withLog)).contains("6. Observability");
        assertThat(withLog.notes()).anyMatch(n -> n.contains("keyword groups used") && n.contains("monitoring"));
    }

    @Test
    void oneKeywordInPassingIsNotEnoughTwoAreAndAHeadingIs() {
        MemoIndex.Selection s = select(List.of("storage"), "kubernetes stage: kubectl failed");
        // "5. Storage" by name; "8. Runbook" holds kubectl + kubeconfig (two keywords of a relevant group)
        assertThat(titles(s)).contains("5. Storage", "8. Runbook");
        // "7. Disaster Recovery" only has "control plane"/"Talos" of a group that is not relevant here
        assertThat(titles(s)).doesNotContain("7. Disaster Recovery");
        // the level-1 title's own text holds Kubernetes and Proxmox... but proxmox is not relevant; only kubernetes: one keyword
        assertThat(titles(s)).doesNotContain("Homelab Architecture Memo");
        MemoIndex.Selection vms = select(List.of(), "vms: create the VMs on Proxmox");
        assertThat(titles(vms)).contains("2. Proxmox:");
        // plural forms count ("VMs" for "VM")
        assertThat(MemoIndex.hasKeyword("create the VMs", "VM")).isTrue();
        assertThat(MemoIndex.hasKeyword("the VMware host", "VM")).isFalse();
    }

    @Test
    void unmatchedSectionNamesAreNoted() {
        MemoIndex.Selection s = select(List.of("monitoring", "nonsense"), "obs");
        assertThat(s.notes()).contains("memo: no heading matches architecture section 'monitoring'; its keywords are used instead",
                "memo: no heading matches architecture section 'nonsense'");
        assertThat(titles(s)).contains("6. Observability");
    }

    @Test
    void nestedSelectionsFoldIntoOneChunk() {
        // "Virtual Machines" (by keyword VM in its heading) lies inside "Proxmox" (by name): one chunk, no repeated text
        MemoIndex.Selection s = select(List.of("proxmox"), "VM creation");
        assertThat(titles(s)).containsOnlyOnce("2. Proxmox:").doesNotContain("2.1 Virtual Machines");
        for (int i = 1; i < s.chunks().size(); i++) {
            assertThat(s.chunks().get(i).start()).isGreaterThanOrEqualTo(s.chunks().get(i - 1).end());
        }
    }
}
