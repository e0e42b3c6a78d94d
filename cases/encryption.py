"""Encryption at rest of the worker's ID number (身份证号), PIPL art. 51, and the keyed
hash that finds the same number again without decrypting anything.

- **Encryption**: Fernet (AES-128-CBC with an HMAC-SHA256 tag, from the `cryptography`
  package) under FIELD_ENCRYPTION_KEY, read from the environment (in local development
  generated into var/field_encryption_key). The database and its backups hold only
  tokens; the key is kept apart from them. `Worker.id_number` is an
  `EncryptedTextField`: Python code reads and writes the clear number, the column holds
  the token. The column cannot be searched (a lookup on it raises): search by the hash.
- **Matching**: `Worker.id_number_hash` is HMAC-SHA256 of the normalised number under a
  key derived from the encryption key. `id_number_hashes(value)` gives the hash under
  every key of the ring, so duplicates are found during a rotation too.
- **Rotation**: put the new key in FIELD_ENCRYPTION_KEY and the old one in
  FIELD_ENCRYPTION_OLD_KEYS (comma-separated), restart, run `manage.py rotate_field_key`:
  every token is re-encrypted and every hash recomputed under the new key. Then drop
  the old key. Decryption tries every key of the ring, so nothing breaks in between.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

from cases.validators import normalize_id_number


class DecryptionFailed(Exception):
    """A stored token that no key of the ring opens (a wrong or missing key)."""


def key_ring() -> tuple[str, ...]:
    """The current key first, then the old keys still accepted for reading."""
    return (settings.FIELD_ENCRYPTION_KEY, *settings.FIELD_ENCRYPTION_OLD_KEYS)


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY (and FIELD_ENCRYPTION_OLD_KEYS) must be Fernet keys: "
            '32 random bytes, url-safe base64 (python -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())").'
        ) from exc


def encrypt(text: str) -> str:
    if not text:
        return ""
    return _fernet(key_ring()).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(key_ring()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionFailed(
            "a stored ID number cannot be decrypted with FIELD_ENCRYPTION_KEY or "
            "FIELD_ENCRYPTION_OLD_KEYS"
        ) from exc


def _hash_key(key: str) -> bytes:
    return hashlib.sha256(b"yizhan:id-number-hash:" + key.encode()).digest()


def id_number_hash(value: str, key: str | None = None) -> str:
    """The keyed hash of a normalised ID number under `key` (default: the current one)."""
    value = normalize_id_number(value or "")
    if not value:
        return ""
    key = key or settings.FIELD_ENCRYPTION_KEY
    return hmac.new(_hash_key(key), value.encode(), hashlib.sha256).hexdigest()


def id_number_hashes(value: str) -> list[str]:
    """The hash under every key of the ring: what a lookup must match while a rotation
    is under way."""
    return [h for h in (id_number_hash(value, key) for key in key_ring()) if h]


class EncryptedTextField(models.TextField):
    """Clear text in Python, a Fernet token in the database; not searchable."""

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted and cannot be searched with "
            f"'{lookup_name}': filter on its keyed hash (cases.encryption.id_number_hashes)."
        )

    def formfield(self, **kwargs):
        # A one-line input, not TextField's textarea: the clear value is a short string.
        defaults = {"form_class": forms.CharField, "max_length": self.max_length}
        return models.Field.formfield(self, **{**defaults, **kwargs})


class IdNumberHashField(models.CharField):
    """The keyed hash of the ID number in field `source`, computed whenever the row is
    saved (bulk creation too). `Worker.save` adds it to `update_fields` with its source."""

    def __init__(self, *args, source: str, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        self.source = source
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("blank", True), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = id_number_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
