package dev.engine.escalation.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.config.ContextMap;
import dev.engine.config.ContextMapLoader;
import dev.engine.config.StageSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The stage's configured diagnostics: matching, substitution, pipelines and entries that need a shell. */
class DiagnosticsPolicyTest {
    private static final List<String> TALOS = List.of(
            "talosctl --nodes ${CTRL_IP} version",
            "talosctl --nodes ${CTRL_IP} get machines",
            "talosctl --nodes ${CTRL_IP} dmesg | tail -100",
            "kubectl get pods -A | grep -v kube-system | grep -v flux-system",
            "kubectl get nodes -o wide");
    private static final Map<String, String> VARS = Map.of("CTRL_IP", "10.0.0.10");

    private static Verdict.Allowed allowed(Verdict v) {
        assertThat(v).as("verdict for %s", v.requested()).isInstanceOf(Verdict.Allowed.class);
        return (Verdict.Allowed) v;
    }

    private static String refusal(Verdict v) {
        assertThat(v).as("verdict for %s", v.requested()).isInstanceOf(Verdict.Refused.class);
        return ((Verdict.Refused) v).reason();
    }

    @Test
    void aConfiguredDiagnosticMatchesWithVariablesSubstitutedOnBothSides() {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(TALOS, VARS);

        for (String asked : List.of("talosctl --nodes ${CTRL_IP} version", "talosctl --nodes $CTRL_IP version",
                "talosctl --nodes 10.0.0.10 version", "  talosctl   --nodes\t10.0.0.10 version  ")) {
            Verdict.Allowed a = allowed(policy.check(asked));
            assertThat(a.pipeline()).containsExactly(List.of("talosctl", "--nodes", "10.0.0.10", "version"));
            assertThat(a.rule()).isEqualTo("stage diagnostic #1: talosctl --nodes ${CTRL_IP} version");
            assertThat(a.requested()).isEqualTo(asked);
        }
    }

    @Test
    void configuredPipelinesBecomeArgvSegments() {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(TALOS, VARS);

        assertThat(allowed(policy.check("talosctl --nodes 10.0.0.10 dmesg | tail -100")).pipeline()).containsExactly(
                List.of("talosctl", "--nodes", "10.0.0.10", "dmesg"), List.of("tail", "-100"));
        assertThat(allowed(policy.check("kubectl get pods -A | grep -v kube-system | grep -v flux-system")).pipeline())
                .containsExactly(List.of("kubectl", "get", "pods", "-A"), List.of("grep", "-v", "kube-system"),
                        List.of("grep", "-v", "flux-system"));
    }

    @Test
    void aDifferentCommandDoesNotMatchAConfiguredOne() {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(TALOS, VARS);

        // tail is not a read-only verb of the allowlist: only the configured pipeline may use it.
        assertThat(refusal(policy.check("talosctl --nodes 10.0.0.10 dmesg | tail -1000")))
                .isEqualTo("not one of the stage's diagnostics and it contains shell metacharacter '|'");
        assertThat(refusal(policy.check("talosctl --nodes 10.0.0.11 dmesg | tail -100"))).contains("metacharacter '|'");
    }

    @Test
    void quotesFollowSimpleShellRules() {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of(
                "kubectl get pods -A -o 'custom-columns=NAME:.metadata.name,NODE:.spec.nodeName' | grep \"crash loop\"",
                "echo 'it''s' \"a\"'b' '' \"$CTRL_IP\" '$CTRL_IP'"), VARS);

        assertThat(allowed(policy.check(
                "kubectl get pods -A -o 'custom-columns=NAME:.metadata.name,NODE:.spec.nodeName' | grep \"crash loop\"")).pipeline())
                .containsExactly(List.of("kubectl", "get", "pods", "-A", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName"),
                        List.of("grep", "crash loop"));
        // Single quotes keep '$CTRL_IP' literal when it runs; double quotes substitute.
        assertThat(allowed(policy.check("echo 'it''s' \"a\"'b' '' \"$CTRL_IP\" '$CTRL_IP'")).pipeline())
                .containsExactly(List.of("echo", "its", "ab", "", "10.0.0.10", "$CTRL_IP"));
    }

    @Test
    void aVariableValueFullOfMetacharactersStaysOneArgument() {
        Map<String, String> hostile = Map.of("CTRL_IP", "10.0.0.10; rm -rf / | sh $(reboot) `id` && x > /etc/passwd",
                "EMPTY", "");
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("talosctl --nodes ${CTRL_IP} version",
                "kubectl get pods $EMPTY -A", "kubectl logs \"$EMPTY\""), hostile);

        Verdict.Allowed a = allowed(policy.check("talosctl --nodes ${CTRL_IP} version"));
        assertThat(a.pipeline()).containsExactly(List.of("talosctl", "--nodes",
                "10.0.0.10; rm -rf / | sh $(reboot) `id` && x > /etc/passwd", "version"));
        // Asking with the value written out selects the same configured entry, nothing more.
        assertThat(allowed(policy.check("talosctl --nodes 10.0.0.10; rm -rf / | sh $(reboot) `id` && x > /etc/passwd version"))
                .pipeline()).isEqualTo(a.pipeline());
        // An unquoted empty variable disappears (as in a shell); a quoted one is an empty argument.
        assertThat(allowed(policy.check("kubectl get pods -A")).pipeline()).containsExactly(List.of("kubectl", "get", "pods", "-A"));
        assertThat(allowed(policy.check("kubectl logs \"$EMPTY\"")).pipeline()).containsExactly(List.of("kubectl", "logs", ""));
    }

    @Test
    void anUnknownVariableMakesTheEntryUnusableAndTheRefusalSaysSo() {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("talosctl --nodes ${WORKER_IP} version"), VARS);

        assertThat(refusal(policy.check("talosctl --nodes ${WORKER_IP} version"))).isEqualTo(
                "matches the stage diagnostic #1 'talosctl --nodes ${WORKER_IP} version', but that entry cannot be run:"
                        + " unknown variable ${WORKER_IP}");
        assertThat(refusal(policy.check("talosctl --nodes $WORKER_IP version"))).contains("unknown variable ${WORKER_IP}");
    }

    @Test
    void configuredEntriesThatNeedAShellAreRefusedNamingTheConstruct() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("kubectl get pods > /tmp/pods.txt", "'>'"),
                Map.entry("kubectl get pods 2>&1 | tail", "'>'"),
                Map.entry("kubectl get pods; kubectl get nodes", "';'"),
                Map.entry("kubectl get pods && kubectl get nodes", "'&&'"),
                Map.entry("kubectl get pods || true", "'||'"),
                Map.entry("kubectl logs $(kubectl get pods -o name | head -1)", "'$('"),
                Map.entry("kubectl logs `kubectl get pods -o name`", "'`'"),
                Map.entry("ls /var/log/*.log", "'*'"),
                Map.entry("cat ~/.kube/config", "'~'"),
                Map.entry("echo ${CTRL_IP:-none}", "parameter expansion '${CTRL_IP:-none}'"),
                Map.entry("echo \"a\\\"b\"", "'\\'"),
                Map.entry("kubectl get pods | ", "ends with '|'"),
                Map.entry("kubectl get pods 'unterminated", "unbalanced single quote"),
                Map.entry("echo $1", "'$'"),
                Map.entry("sleep 1 &", "'&'"));
        cases.forEach((entry, named) -> {
            DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of(entry), VARS);
            assertThat(refusal(policy.check(entry)))
                    .as(entry)
                    .startsWith("matches the stage diagnostic #1")
                    .contains("cannot be run")
                    .contains(named)
                    .endsWith("which needs a shell");
        });
    }

    @Test
    void anUnusableEntryDoesNotStopTheOthers() {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("kubectl get pods > x", "journalctl -u kubelet | tail -5"), VARS);

        assertThat(allowed(policy.check("journalctl -u kubelet | tail -5")).rule()).startsWith("stage diagnostic #2");
    }

    @Test
    void withoutAMatchTheReadOnlyRulesDecide() {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of(), VARS);

        Verdict.Allowed a = allowed(policy.check("kubectl -n flux-system get kustomizations -o wide"));
        assertThat(a.pipeline()).containsExactly(List.of("kubectl", "-n", "flux-system", "get", "kustomizations", "-o", "wide"));
        assertThat(a.rule()).isEqualTo("read-only: kubectl get");
        assertThat(allowed(policy.check("kubectl logs -n cloudflared 'deploy/cloudflared' --tail=50")).pipeline())
                .containsExactly(List.of("kubectl", "logs", "-n", "cloudflared", "deploy/cloudflared", "--tail=50"));
    }

    @Test
    void everyDiagnosticOfTheV2FixtureIsUsable() throws Exception {
        Path file = Path.of("..", "shared", "fixtures", "v2-homelab", "context_map.yaml");
        if (!Files.exists(file)) {
            file = Path.of("/work/shared/fixtures/v2-homelab/context_map.yaml");
        }
        Assumptions.assumeTrue(Files.isRegularFile(file), "v2 fixture not present");
        ContextMap map = ContextMapLoader.load(file);
        int checked = 0;
        for (String name : map.stageNames()) {
            StageSpec stage = map.stage(name).orElseThrow();
            DiagnosticsPolicy policy = new DiagnosticsPolicy(stage.diagnostics(), VARS);
            for (String d : stage.diagnostics()) {
                assertThat(allowed(policy.check(d)).rule()).startsWith("stage diagnostic #");
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }
}
