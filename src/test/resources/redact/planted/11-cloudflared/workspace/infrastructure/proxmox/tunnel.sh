#!/usr/bin/env bash
set -euo pipefail
# install the connector on the Proxmox host (remotely-managed tunnel)
sudo cloudflared service install ⟦cftunnel:c_host_tunnel⟧
docker run -d --restart unless-stopped cloudflare/cloudflared:latest tunnel --no-autoupdate run --token ⟦c_host_tunnel⟧
echo "token prefix: ${TUNNEL_TOKEN:0:6}"
