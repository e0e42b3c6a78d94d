#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty (or new)
# private-files folder, then check the archive's own checksums.
#
#   createdb yizhan_restored
#   DATABASE_URL=postgres://…/yizhan_restored PRIVATE_FILES_ROOT=/srv/yizhan-files-restored \
#   BACKUP_PASSPHRASE_FILE=/etc/yizhan-backup.pass scripts/restore.sh /backups/yizhan-2026-12-01.tar.gpg
#
# Then run the app against them with the same FIELD_ENCRYPTION_KEY, and compare
# `manage.py backup_manifest` with the archive's manifest.json (restore_drill.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
archive=${1:?usage: scripts/restore.sh IN.tar.gpg [manifest-out.json]}
manifest_out=${2:-}
: "${DATABASE_URL:?set DATABASE_URL (an empty database)}"
: "${PRIVATE_FILES_ROOT:?set PRIVATE_FILES_ROOT (an empty or new folder)}"
: "${BACKUP_PASSPHRASE_FILE:?set BACKUP_PASSPHRASE_FILE}"

if [[ -d "$PRIVATE_FILES_ROOT" && -n "$(ls -A "$PRIVATE_FILES_ROOT")" ]]; then
  echo "refusing: $PRIVATE_FILES_ROOT is not empty" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$BACKUP_PASSPHRASE_FILE" \
  --decrypt "$archive" | tar -C "$work" -xf -
(cd "$work" && sha256sum --quiet -c SHA256SUMS)

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$work/db.dump"
mkdir -p "$PRIVATE_FILES_ROOT"
tar -C "$PRIVATE_FILES_ROOT" -xf "$work/files.tar"
if [[ -n "$manifest_out" ]]; then cp "$work/manifest.json" "$manifest_out"; fi
echo "restored into $DATABASE_URL and $PRIVATE_FILES_ROOT"
