#!/usr/bin/env bash
# Create / update the Talos VMs on Proxmox (stage: vms)
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENV_FILE="${ENV_FILE:-$SCRIPT_DIR/../../config/env/prox-n100.env}"
# shellcheck source=/dev/null
source "$ENV_FILE"
: "${PROXMOX_HOST:?PROXMOX_HOST must be set}"
: "${PROXMOX_TOKEN_ID:?}" "${PROXMOX_TOKEN_SECRET:?}"
echo "Proxmox API token: ${PROXMOX_TOKEN_ID} / ${PROXMOX_TOKEN_SECRET:0:4}****"
echo "SSH: ${SSH_USER:-root}@${PROXMOX_HOST} ${SSH_PASS:+*****}"
AUTH_HEADER="Authorization: PVEAPIToken=${PROXMOX_TOKEN_ID}=${PROXMOX_TOKEN_SECRET}"
TALOS_ISO="${TALOS_ISO:-local:iso/talos-${TALOS_VERSION:-v1.8.3}-metal-amd64.iso}"
declare -A VMS=( [201]=talos-cp-1 [211]=talos-w-1 [212]=talos-w-2 )
declare -A MEM=( [201]=8192 [211]=4096 [212]=4096 )

pve() {
  local method="$1" path="$2"; shift 2
  curl -fsSk -X "$method" -H "$AUTH_HEADER" "https://${PROXMOX_HOST}:8006/api2/json${path}" "$@"
}

ssh_pve() {
  if [[ -n "${SSH_PASS:-}" ]]; then
    sshpass -e ssh -o StrictHostKeyChecking=accept-new "${SSH_USER:-root}@${PROXMOX_HOST}" "$@"
  else
    ssh -o BatchMode=yes "${SSH_USER:-root}@${PROXMOX_HOST}" "$@"
  fi
}

for vmid in "${!VMS[@]}"; do
  name="${VMS[$vmid]}"
  if pve GET "/nodes/${PROXMOX_NODE:-pve}/qemu/${vmid}/status/current" >/dev/null 2>&1; then
    echo "VM ${vmid} (${name}) exists, checking config"
  else
    echo "creating VM ${vmid} (${name}) with ${MEM[$vmid]} MiB"
    ssh_pve qm create "$vmid" --name "$name" --memory "${MEM[$vmid]}" --cores 2 --cpu host \
      --net0 virtio,bridge=vmbr0 --scsihw virtio-scsi-single --scsi0 "local-lvm:${DISK_GB:-32},discard=on,ssd=1" \
      --ide2 "${TALOS_ISO},media=cdrom" --boot 'order=scsi0;ide2' --agent enabled=1 --ostype l26
  fi
  ssh_pve qm start "$vmid" || true
done
echo "token prefix ${CF_API_TOKEN:0:4} length ${#CF_API_TOKEN}"
echo "node list: ${!VMS[*]} count=${#VMS[@]} first=${VMS[201]:-none} upper=${HOSTNAME^^} trimmed=${TALOS_ISO##*/} base=${TALOS_ISO%%:*}"
echo "masked=${SSH_PASS//?/*} default=${GRAFANA_ADMIN_PASSWORD:-unset} alt=${API_KEY:+set} req=${TOKEN:?missing}"
