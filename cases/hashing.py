"""Keyed hashes for secrets we must check but never store: access codes, SMS codes,
and phone numbers in lookup logs. HMAC with a server-side key, so a stolen database
alone does not let anyone brute-force an 8-digit code or a phone number."""

import hashlib
import hmac
import secrets

from django.conf import settings


def keyed_hash(value: str, purpose: str) -> str:
    key = f"{settings.PHONE_HASH_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def matches(value: str, digest: str, purpose: str) -> bool:
    return bool(digest) and hmac.compare_digest(keyed_hash(value, purpose), digest)


def random_digits(length: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))
