"""Writing and reading the security log (accounts.models.SecurityEvent).

`record(kind, request=…, user=…, …)` is the one writer. What is logged, and where it
is written:

| event | written by |
|---|---|
| login, login_failed, lockout, logout | accounts/receivers.py (Django's and django-axes' signals) |
| unlock | accounts/lockout.py `unlock` (the admin's unlock action) |
| session_expired | accounts/middleware.py (idle timeout, absolute maximum) |
| otp_* , recovery_* | accounts/twofactor.py |
| password_changed | accounts/views.py (the password page) |
| permission_denied | accounts/middleware.py, from `PermissionDenied` (the admin's 403) and from
  `cases.permissions.Denied` (a guard refusing a signed-in user a case or page) |
| export | the exports: the security log itself, the worker's data copy, closing-report zips |

A 404 for a case number that does not exist is not a denial (a typo), and nothing is
logged for the worker's public status pages (they have their own lookup log).
"""

import csv
import datetime
import io
import ipaddress

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import SecurityEvent

Kind = SecurityEvent.Kind

# The one rule for "which address is the client" lives with the status page's limits;
# the login lockout and this log use the same (a string, so that accounts imports
# nothing from cases).
CLIENT_IP_RULE = "cases.status.lookup.client_ip"


class Denied(Http404):
    """A permission guard's refusal: a 404 to the user (PIPL: not even whether it
    exists), a `permission_denied` event in the log. `details` say what was refused
    (e.g. the case number and the check)."""

    def __init__(self, **details):
        super().__init__()
        self.details = details


def valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The client's address as the status page's limits see it, if it is an address."""
    if request is None:
        return ""
    value = import_string(CLIENT_IP_RULE)(request) or ""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        # A header that is not an address (a misconfigured or hostile proxy header):
        # fall back to the connection's address rather than store the garbage.
        return request.META.get("REMOTE_ADDR", "")


def _request_ip(request) -> str:
    # axes has worked it out already on a login request.
    return getattr(request, "axes_ip_address", None) or client_ip(request)


def _authenticated(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def record(
    kind, *, request=None, user=None, username="", actor=None, ip=None, **data
) -> SecurityEvent:
    """Append one event. `user` is whom it concerns (default: the request's user);
    `actor` who did it when that is someone else (an admin's unlock or reset); `ip`
    the address it concerns (default: the request's client address)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    user = _authenticated(user)
    if not username and user is not None:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or "")[:150],
        actor=_authenticated(actor),
        ip=ip if ip is not None else _request_ip(request),
        path=(request.path if request is not None else "")[:200],
        data=data,
    )


def retention_days() -> int:
    """How long security records are kept (the API's call log too): the setting, never
    below the legal minimum."""
    return max(settings.SECURITY_LOG_RETENTION_DAYS, MINIMUM_RETENTION_DAYS)


def purge(now=None) -> int:
    """Delete events older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    deleted, _kinds = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


# 网络安全法 art. 21(3): network logs are kept for no less than six months.
MINIMUM_RETENTION_DAYS = 180


def describe(event: SecurityEvent) -> str:
    """The event's details in the reader's language."""
    data = event.data or {}
    parts = []
    if data.get("reason"):
        parts.append(str(REASONS.get(data["reason"], data["reason"])))
    if data.get("what"):
        parts.append(str(data["what"]))
    if data.get("count") is not None:
        parts.append(_("%(n)s 条") % {"n": data["count"]})
    if data.get("target"):
        parts.append(_("对象：%(target)s") % {"target": data["target"]})
    if data.get("case"):
        parts.append(_("案件 %(number)s") % {"number": data["case"]})
    if data.get("check"):
        parts.append(_("规则：%(check)s") % {"check": data["check"]})
    if data.get("view"):
        parts.append(_("页面：%(view)s") % {"view": data["view"]})
    return _("；").join(parts)


REASONS = {
    "password": gettext_lazy("用户名或密码错误"),
    "locked": gettext_lazy("已锁定，拒绝尝试"),
    "pair": gettext_lazy("同一用户名在同一地址连续登录失败"),
    "ip_ceiling": gettext_lazy("同一地址失败次数超过上限"),
    "idle": gettext_lazy("长时间未操作"),
    "absolute": gettext_lazy("超过会话最长时间"),
    "totp": gettext_lazy("动态验证码"),
    "recovery": gettext_lazy("恢复码"),
}


def export_csv(events) -> bytes:
    """The events as CSV (UTF-8 with BOM, so that Excel opens the Chinese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("时间"), _("事件"), _("用户名"), _("操作人"), _("IP 地址"), _("页面"), _("详情")]
    )
    for event in events.select_related("actor").iterator():
        writer.writerow(
            [
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                event.get_kind_display(),
                _csv_safe(event.username),
                _csv_safe(event.actor.get_username() if event.actor else ""),
                event.ip,
                _csv_safe(event.path),
                _csv_safe(describe(event)),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


def _csv_safe(text: str) -> str:
    # A typed username such as "=HYPERLINK(…)" must not become a formula in Excel.
    text = str(text or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
