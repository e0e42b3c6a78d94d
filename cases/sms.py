"""Sending SMS (DESIGN §8). `send_sms` writes the message to the outbox table first,
then a django-q2 task hands it to the configured backend (outbox, console, http)."""

from django.db import IntegrityError, transaction

from .models import SmsMessage

TEMPLATES = {
    # name: text with {placeholders}; short (one 70-character SMS), no sensitive detail.
}


def send_sms(phone, template: str, params: dict | None = None, *, dedupe_key: str | None = None):
    """Queue one SMS. With a dedupe key, a second call for the same key is a no-op."""
    body = TEMPLATES.get(template, template).format(**(params or {}))
    try:
        with transaction.atomic():
            return SmsMessage.objects.create(
                phone=phone, template=template, body=body, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None
