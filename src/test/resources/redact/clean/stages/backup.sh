#!/usr/bin/env bash
set -Eeuo pipefail
trap 'echo "failed at line $LINENO: $BASH_COMMAND" >&2' ERR
BACKUP_DIR="/mnt/nas/backups/$(date +%F)"
RESTIC_REPOSITORY="${RESTIC_REPOSITORY:-sftp:backup@nas:/volume1/restic}"
export RESTIC_PASSWORD_FILE="${RESTIC_PASSWORD_FILE:-/root/.config/restic/password}"
mkdir -p "$BACKUP_DIR"
for ns in media tools monitoring; do
  kubectl -n "$ns" get secret -o name | sed 's|secret/||' > "$BACKUP_DIR/${ns}-secret-names.txt"
done
kubectl -n tools exec deploy/mariadb -- sh -c 'mysqldump -uroot -p"$MARIADB_ROOT_PASSWORD" --all-databases' > "$BACKUP_DIR/mariadb.sql"
kubectl -n media exec statefulset/immich-postgres -- pg_dumpall -U "${POSTGRES_USER:-immich}" > "$BACKUP_DIR/immich.sql"
redis-cli -h 10.0.0.41 --no-auth-warning -a "$(cat /run/secrets/redis_password)" --rdb "$BACKUP_DIR/dump.rdb"
restic backup "$BACKUP_DIR" --tag "k8s" --host "${HOSTNAME:-pve}" --exclude-caches
restic forget --keep-daily 7 --keep-weekly 4 --prune
echo "done: $(du -sh "$BACKUP_DIR" | cut -f1) in ${SECONDS}s, sha $(sha256sum "$BACKUP_DIR/mariadb.sql" | cut -c1-12)"
