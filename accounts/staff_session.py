"""How long a staff session lasts, and whether it still owes its second factor.

A staff session ends after STAFF_IDLE_MINUTES without a request (default 30) and, in
any case, STAFF_SESSION_MAX_HOURS after the password was given (default 12): a PC left
signed in at a station does not stay open to the next person, and a stolen session
cookie stops working. accounts.middleware.StaffSessionMiddleware checks both.

Where the times are kept: the login time in the session (written once, at login);
the last request's time in a small signed cookie, reissued with every staff page and
bound to the session (a hash of its key). So an ordinary page writes nothing to the
database. A client that drops or replays the cookie only shortens its session: the
idle clock then counts from the login time (or the older request).

The second factor: at login, a user with a confirmed authenticator owes a code
("verify"); a user whose role requires two-factor sign-in (accounts.twofactor.required_for)
and has none owes its setup ("setup"). Until paid, every staff page redirects there.
"""

import hashlib

from django.conf import settings
from django.core import signing
from django.utils import timezone

from accounts import twofactor

STARTED = "staff_auth_at"
PENDING = "staff_otp_pending"
SEEN_COOKIE = "staff_seen"
_SALT = "accounts.staff_session.seen"


def _now() -> int:
    return int(timezone.now().timestamp())


def begun(session) -> bool:
    return STARTED in session


def begin(request, user) -> None:
    """At login (and for a session signed in before this clock existed): start the
    clock and note what the second factor still needs."""
    request.session[STARTED] = _now()
    owed = twofactor.owed_at_login(user)
    if owed:
        request.session[PENDING] = owed
    else:
        request.session.pop(PENDING, None)


def _bound_to(session_key: str) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:16]


def seen_cookie(session_key: str, now: int | None = None) -> str:
    """The last-seen cookie's value: this session, now."""
    return signing.dumps(
        {"s": _bound_to(session_key), "t": _now() if now is None else now}, salt=_SALT
    )


def last_seen(session, cookie: str | None) -> int:
    """The last request's time: the cookie's, if it is ours and this session's, else
    the login time."""
    started = session[STARTED]
    try:
        data = signing.loads(cookie or "", salt=_SALT)
    except signing.BadSignature:
        return started
    if not isinstance(data, dict) or data.get("s") != _bound_to(session.session_key):
        return started
    seen = data.get("t")
    return max(started, seen) if isinstance(seen, int) else started


def expired(session, cookie: str | None, now: int | None = None) -> str:
    """ "absolute", "idle", or "" while the session is alive."""
    now = _now() if now is None else now
    if now - session[STARTED] > max_hours() * 3600:
        return "absolute"
    if now - last_seen(session, cookie) > idle_minutes() * 60:
        return "idle"
    return ""


def idle_minutes() -> int:
    return settings.STAFF_IDLE_MINUTES


def max_hours() -> int:
    return settings.STAFF_SESSION_MAX_HOURS


def pending(session) -> str:
    return session.get(PENDING, "")


def second_factor_done(session) -> None:
    session.pop(PENDING, None)
