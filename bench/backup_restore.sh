#!/usr/bin/env bash
# Back up a SMART database and its files, restore both elsewhere, and prove the copy is whole
# (docs/DEPLOY.md, "Backup and restore"). Everything stays on this machine:
#
#   bench/backup_restore.sh SOURCE_DB [MEDIA_DIR]
#
#   SOURCE_DB   a database on $PGHOST (default 127.0.0.1) as $PGUSER (default postgres)
#   MEDIA_DIR   the MEDIA_ROOT to back up; without it a small sample tree is made and used
#
# Writes the dump and the file copy under $BACKUP_DIR (default a new temporary directory), restores
# into the new database ${SOURCE_DB}_restored (dropped first if it exists) and a new directory, then
# checks: the same row count in every table, no migration left to apply, the audit chains intact,
# every file back with the same SHA-256. Exits non-zero on the first difference.
set -euo pipefail

SOURCE_DB=${1:?usage: bench/backup_restore.sh SOURCE_DB [MEDIA_DIR]}
MEDIA_DIR=${2:-}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
TARGET_DB="${SOURCE_DB}_restored"
BACKUP_DIR=${BACKUP_DIR:-$(mktemp -d /tmp/smart-backup-XXXXXX)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv/bin/python"
now() { date +%s.%N; }
took() { printf "%.1f s" "$(echo "$(now) - $1" | bc)"; }

if [ -z "$MEDIA_DIR" ]; then
    MEDIA_DIR="$BACKUP_DIR/sample-media"
    mkdir -p "$MEDIA_DIR/documents/2026/11" "$MEDIA_DIR/decrees/2026"
    for i in 1 2 3; do head -c 200000 /dev/urandom > "$MEDIA_DIR/documents/2026/11/scan-$i.pdf"; done
    head -c 90000 /dev/urandom > "$MEDIA_DIR/decrees/2026/000001-sample.pdf"
fi

echo "== backup of $SOURCE_DB and $MEDIA_DIR into $BACKUP_DIR"
t=$(now)
pg_dump -Fc -Z 6 -d "$SOURCE_DB" -f "$BACKUP_DIR/smart.dump"
echo "pg_dump: $(du -h "$BACKUP_DIR/smart.dump" | cut -f1) in $(took "$t")"
t=$(now)
(cd "$MEDIA_DIR" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) > "$BACKUP_DIR/media.sha256"
rsync -a "$MEDIA_DIR/" "$BACKUP_DIR/media/"
echo "files: $(wc -l < "$BACKUP_DIR/media.sha256") copied with their SHA-256 list in $(took "$t")"

echo "== restore into $TARGET_DB"
t=$(now)
psql -qc "DROP DATABASE IF EXISTS \"$TARGET_DB\"" -c "CREATE DATABASE \"$TARGET_DB\"" postgres
pg_restore -d "$TARGET_DB" --no-owner -j 2 "$BACKUP_DIR/smart.dump"
echo "pg_restore (2 jobs): $(took "$t")"
RESTORED_MEDIA="$BACKUP_DIR/restored-media"
rsync -a "$BACKUP_DIR/media/" "$RESTORED_MEDIA/"

echo "== checks"
count_rows() {
    local sql
    sql=$(psql -d "$1" -tAc "SELECT string_agg(format('SELECT %L, count(*) FROM %I', tablename, tablename), ' UNION ALL ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
    psql -d "$1" -tAc "$sql ORDER BY 1"
}
count_rows "$SOURCE_DB" > "$BACKUP_DIR/counts.source"
count_rows "$TARGET_DB" > "$BACKUP_DIR/counts.restored"
diff "$BACKUP_DIR/counts.source" "$BACKUP_DIR/counts.restored"
echo "row counts identical: $(wc -l < "$BACKUP_DIR/counts.source") tables, $(awk -F'|' '{s += $2} END {print s}' "$BACKUP_DIR/counts.source") rows"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:${PGPORT:-5432}/$TARGET_DB"
(cd "$ROOT" && "$PY" manage.py migrate --check) && echo "migrations: none left to apply"
(cd "$ROOT" && "$PY" manage.py audit_verify)
(cd "$RESTORED_MEDIA" && sha256sum -c --quiet "$BACKUP_DIR/media.sha256") && echo "files: all $(wc -l < "$BACKUP_DIR/media.sha256") back, checksums match"
echo "== restore verified ($TARGET_DB, $RESTORED_MEDIA)"
