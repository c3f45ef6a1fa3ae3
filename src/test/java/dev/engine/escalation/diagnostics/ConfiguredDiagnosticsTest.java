package dev.engine.escalation.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.config.ContextMap;
import dev.engine.config.ContextMapLoader;
import dev.engine.config.StageSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A stage's own diagnostics keep the rules (issue 12); the v2 homelab's entries still pass. */
class ConfiguredDiagnosticsTest {
    static final List<String> V2_ENTRIES = V2HomelabDiagnostics.ENTRIES;

    @Test
    void everyV2EntryPassesWithAndWithoutItsVariablesAndRuns() {
        for (String entry : V2_ENTRIES) {
            assertThat(DiagnosticsPolicy.checkConfigured(entry, Map.of())).as(entry).isEmpty();
            assertThat(DiagnosticsPolicy.checkConfigured(entry, Map.of("CTRL_IP", "10.0.0.10"))).as(entry).isEmpty();
        }
        DiagnosticsPolicy policy = new DiagnosticsPolicy(V2_ENTRIES, Map.of("CTRL_IP", "10.0.0.10"));
        for (String entry : V2_ENTRIES) {
            Verdict v = policy.check(entry);
            assertThat(v).as(entry).isInstanceOf(Verdict.Allowed.class);
            assertThat(((Verdict.Allowed) v).rule()).startsWith("stage diagnostic #");
        }
    }

    @Test
    void everyDiagnosticOfTheSharedV2FixturePasses() throws Exception {
        Path file = Path.of("..", "shared", "fixtures", "v2-homelab", "context_map.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(file), "../shared/fixtures/v2-homelab is not present next to this checkout");
        ContextMap map = ContextMapLoader.load(file);
        Set<String> seen = new HashSet<>();
        for (StageSpec stage : map.stages()) {
            for (String entry : stage.diagnostics()) {
                assertThat(DiagnosticsPolicy.checkConfigured(entry, Map.of())).as(stage.name() + ": " + entry).isEmpty();
                seen.add(entry);
            }
        }
        assertThat(seen).as("the copy above is the fixture's list").containsExactlyInAnyOrderElementsOf(V2_ENTRIES);
    }

    @Test
    void forbiddenFormsAreNamedWithTheirRule() {
        Map<String, Rule> cases = Map.ofEntries(
                Map.entry("kubectl --kubeconfig=cluster/kubeconfig.yaml get pods -A", Rule.FLAG_CONFIG),
                Map.entry("kubectl get pods -A --vmodule=round_trippers=9 | tail -20", Rule.FLAG_CONFIG),
                Map.entry("talosctl --nodes ${CTRL_IP} get krs -o yaml", Rule.TALOSCTL_RESOURCE),
                Map.entry("talosctl -n ${CTRL_IP} get machineconfig", Rule.TALOSCTL_RESOURCE),
                Map.entry("helm get values grafana -n monitoring", Rule.SECRET),
                Map.entry("dig @10.0.0.1 example.internal axfr", Rule.DNS_SERVER),
                Map.entry("nslookup -type=axfr example.internal", Rule.DNS_TRANSFER),
                Map.entry("pvesh get /access/users", Rule.PVESH_ACCESS),
                Map.entry("kubectl view-secret flux-system", Rule.PLUGIN),
                Map.entry("kubectl delete pod -n monitoring grafana-0", Rule.VERB),
                Map.entry("/usr/local/bin/kubectl --token=abc get pods", Rule.FLAG_CONFIG),
                Map.entry("env KUBECONFIG=/tmp/kc kubectl get pods", Rule.FLAG_CONFIG),
                Map.entry("timeout 10 talosctl get ksi", Rule.TALOSCTL_RESOURCE),
                Map.entry("kubectl get pods > /tmp/pods.txt", Rule.STAGE_ENTRY));
        cases.forEach((entry, rule) -> {
            List<DiagnosticsPolicy.Violation> v = DiagnosticsPolicy.checkConfigured(entry, Map.of("CTRL_IP", "10.0.0.10"));
            assertThat(v).as(entry).isNotEmpty();
            assertThat(v.get(0).rule()).as(entry + ": " + v).isEqualTo(rule);
        });
    }

    @Test
    void programsOutsideTheReadOnlyToolsStayTheHumansChoice() {
        for (String entry : List.of("journalctl -u k3s --no-pager | tail -50", "ip -br addr", "curl -sS https://grafana.example.internal/api/health",
                "systemctl status kubelet", "echo 'it''s' \"$CTRL_IP\"")) {
            assertThat(DiagnosticsPolicy.checkConfigured(entry, Map.of())).as(entry).isEmpty();
        }
    }

    @Test
    void aVariableCannotSmuggleAForbiddenFlagIntoAConfiguredEntry() {
        Map<String, String> vars = Map.of("KFLAGS", "--kubeconfig=/tmp/planted");
        List<String> entries = List.of("kubectl get pods $KFLAGS");

        assertThat(DiagnosticsPolicy.checkConfigured(entries.get(0), vars)).extracting(DiagnosticsPolicy.Violation::rule)
                .containsExactly(Rule.FLAG_CONFIG);
        Verdict v = new DiagnosticsPolicy(entries, vars).check("kubectl get pods $KFLAGS");
        assertThat(v).isInstanceOf(Verdict.Refused.class);
        assertThat(((Verdict.Refused) v).rule()).isEqualTo(Rule.FLAG_CONFIG);
        assertThat(((Verdict.Refused) v).reason()).startsWith("matches the stage diagnostic #1").contains("breaks the diagnostics rules");
    }

    @Test
    void aConfiguredEntryMayNameAHostARequestCouldNot() {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("dig +short grafana.example.internal", "ping -c 1 ${NAS}"),
                Map.of("NAS", "nas.lan"));

        assertThat(policy.check("dig +short grafana.example.internal")).isInstanceOf(Verdict.Allowed.class);
        assertThat(policy.check("ping -c 1 nas.lan")).isInstanceOf(Verdict.Allowed.class);
        // A variable's value the human used is a known host for requests too; other names are not.
        assertThat(policy.check("ping -c 2 nas.lan")).isInstanceOf(Verdict.Allowed.class);
        Verdict other = policy.check("dig +short other.example.internal");
        assertThat(((Verdict.Refused) other).rule()).isEqualTo(Rule.DNS_UNKNOWN_NAME);
    }
}
