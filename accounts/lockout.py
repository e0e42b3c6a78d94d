"""Staff login protection, on django-axes.

Two limits, both counted on failed logins (the site's login page and the admin's):

- **username + address**: LOGIN_LOCKOUT_FAILURES failures (default 5) of one username
  from one client address lock that pair for LOGIN_LOCKOUT_MINUTES (default 15). One
  person's typos do not lock out colleagues behind the same station's NAT, and an
  attacker elsewhere cannot lock a volunteer out. This is axes' own lock
  (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]).
- **address ceiling**: LOGIN_IP_CEILING failures (default 50) from one address within
  LOGIN_IP_WINDOW_MINUTES (default 60), whatever the usernames, stop logins from that
  address until the window has slid past them: password spraying tries one password
  on many usernames and never trips the first limit. Counted on the security log's
  login_failed rows (`LockoutHandler.is_locked`).

A locked-out attempt is refused before the password is checked, so the right password
does not get in either. The message is the same whether or not the username exists
(axes counts typed usernames, existing or not). An admin unlocks through `unlock`
(the admin's "登录失败记录" page), which clears axes' counts for the username, the
address or both, and writes an `unlock` event from which the address ceiling counts
afresh.
"""

import datetime

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import security
from accounts.models import SecurityEvent

Kind = SecurityEvent.Kind


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out login before any password is checked (first in
    AUTHENTICATION_BACKENDS). Authentication without a request is not a web login
    (a management command, a test client's `login`): there is no client to lock."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def ip_failures(ip: str, now=None) -> int:
    """Failed logins from `ip` in the ceiling's window, since the last unlock of it."""
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=settings.LOGIN_IP_WINDOW_MINUTES)
    events = SecurityEvent.objects.filter(ip=ip)
    unlocked = events.filter(kind=Kind.UNLOCK, at__gte=since).aggregate(last=Max("at"))["last"]
    return events.filter(kind=Kind.LOGIN_FAILED, at__gte=max(since, unlocked or since)).count()


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus the per-address ceiling, and the security log of
    failed logins and lockouts."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        # The backend marks a refused attempt before Django sends this signal.
        refused = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        username = get_client_username(request, credentials) or ""
        reason = getattr(request, "login_lock", "") or ("locked" if refused else "password")
        security.record(
            Kind.LOGIN_FAILED, request=request, user=None, username=username, reason=reason
        )
        if refused:
            return
        if request.axes_locked_out:
            security.record(
                Kind.LOCKOUT, request=request, user=None, username=username, reason="pair"
            )
        elif ip_failures(request.axes_ip_address) == settings.LOGIN_IP_CEILING:
            security.record(
                Kind.LOCKOUT, request=request, user=None, username=username, reason="ip_ceiling"
            )

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        ip = getattr(request, "axes_ip_address", None)
        if ip and ip_failures(ip) >= settings.LOGIN_IP_CEILING:
            request.login_lock = "ip_ceiling"
            return True
        return False


def lockout_message(request) -> str:
    if getattr(request, "login_lock", "") == "ip_ceiling":
        return _(
            "这个网络地址的登录失败次数过多，暂时停止接受登录。请在 %(minutes)d 分钟内稍后再试，"
            "或联系管理员解锁。"
        ) % {"minutes": settings.LOGIN_IP_WINDOW_MINUTES}
    return _(
        "登录失败次数过多，这个用户名在本网络已暂时锁定。请 %(minutes)d 分钟后再试，"
        "或联系管理员解锁。"
    ) % {"minutes": settings.LOGIN_LOCKOUT_MINUTES}


def lockout_response(request, original_response=None, credentials=None):
    """The login page again (the site's or the admin's), with the lockout message and
    what was typed as the username, answered 429. Whether the account exists is not
    said: the page is the same for any username."""
    admin = request.path.startswith("/admin/")
    form_class = AdminAuthenticationForm if admin else AuthenticationForm
    form = form_class(request, data={"username": request.POST.get("username", "")})
    form._errors = {"__all__": form.error_class([lockout_message(request)])}
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "locked_out": True,
    }
    if admin:
        context.update(
            {**admin_site.each_context(request), "title": _("登录"), "app_path": request.path}
        )
        template = "admin/login.html"
    else:
        template = "registration/login.html"
    return render(request, template, context, status=429)


def unlock(*, username: str = "", ip: str = "", by) -> int:
    """Clear the failure counts for a username (everywhere), an address (every username
    there, and its ceiling), or the pair. Returns how many axes records were cleared."""
    if not username and not ip:
        return 0
    cleared = AxesProxyHandler.reset_attempts(ip_address=ip or None, username=username or None)
    # Unlocking a whole address fills the event's address column, from which the
    # ceiling counts afresh; unlocking one username there leaves the ceiling as it is.
    whole_address = bool(ip) and not username
    security.record(
        Kind.UNLOCK,
        username=username,
        actor=by,
        ip=ip if whole_address else "",
        target=ip,
        count=cleared,
    )
    return cleared
