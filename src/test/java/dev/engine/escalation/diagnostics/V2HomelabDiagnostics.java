package dev.engine.escalation.diagnostics;

import java.util.List;

/**
 * A copy of every diagnostics entry of the v2 homelab's context_map.yaml
 * (/work/shared/fixtures/v2-homelab; "kubectl get kustomizations -A" is listed by two stages there),
 * for tests that must not depend on the shared fixture being present.
 */
public final class V2HomelabDiagnostics {
    public static final List<String> ENTRIES = List.of(
            "talosctl --nodes ${CTRL_IP} version",
            "talosctl --nodes ${CTRL_IP} get machines",
            "talosctl --nodes ${CTRL_IP} health",
            "talosctl --nodes ${CTRL_IP} dmesg | tail -100",
            "kubectl get nodes -o wide",
            "kubectl get pods -n flux-system",
            "kubectl get kustomizations -A",
            "kubectl get gitrepositories -A",
            "kubectl get sc",
            "kubectl get pods -n longhorn-system",
            "kubectl get pods -A | grep -v kube-system | grep -v flux-system",
            "kubectl get pvc -A",
            "kubectl get pods -n ingress-nginx",
            "kubectl get pods -n cloudflared",
            "kubectl get ingress -A",
            "kubectl logs -n cloudflared deploy/cloudflared --tail=50",
            "kubectl get pods -n monitoring",
            "kubectl get servicemonitors -A",
            "kubectl logs -n monitoring deploy/grafana --tail=50");

    private V2HomelabDiagnostics() {}
}
