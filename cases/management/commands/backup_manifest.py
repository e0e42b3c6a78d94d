"""`manage.py backup_manifest`: what a backup must bring back, as JSON — the row count
of every table, the SHA-256 of every private file, and how many stored ID numbers
decrypt with the configured key. scripts/backup.sh stores it in the archive;
scripts/restore_drill.sh compares it before backup and after restore."""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from cases.models import Worker
from config.storage import private_storage


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def file_hashes(root: Path) -> dict[str, str]:
    hashes = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        hashes[str(path.relative_to(root))] = digest.hexdigest()
    return hashes


def stored_hashes(storage, folder: str = "") -> dict[str, str]:
    """The same for a store that is not a local folder (S3): walked through its API."""
    hashes = {}
    folders, files = storage.listdir(folder)
    for name in files:
        path = f"{folder}/{name}" if folder else name
        digest = hashlib.sha256()
        with storage.open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        hashes[path] = digest.hexdigest()
    for name in folders:
        hashes.update(stored_hashes(storage, f"{folder}/{name}" if folder else name))
    return dict(sorted(hashes.items()))


def decryptable_id_numbers() -> int:
    # Reading the field decrypts it: a wrong or missing key raises here.
    return sum(1 for value in Worker.objects.values_list("id_number", flat=True) if value)


class Command(BaseCommand):
    help = "Print row counts, private-file hashes and decryptable ID numbers as JSON."

    def handle(self, **options):
        storage = private_storage()
        if settings.S3_BUCKET:
            files = stored_hashes(storage)
        else:
            root = Path(storage.location)
            files = file_hashes(root) if root.exists() else {}
        manifest = {
            "tables": table_counts(),
            "files": files,
            "id_numbers_decrypted": decryptable_id_numbers(),
        }
        self.stdout.write(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
