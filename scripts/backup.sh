#!/usr/bin/env bash
# Back up 驿站法援: the PostgreSQL database (pg_dump, custom format) and the private files
# (attachments, generated documents), in one archive encrypted with gpg (AES-256,
# symmetric, the passphrase read from a file). docs/deployment.md "备份与恢复".
#
#   DATABASE_URL=postgres://… PRIVATE_FILES_ROOT=/srv/yizhan-files \
#   BACKUP_PASSPHRASE_FILE=/etc/yizhan-backup.pass scripts/backup.sh /backups/yizhan-$(date +%F).tar.gpg
#
# The archive holds db.dump, files.tar, manifest.json (row counts, file hashes: what a
# restore must bring back) and SHA256SUMS. It does NOT hold FIELD_ENCRYPTION_KEY or
# SECRET_KEY: keep those apart (a backup without the key cannot show an ID number).
#
# With S3_BUCKET set the private files live in the bucket, not on this server: files.tar
# is then empty, the manifest still lists every stored file's SHA-256 (read through the
# bucket), and the files themselves are kept by the bucket's versioning and its
# replication or the provider's backup (docs/deployment.md "多台服务器").
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/backup.sh OUT.tar.gpg}
: "${DATABASE_URL:?set DATABASE_URL (postgres://…)}"
if [[ -z "${S3_BUCKET:-}" ]]; then
  : "${PRIVATE_FILES_ROOT:?set PRIVATE_FILES_ROOT}"
fi
: "${BACKUP_PASSPHRASE_FILE:?set BACKUP_PASSPHRASE_FILE (a file holding the passphrase)}"
PY=${PYTHON:-.venv/bin/python}
umask 077  # the archive and everything made on the way: readable by root only

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The manifest first: rows written while pg_dump runs would be in the dump but not in
# the manifest. Take backups when nobody works (the timer below runs at night).
"$PY" manage.py backup_manifest > "$work/manifest.json"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$work/db.dump"
if [[ -n "${S3_BUCKET:-}" ]]; then
  echo "private files are in the bucket $S3_BUCKET: not copied (its versioning keeps them)"
  mkdir -p "$work/empty" && tar -C "$work/empty" -cf "$work/files.tar" .
else
  mkdir -p "$PRIVATE_FILES_ROOT"
  tar -C "$PRIVATE_FILES_ROOT" -cf "$work/files.tar" .
fi
(cd "$work" && sha256sum db.dump files.tar manifest.json > SHA256SUMS)

export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
tar -C "$work" -cf - db.dump files.tar manifest.json SHA256SUMS |
  gpg --batch --yes --quiet --pinentry-mode loopback --passphrase-file "$BACKUP_PASSPHRASE_FILE" \
    --symmetric --cipher-algo AES256 --output "$out"
echo "backup written: $out ($(du -h "$out" | cut -f1))"
