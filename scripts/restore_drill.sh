#!/usr/bin/env bash
# The restore drill (run by .ci/run; run it on a staging machine after any change to
# the backup): fill a fresh PostgreSQL database and file root with the demo data plus an
# upload, back them up with scripts/backup.sh, restore into another fresh database and
# file root with scripts/restore.sh, and check that every table's row count, every
# file's SHA-256 and every ID number's decryption match. Prints its run time.
#
#   PG_URL=postgres://postgres@127.0.0.1:5432 scripts/restore_drill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
started=$(date +%s%N)
tag="${DRILL_DB_PREFIX:-yizhan_drill_$$}"
source_db="${tag}_source"
restored_db="${tag}_restored"
work=$(mktemp -d)

lap_at=$started
lap() {  # prints the seconds since the previous lap
  local now; now=$(date +%s%N)
  printf '   (%s: %d.%01d s)\n' "$1" $(((now - lap_at) / 1000000000)) $(((now - lap_at) / 100000000 % 10))
  lap_at=$now
}

cleanup() {
  psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $source_db" -c "DROP DATABASE IF EXISTS $restored_db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# One key for both sides, kept outside the backup as in production.
export DJANGO_DEBUG=1 Q_SYNC=1 SMS_BACKEND=outbox
FIELD_ENCRYPTION_KEY=$("$PY" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
export FIELD_ENCRYPTION_KEY
export BACKUP_PASSPHRASE_FILE="$work/passphrase"
head -c 32 /dev/urandom | base64 > "$BACKUP_PASSPHRASE_FILE"

echo "== restore drill: filling $source_db"
psql -q "$PG_URL/postgres" -c "CREATE DATABASE $source_db" -c "CREATE DATABASE $restored_db"
export DATABASE_URL="$PG_URL/$source_db" PRIVATE_FILES_ROOT="$work/files-source"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo >/dev/null
"$PY" manage.py shell -v 0 -c "
import io
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from cases import attachments
from cases.models import Case
buffer = io.BytesIO()
Image.new('RGB', (8, 8), 'red').save(buffer, 'PNG')
case = Case.objects.filter(state='in_progress').first()
attachments.save_attachment(case, SimpleUploadedFile('drill.png', buffer.getvalue()), case.created_by)
"
"$PY" manage.py backup_manifest > "$work/before.json"
lap "migrate, demo data, upload, manifest"

echo "== backing up"
scripts/backup.sh "$work/backup.tar.gpg"
lap "backup"
if tar -tf "$work/backup.tar.gpg" >/dev/null 2>&1 || grep -qa "PGDMP" "$work/backup.tar.gpg"; then
  echo "FAILED: the backup is readable without the passphrase" >&2
  exit 1
fi

echo "== restoring into $restored_db and a new file root"
export DATABASE_URL="$PG_URL/$restored_db" PRIVATE_FILES_ROOT="$work/files-restored"
scripts/restore.sh "$work/backup.tar.gpg" "$work/in-archive.json"
"$PY" manage.py backup_manifest > "$work/after.json"
lap "restore and manifest"

"$PY" - "$work/before.json" "$work/in-archive.json" "$work/after.json" <<'PY'
import json, sys
before, archived, after = (json.load(open(p)) for p in sys.argv[1:])
checks = {
    "the archive's manifest is the source's": archived == before,
    "row counts match": before["tables"] == after["tables"],
    "file hashes match": before["files"] == after["files"],
    "ID numbers decrypt": before["id_numbers_decrypted"] == after["id_numbers_decrypted"] > 0,
    "there were files": len(before["files"]) > 1,
    "there were rows": sum(before["tables"].values()) > 100,
}
for name, ok in checks.items():
    print(f"  {'ok  ' if ok else 'FAIL'} {name}")
rows = sum(after["tables"].values())
print(f"  {len(after['tables'])} tables, {rows} rows, {len(after['files'])} files, "
      f"{after['id_numbers_decrypted']} ID numbers")
failed = sum(not ok for ok in checks.values())
print(f"restore drill: {len(checks) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
printf 'restore drill took %d.%01d s\n' $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
