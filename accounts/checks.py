"""Checks for the staff-account settings (run by `manage.py check`, and at startup)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from accounts.security import MINIMUM_RETENTION_DAYS


@register(Tags.security)
def security_log_retention(app_configs, **kwargs):
    if settings.SECURITY_LOG_RETENTION_DAYS >= MINIMUM_RETENTION_DAYS:
        return []
    return [
        Error(
            f"SECURITY_LOG_RETENTION_DAYS is {settings.SECURITY_LOG_RETENTION_DAYS}: "
            f"security logs must be kept at least {MINIMUM_RETENTION_DAYS} days "
            "(网络安全法 art. 21(3): no less than six months).",
            id="yizhan.E010",
        )
    ]


@register(Tags.security, deploy=True)
def staff_two_factor(app_configs, **kwargs):
    if settings.STAFF_2FA_REQUIRED:
        return []
    return [
        Warning(
            "STAFF_2FA_REQUIRED is off: coordinators and admins sign in with a password alone.",
            hint="Leave it on in production (the default when DJANGO_DEBUG=0); turn it off "
            "only for a public demo site.",
            id="yizhan.W010",
        )
    ]
