"""Self-help, steps 1 and 2: the worker proves the phone number with an SMS code.

This is the status page's code machinery (cases.status.lookup), with its limits: the
per-address limit, the 60-second resend cooldown, the daily cap, the five tries and
the lock all count the same challenges and the same log, whether a worker asks from
/status/ or from a station's QR code. Two things differ, and both are here:

- The status page texts a code only to numbers that have a case; a worker asking for
  help for the first time has none. Step 1 records the request (a SelfHelpRequest
  row) before asking lookup for the code, and the code task texts a number that has
  such a row from the last CODE_TTL (`expects_code`, called by cases.tasks).
- The status page accepts a code only for numbers that have a case; self-help calls
  lookup.verify with require_case=False, so the tries, the lock and the log are the
  status page's, in the same locked transaction.

Only the 6-digit SMS code proves the phone: a receipt's access code proves one case.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import SelfHelpRequest
from cases.notices.sms import send_sms
from cases.status import lookup

# How long a proven phone may go on to send requests from this browser.
VERIFIED_TTL = datetime.timedelta(minutes=30)
PENDING_KEY = "selfhelp_pending"
VERIFIED_KEY = "selfhelp_verified"


def request_code(station, phone: str, ip: str, now=None) -> SelfHelpRequest:
    """Step 1. Raises lookup.Refused when a limit applies."""
    now = now or timezone.now()
    with transaction.atomic():
        started = SelfHelpRequest.objects.create(
            station=station, phone_hash=lookup.phone_hash(phone), started_at=now
        )
        lookup.request_code(phone, ip, now=now)
    return started


def expects_code(phone: str, now=None) -> bool:
    """Whether this number asked for a self-help code within the code's life."""
    now = now or timezone.now()
    return SelfHelpRequest.objects.filter(
        phone_hash=lookup.phone_hash(phone), started_at__gt=now - lookup.CODE_TTL
    ).exists()


def send_code(phone: str, code: str) -> None:
    send_sms(phone, "selfhelp_code", {"code": code})


@dataclass
class Proven:
    phone: str
    worker_ids: list[int]  # the phone's earlier workers (empty for a first request)


def verify(phone: str, code: str, ip: str, now=None) -> Proven:
    """Step 2: the 6-digit SMS code. Raises lookup.Refused (wrong, expired, locked)."""
    code = lookup.normalize_code(code)
    if len(code) != lookup.CODE_LENGTH:
        # A receipt's access code proves one case, not the phone.
        raise lookup.Refused(_("请输入短信收到的 6 位验证码。"))
    verified = lookup.verify(phone, code, ip, now=now, require_case=False)
    return Proven(phone=phone, worker_ids=list(verified.worker_ids))


# ---------------------------------------------------------------------------
# Between the steps: the browser's session


def start_pending(session, station_code: str, phone: str, now=None) -> None:
    now = now or timezone.now()
    until = now + lookup.CODE_TTL + lookup.LOCK_DURATION
    session[PENDING_KEY] = {"phone": phone, "station": station_code, "until": until.timestamp()}


def pending_phone(session, station_code: str, now=None) -> str | None:
    data = session.get(PENDING_KEY)
    now = now or timezone.now()
    if not isinstance(data, dict) or data.get("until", 0) <= now.timestamp():
        return None
    if data.get("station") != station_code:
        return None
    return data.get("phone")


def remember_proven(session, proven: Proven, now=None) -> None:
    now = now or timezone.now()
    session.pop(PENDING_KEY, None)
    session[VERIFIED_KEY] = {
        "phone": proven.phone,
        "workers": proven.worker_ids,
        "until": (now + VERIFIED_TTL).timestamp(),
    }
    # The phone number waits in this session row: let it lapse with the proof.
    session.set_expiry(int(VERIFIED_TTL.total_seconds()))


def proven_phone(session, now=None) -> Proven | None:
    data = session.get(VERIFIED_KEY)
    now = now or timezone.now()
    if not isinstance(data, dict) or data.get("until", 0) <= now.timestamp():
        return None
    try:
        return Proven(phone=str(data["phone"]), worker_ids=[int(w) for w in data["workers"]])
    except (KeyError, TypeError, ValueError):
        return None


def forget(session) -> None:
    session.pop(PENDING_KEY, None)
    session.pop(VERIFIED_KEY, None)
