"""What the API keeps, and for how long: rate-limit windows an hour, Idempotency-Keys
IDEMPOTENCY_DAYS (a retry comes within minutes; a week covers a hotline system that
was down over a holiday), the call log as long as the security log
(SECURITY_LOG_RETENTION_DAYS, at least 180: 网络安全法 art. 21(3)). Run daily."""

import datetime

from django.utils import timezone

from accounts.security import retention_days
from api.models import ApiCall, IdempotencyKey, RateWindow

IDEMPOTENCY_DAYS = 7


def purge(now=None) -> dict:
    now = now or timezone.now()
    log_days = retention_days()
    return {
        "rate_windows": RateWindow.objects.filter(
            minute__lt=now - datetime.timedelta(hours=1)
        ).delete()[0],
        "idempotency_keys": IdempotencyKey.objects.filter(
            created_at__lt=now - datetime.timedelta(days=IDEMPOTENCY_DAYS)
        ).delete()[0],
        "calls": ApiCall.objects.filter(at__lt=now - datetime.timedelta(days=log_days)).delete()[0],
    }
