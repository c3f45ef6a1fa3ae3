package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.escalation.diagnostics.V2HomelabDiagnostics;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine validate holds a stage's own diagnostics to the rules a model's request keeps (issue 12). */
class ValidateDiagnosticsTest {
    @TempDir
    Path tmp;

    private Home home(String diagnostics) throws Exception {
        Home h = Home.create(tmp, """
                stages:
                  talos:
                    description: "Talos bootstrap"
                    command: "stages/talos.sh"
                    files: [stages/talos.sh]
                    diagnostics:
                %s
                """.formatted(diagnostics));
        h.script("stages/talos.sh", "echo ok");
        h.commit("stage");
        return h;
    }

    @Test
    void aForbiddenDiagnosticFailsValidateNamingFileFieldEntryAndRule() throws Exception {
        Home h = home("""
                      - "talosctl --nodes ${CTRL_IP} version"
                      - "kubectl --kubeconfig=cluster/kubeconfig.yaml get pods -A"
                      - "talosctl --nodes ${CTRL_IP} get krs -o yaml"
                      - "dig @1.1.1.1 example.internal axfr"
                      - "pvesh get //access/users"
                """);

        Home.Result r = h.engine("validate");

        assertThat(r.code()).as(r.all()).isEqualTo(1);
        String contextMap = h.ws.resolve("context_map.yaml").toString();
        assertThat(r.out())
                .contains(contextMap + ": stages.talos.diagnostics[1]")
                .contains("'kubectl --kubeconfig=cluster/kubeconfig.yaml get pods -A'").contains("[rule flag-config]")
                .contains("stages.talos.diagnostics[2]").contains("KubernetesRootSecrets.secrets.talos.dev").contains("[rule talosctl-resource]")
                .contains("stages.talos.diagnostics[3]").contains("[rule dns-server]")
                .contains("stages.talos.diagnostics[4]").contains("[rule pvesh-access]")
                .doesNotContain("diagnostics[0]")
                .contains("4 error(s)");
    }

    @Test
    void theV2HomelabsDiagnosticsPassValidate() throws Exception {
        StringBuilder list = new StringBuilder();
        for (String entry : V2HomelabDiagnostics.ENTRIES) {
            list.append("      - \"").append(entry).append("\"\n");
        }
        Home h = home(list.toString());

        Home.Result r = h.engine("validate");

        assertThat(r.out()).as(r.all()).doesNotContain("diagnostics[").contains("ok");
        assertThat(r.code()).as(r.all()).isZero();
    }
}
