"""The worker's status session: the phone waiting for its code between steps 1 and 2
(in the server-side session), and step 3's 15-minute session (a signed cookie)."""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cases.status.lookup import CODE_TTL, LOCK_DURATION, Verified, phone_hash

SESSION_TTL = datetime.timedelta(minutes=15)
PENDING_KEY = "worker_status_pending"

# How long step 2 waits for a code after step 1 (the code's life, plus a lockout).
PENDING_TTL = CODE_TTL + LOCK_DURATION


def start_pending(session, phone: str, now=None) -> None:
    now = now or timezone.now()
    session[PENDING_KEY] = {"phone": phone, "until": (now + PENDING_TTL).timestamp()}


def pending_phone(session, now=None) -> str | None:
    data = session.get(PENDING_KEY)
    now = now or timezone.now()
    if not data or data.get("until", 0) <= now.timestamp():
        return None
    return data.get("phone")


# Step 3 is the page a worker reloads while waiting for news, so it reads no database
# row to know who is asking: the 15-minute status session is a signed, timestamped
# cookie (django.core.signing with SECRET_KEY) carrying the phone hash and the worker
# ids the code proved (the SMS code: every worker with the phone; a receipt code: only
# its case's worker, see cases.status.lookup.verify), and the page runs one query.
#
# The tradeoff, accepted: the server keeps no list of open status sessions, so
# "revoking" one means deleting the cookie in that browser (the exit button does). A
# copy of the cookie taken from the phone stays valid until it expires, at most
# SESSION_TTL (15 minutes) after the code was entered; a back-office unlock or a new
# code does not end it sooner. The cookie is HttpOnly, SameSite=Lax, Secure outside
# DEBUG and sent only to /status/; it holds no phone number, only its keyed hash, and
# internal worker ids.
STATUS_COOKIE = "worker_status"
_COOKIE_SALT = "cases.status.session"


@dataclass
class StatusSession:
    workers: list[int]
    phone_hash: str
    opened_at: float  # Unix time the code was accepted

    def minutes_left(self, now=None) -> int:
        now = now or timezone.now()
        left = self.opened_at + SESSION_TTL.total_seconds() - now.timestamp()
        return max(0, math.ceil(left / 60))


def session_cookie(verified: Verified, phone: str) -> str:
    """The signed cookie value for a status session opened now."""
    return signing.dumps(
        {"h": phone_hash(phone), "w": [int(pk) for pk in verified.worker_ids]},
        salt=_COOKIE_SALT,
        compress=True,
    )


class SessionExpired(Exception):
    """The cookie is genuine but older than SESSION_TTL."""


def read_session_cookie(value: str | None) -> StatusSession | None:
    """The status session in a cookie value; None when there is none or it was not
    signed by us; SessionExpired when it is ours but too old."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_COOKIE_SALT, max_age=SESSION_TTL)
    except signing.SignatureExpired as exc:
        raise SessionExpired from exc
    except signing.BadSignature:
        return None
    try:
        # value is "payload:timestamp:signature"; the signature covered the timestamp.
        opened_at = signing.b62_decode(value.rsplit(signing.Signer().sep, 2)[1])
        return StatusSession(
            workers=[int(pk) for pk in data["w"]], phone_hash=data["h"], opened_at=opened_at
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def cookie_options() -> dict:

    # No max_age: the browser keeps the cookie until it closes, and the signature's
    # age decides, so a worker who comes back after 15 minutes is told why they must
    # verify again instead of silently landing on step 1.
    return {
        "path": reverse("status:start"),
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": True,
        "samesite": "Lax",
    }


def forget_pending(session) -> None:
    """The code was right: the phone number leaves the server-side session. When
    nothing else is in it, Django drops the session cookie too, and step 3 reads
    no session row."""
    session.pop(PENDING_KEY, None)
