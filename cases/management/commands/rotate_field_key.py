"""`manage.py rotate_field_key`: re-encrypt every stored ID number under the current
FIELD_ENCRYPTION_KEY and recompute its keyed hash. Run it after putting the new key in
FIELD_ENCRYPTION_KEY and the old one in FIELD_ENCRYPTION_OLD_KEYS; `--check` only
counts the rows still under an old key (0: the old key can be dropped).
docs/deployment.md has the whole procedure."""

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from cases.encryption import DecryptionFailed, id_number_hash
from cases.models import Worker

BATCH = 500


def stored_tokens():
    """(pk, token) of every worker with an ID number, as stored (not decrypted)."""
    return (
        Worker.objects.annotate(token=Cast("id_number", TextField()))
        .exclude(token="")
        .order_by("pk")
        .values_list("pk", "token")
    )


def under_old_keys() -> int:
    current = Fernet(settings.FIELD_ENCRYPTION_KEY)
    old = 0
    for _pk, token in stored_tokens().iterator():
        try:
            current.decrypt(token.encode())
        except InvalidToken:
            old += 1
    return old


def rotate_all() -> int:
    """Rewrite every ID number under the current key; returns how many rows."""
    pks = [pk for pk, _token in stored_tokens()]
    for start in range(0, len(pks), BATCH):
        with transaction.atomic():
            for worker in Worker.objects.filter(pk__in=pks[start : start + BATCH]).only(
                "pk", "id_number"
            ):
                # Saving the clear value encrypts it under the current key.
                Worker.objects.filter(pk=worker.pk).update(
                    id_number=worker.id_number, id_number_hash=id_number_hash(worker.id_number)
                )
    return len(pks)


class Command(BaseCommand):
    help = "Re-encrypt stored ID numbers under FIELD_ENCRYPTION_KEY (key rotation)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only count rows still under an old key"
        )

    def handle(self, *, check, **options):
        if check:
            old = under_old_keys()
            self.stdout.write(f"{old} ID number(s) still encrypted under an old key.")
            return
        try:
            count = rotate_all()
        except DecryptionFailed as exc:
            raise CommandError(
                f"{exc}. Put the key they were encrypted with in FIELD_ENCRYPTION_OLD_KEYS."
            ) from exc
        self.stdout.write(
            f"Re-encrypted {count} ID number(s) under the current key. "
            f"{under_old_keys()} left under an old key."
        )
