#!/usr/bin/env bash
# Demo stage: bootstrap Talos and wait for the cluster to be healthy.
set -euo pipefail
echo "bootstrapping control plane ${CTRL_IP}"
talosctl --nodes "${CTRL_IP}" bootstrap
talosctl --nodes "${CTRL_IP}" health --wait-timeout 30s
echo "cluster healthy"
