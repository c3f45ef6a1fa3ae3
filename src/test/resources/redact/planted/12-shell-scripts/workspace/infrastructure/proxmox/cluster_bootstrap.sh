#!/usr/bin/env bash
# Bootstrap stages: talos | infra | apps
set -euo pipefail
STAGE="${1:-talos}"
: "${CF_API_TOKEN:?set CF_API_TOKEN in config/env/prox-n100.env}"
echo "using Cloudflare token ${CF_API_TOKEN:0:4}**** for DNS"
SSH_OPTS="-o StrictHostKeyChecking=accept-new${SSH_PASS:+ -o PreferredAuthentications=password}"
log() { printf '%s %s\n' "$(date -Is)" "$*"; }

backup_db() {
  kubectl -n tools exec deploy/mariadb -- mysqldump -uroot -p⟦pwr:sh_mysql_root⟧ --all-databases > /tmp/all.sql
  kubectl -n tools exec deploy/mariadb -- mysql -u nextcloud -p nextcloud -e 'select 1'
  kubectl -n tools exec deploy/redis -- redis-cli -a ⟦alnum32:sh_redis⟧ --no-auth-warning PING
  kubectl -n tools exec deploy/redis -- redis-cli -a "$REDIS_PASSWORD" INFO replication
}

check_ingress() {
  curl -fsS -u admin:⟦pw:sh_curl_pw⟧ https://grafana.funoffshore.lan/api/health
  curl -fsS --user "backup:⟦pwr:sh_curl_pw2⟧" https://nas.funoffshore.lan:5001/webapi/entry.cgi
  curl -fsS -H "Authorization: Bearer ${GRAFANA_TOKEN}" https://grafana.funoffshore.lan/api/dashboards
  curl -fsS -H "X-Api-Key: ⟦hex32:sh_sonarr⟧" http://sonarr.media.svc:8989/api/v3/system/status
}

case "$STAGE" in
  talos)
    sshpass -p '⟦pw:sh_sshpass⟧' ssh $SSH_OPTS root@10.0.0.5 'qm list'
    ;;
  infra)
    flux bootstrap github --owner=funoffshore --repository=homelab --path=cluster/kubernetes/flux --personal --token-auth
    helm upgrade --install longhorn longhorn/longhorn -n longhorn-system --set defaultSettings.backupTargetCredentialSecret=minio --set persistence.defaultClassReplicaCount=2
    mc alias set nas https://nas.funoffshore.lan:9000 homelab-backup ⟦alnum32:sh_minio⟧
    ;;
  apps)
    htpasswd -bc /tmp/auth admin ⟦pw:sh_htpasswd⟧
    kubectl -n media create secret generic arr-keys --from-literal=radarr=⟦hex32:sh_radarr⟧ --from-literal=prowlarr=⟦hex32:sh_prowlarr⟧ --dry-run=client -o yaml | kubectl apply -f -
    tailscale up --authkey=⟦tskey:sh_tskey⟧ --hostname=pve-subnet-router --advertise-routes=10.0.0.0/24
    argocd login argocd.funoffshore.lan --username admin --password ⟦pwr:sh_argocd⟧ --grpc-web
    ;;
esac
