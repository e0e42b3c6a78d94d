"""Two middlewares for staff sessions and the security log.

StaffSessionMiddleware (after authentication and messages): ends a staff session that
has been idle too long or has reached its absolute maximum, reissues the last-seen
cookie on every staff page, and sends a session that still owes its second factor to
the verify or setup page (accounts.staff_session).
The worker's public status pages, the health check and static files are left alone:
they are not staff sessions, and the status page must not read the session at all.

DenialLogMiddleware: logs a signed-in user refused by a permission guard
(`accounts.security.Denied`, raised by cases.permissions as a 404) or by the admin
(`PermissionDenied`, a 403). The response is unchanged.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import security, staff_session
from accounts.models import SecurityEvent

# Pages a session that owes its second factor may still open.
OPEN_WHILE_PENDING = {
    "accounts:otp_verify",
    "accounts:otp_setup",
    "logout",
    "login",
    "set_language",
    "admin:logout",
    "admin:jsi18n",
}
# Namespaces and views that are not staff pages.
NOT_STAFF_NAMESPACES = {"status"}
NOT_STAFF_VIEWS = {"healthz"}


def _route(request) -> str:
    match = request.resolver_match
    return match.view_name if match else ""


def _redirect(request, url):
    if request.headers.get("HX-Request"):
        # htmx would swap the login page into a panel; make it load the page instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _with_next(url: str, request) -> str:
    if request.method == "GET":
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "staff_session_alive", False) and SESSION_KEY in request.session:
            response.set_cookie(
                staff_session.SEEN_COOKIE,
                staff_session.seen_cookie(request.session.session_key),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or NOT_STAFF_NAMESPACES & set(match.namespaces):
            return None
        if match.url_name in NOT_STAFF_VIEWS:
            return None
        session = request.session
        if SESSION_KEY not in session:
            return None
        if not staff_session.begun(session):
            staff_session.begin(request, request.user)
        reason = staff_session.expired(session, request.COOKIES.get(staff_session.SEEN_COOKIE))
        if reason:
            return self._end(request, reason)
        request.staff_session_alive = True
        owed = staff_session.pending(session)
        if owed and _route(request) not in OPEN_WHILE_PENDING:
            target = "accounts:otp_verify" if owed == "verify" else "accounts:otp_setup"
            return _redirect(request, _with_next(reverse(target), request))
        return None

    def _end(self, request, reason):
        request.session_expired = reason
        logout(request)
        if reason == "idle":
            text = _("您已 %(minutes)d 分钟没有操作，为保护劳动者信息已自动退出，请重新登录。") % {
                "minutes": staff_session.idle_minutes()
            }
        else:
            text = _("登录已超过 %(hours)d 小时，为保护劳动者信息请重新登录。") % {
                "hours": staff_session.max_hours()
            }
        messages.info(request, text)
        login_url = (
            reverse("admin:login") if request.path.startswith("/admin/") else reverse("login")
        )
        return _redirect(request, _with_next(login_url, request))


class DenialLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, security.Denied | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        details = getattr(exception, "details", {}) or {}
        security.record(
            SecurityEvent.Kind.PERMISSION_DENIED,
            request=request,
            view=_route(request),
            **details,
        )
        return None
