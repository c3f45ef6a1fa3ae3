package dev.engine.escalation.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Read-only requests that are not among the stage's diagnostics but may run anyway. */
class ReadOnlyRulesTest {
    /** The hosts these requests name appear in the stage's texts; DNS and host rules have their own tests. */
    private static final DiagnosticsPolicy POLICY = new DiagnosticsPolicy(List.of(), Map.of(),
            KnownNames.of("CTRL_IP=10.0.0.10 gateway 10.0.0.1, nas.lan", "https://grafana.example.com/login"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "kubectl get pods -A                                                  | read-only: kubectl get",
            "kubectl get all -A                                                   | read-only: kubectl get",
            "kubectl -n flux-system get kustomizations                            | read-only: kubectl get",
            "kubectl --namespace=monitoring get pods -o wide                      | read-only: kubectl get",
            "kubectl --context admin@homelab get nodes                            | read-only: kubectl get",
            "kubectl -nkube-system get pods                                       | read-only: kubectl get",
            "kubectl get pods -n secret-store                                     | read-only: kubectl get",
            "kubectl get pods -l app=secret                                       | read-only: kubectl get",
            "kubectl get sealedsecrets -A                                         | read-only: kubectl get",
            "kubectl get configmap -n kube-system coredns -o yaml                 | read-only: kubectl get",
            "kubectl describe pod -n monitoring grafana-0                         | read-only: kubectl describe",
            "kubectl logs -n cloudflared deploy/cloudflared --tail=50 -p          | read-only: kubectl logs",
            "kubectl logs -n cloudflared deploy/cloudflared -c tunnel --since 1h  | read-only: kubectl logs",
            "kubectl top nodes                                                    | read-only: kubectl top",
            "kubectl events -A --types Warning                                    | read-only: kubectl events",
            "kubectl version                                                      | read-only: kubectl version",
            "kubectl api-resources                                                | read-only: kubectl api-resources",
            "kubectl explain deployment.spec                                      | read-only: kubectl explain",
            "kubectl cluster-info                                                 | read-only: kubectl cluster-info",
            "kubectl auth can-i list secrets                                      | read-only: kubectl auth can-i",
            "talosctl --nodes 10.0.0.10 get members                               | read-only: talosctl get",
            "talosctl -n 10.0.0.10 -e 10.0.0.10 health --wait-timeout 2m           | read-only: talosctl health",
            "talosctl -n 10.0.0.10 dmesg                                          | read-only: talosctl dmesg",
            "talosctl -n 10.0.0.10 logs kubelet --tail 100                        | read-only: talosctl logs",
            "talosctl -n 10.0.0.10 services                                       | read-only: talosctl services",
            "talosctl -n 10.0.0.10 service etcd status                            | read-only: talosctl service",
            "talosctl -n 10.0.0.10 etcd members                                   | read-only: talosctl etcd members",
            "talosctl -n 10.0.0.10 etcd status                                    | read-only: talosctl etcd status",
            "talosctl -n 10.0.0.10 memory                                         | read-only: talosctl memory",
            "talosctl -n 10.0.0.10 containers -k                                  | read-only: talosctl containers",
            "talosctl version --nodes 10.0.0.10                                   | read-only: talosctl version",
            "flux get kustomizations -A                                           | read-only: flux get",
            "flux check                                                           | read-only: flux check",
            "flux logs --level=error --tail 50                                    | read-only: flux logs",
            "flux -n flux-system tree kustomization flux-system                   | read-only: flux tree",
            "helm list -A                                                         | read-only: helm list",
            "helm -n kube-system status traefik                                   | read-only: helm status",
            "helm history traefik -n kube-system -o json                          | read-only: helm history",
            "helm get notes traefik                                               | read-only: helm get notes",
            "qm list                                                              | read-only: qm list",
            "qm config 100                                                        | read-only: qm config",
            "pvesh get /cluster/resources --type vm --output-format json           | read-only: pvesh get",
            "ping -c 3 10.0.0.1                                                   | read-only: ping -c 3",
            "ping -qc5 -W 2 nas.lan                                               | read-only: ping -c 5",
            "dig +short grafana.example.com                                       | read-only: dig",
            "nslookup grafana.example.com                                         | read-only: nslookup",
            "\"kubectl\" get 'pods'                                               | read-only: kubectl get"})
    void isAllowed(String request, String rule) {
        Verdict v = POLICY.check(request);

        assertThat(v).as(request).isInstanceOf(Verdict.Allowed.class);
        Verdict.Allowed a = (Verdict.Allowed) v;
        assertThat(a.rule()).isEqualTo(rule);
        assertThat(a.pipeline()).hasSize(1);
        assertThat(a.pipeline().get(0).get(0)).isIn(ReadOnlyRules.COMMANDS);
    }
}
