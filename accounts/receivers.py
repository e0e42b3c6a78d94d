"""The security log's receivers for Django's login signals. Failed logins are logged by
accounts.lockout.LockoutHandler (it knows whether axes refused or counted them)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts import language, security, staff_session
from accounts.models import SecurityEvent

Kind = SecurityEvent.Kind


@receiver(user_logged_in, dispatch_uid="accounts.logged_in")
def logged_in(sender, request, user, **kwargs):
    staff_session.begin(request, user)
    language.remember_at_login(request, user)
    security.record(Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.logged_out")
def logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "session_expired", "")
    if reason:
        security.record(Kind.SESSION_EXPIRED, request=request, user=user, reason=reason)
    else:
        security.record(Kind.LOGOUT, request=request, user=user)
