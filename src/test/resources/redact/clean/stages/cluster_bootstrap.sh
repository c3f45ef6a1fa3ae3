#!/usr/bin/env bash
# Bootstrap stages: talos | infra | apps (v2 homelab layout)
set -euo pipefail
STAGE="${1:-talos}"
ROOT="$(git rev-parse --show-toplevel)"
export TALOSCONFIG="${TALOSCONFIG:-$ROOT/cluster/talos/clusterconfig/talosconfig}"
export KUBECONFIG="${KUBECONFIG:-$ROOT/kubeconfig}"
CTRL_IP="${CTRL_IP:-10.0.0.10}"
WORKERS=(10.0.0.11 10.0.0.12)
log() { printf '%s [%s] %s\n' "$(date -Is)" "$STAGE" "$*"; }
retry() { local n=0; until "$@"; do n=$((n+1)); [[ $n -ge ${RETRIES:-30} ]] && return 1; sleep "${DELAY:-10}"; done; }

talos() {
  log "applying machine configs (talos ${TALOS_VERSION:-v1.8.3})"
  talosctl apply-config --insecure --nodes "$CTRL_IP" --file "$ROOT/cluster/talos/controlplane.yaml" || true
  for ip in "${WORKERS[@]}"; do
    talosctl apply-config --insecure --nodes "$ip" --file "$ROOT/cluster/talos/worker.yaml" || true
  done
  retry talosctl --nodes "$CTRL_IP" version
  talosctl --nodes "$CTRL_IP" bootstrap || log "bootstrap already done"
  retry talosctl --nodes "$CTRL_IP" health --wait-timeout 10m
  talosctl --nodes "$CTRL_IP" kubeconfig "$KUBECONFIG" --force
  kubectl get nodes -o wide
}

infra() {
  log "installing Flux"
  kubectl apply --server-side -f "$ROOT/cluster/kubernetes/flux/flux-install.yaml"
  kubectl -n flux-system create secret generic sops-age --from-file=age.agekey="${SOPS_AGE_KEY_FILE:-$HOME/.config/sops/age/keys.txt}" --dry-run=client -o yaml | kubectl apply -f -
  kubectl apply -f "$ROOT/cluster/kubernetes/flux/gotk-sync.yaml"
  flux reconcile source git flux-system --timeout 5m
  flux reconcile kustomization platform --with-source --timeout 10m
  kubectl -n longhorn-system rollout status deploy/longhorn-driver-deployer --timeout 10m
  kubectl get sc
}

apps() {
  log "reconciling apps"
  flux reconcile kustomization apps --with-source --timeout 15m
  kubectl get kustomizations -A
  kubectl get pods -A | grep -v -E 'Running|Completed' || true
  local token_len; token_len="$(kubectl -n cloudflared get secret cloudflared-token -o jsonpath='{.data.token}' | base64 -d | wc -c)"
  log "tunnel token present (${token_len} bytes)"
  curl -fsS -o /dev/null -w '%{http_code}\n' "https://grafana.${DOMAIN:-funoffshore.lan}/api/health"
}

case "$STAGE" in
  talos) talos ;;
  infra) infra ;;
  apps) apps ;;
  *) echo "usage: $0 talos|infra|apps" >&2; exit 2 ;;
esac
