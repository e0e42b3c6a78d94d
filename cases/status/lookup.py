"""The worker's status lookup, steps 1 and 2: the phone number, then a code. Step 3's
session is cases.status.session; what it shows is cases.status.page.

Safety rules, all enforced from the database so they hold across processes:
- Step 1 does the same work for a number with cases and one without: it always
  creates a challenge row and queues one task; the task alone decides whether an
  SMS goes out (`send_code`). The answer page is the same.
- Codes are stored as keyed hashes (cases.hashing), expire after CODE_TTL and allow
  MAX_ATTEMPTS wrong tries (SMS code or receipt access code alike); then the phone is
  locked for LOCK_DURATION.
- A new code needs RESEND_COOLDOWN since the last one and at most DAILY_CAP per
  24 hours per phone; each IP address gets IP_LIMIT counted lookups per IP_WINDOW.
- Every request is logged in StatusLookup with keyed hashes of the number and the
  address, never the raw values.
"""

import datetime
import hmac
import math
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from cases.hashing import keyed_hash, matches, random_digits
from cases.intake import access_code_hash
from cases.models import Case, StatusChallenge, StatusLookup, Worker
from cases.notices.sms import send_sms

CODE_LENGTH = 6
RECEIPT_CODE_LENGTH = 8
CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
LOCK_DURATION = datetime.timedelta(minutes=30)
RESEND_COOLDOWN = datetime.timedelta(seconds=60)
DAILY_CAP = 5
DAY = datetime.timedelta(hours=24)


def ip_limit() -> int:
    return getattr(settings, "STATUS_IP_LIMIT", 30)


def ip_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "STATUS_IP_WINDOW_MINUTES", 60))


# Lookups that count against an address; refusals do not, so the waiting time we
# announce is the real one.
COUNTED = [
    StatusLookup.Outcome.CODE_SENT,
    StatusLookup.Outcome.CODE_OK,
    StatusLookup.Outcome.CODE_WRONG,
    StatusLookup.Outcome.RECEIPT_OK,
]


class Refused(Exception):
    """The request was refused; `message` says why in words the worker can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------
# Input


def normalize_code(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")


def phone_hash(phone: str) -> str:
    return keyed_hash(phone, "status-phone")


def ip_hash(ip: str) -> str:
    return keyed_hash(ip or "unknown", "status-ip")


def code_hash(phone_digest: str, code: str) -> str:
    return keyed_hash(f"{phone_digest}:{code}", "status-code")


def client_ip(request) -> str:
    """REMOTE_ADDR, or, behind a proxy, the header the trusted proxy sets
    (STATUS_CLIENT_IP_HEADER as Django names it in request.META, e.g. "HTTP_X_REAL_IP").

    When that header is a list (X-Forwarded-For: "client-claimed, ..., seen-by-proxy"),
    only the last value is the proxy's own: the ones before it came from the client
    and anyone can write them, so the last is taken."""
    header = getattr(settings, "STATUS_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def wait_words(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes <= 90:
        return _("%(n)d 分钟") % {"n": minutes}
    return _("约 %(n)d 小时") % {"n": math.ceil(minutes / 60)}


# ---------------------------------------------------------------------------
# Limits


def log(phone_digest: str, ip_digest: str, outcome: str, now) -> None:
    StatusLookup.objects.create(phone_hash=phone_digest, ip_hash=ip_digest, outcome=outcome, at=now)


def check_ip(phone_digest: str, ip_digest: str, now) -> None:
    since = now - ip_window()
    recent = StatusLookup.objects.filter(ip_hash=ip_digest, at__gt=since, outcome__in=COUNTED)
    times = list(recent.order_by("-at").values_list("at", flat=True)[: ip_limit()])
    if len(times) >= ip_limit():
        log(phone_digest, ip_digest, StatusLookup.Outcome.RATE_LIMITED, now)
        wait = (times[-1] + ip_window() - now).total_seconds()
        raise Refused(_("这个网络的查询次数太多，请 %(wait)s后再试。") % {"wait": wait_words(wait)})


def latest_challenge(phone_digest: str):
    return (
        StatusChallenge.objects.filter(phone_hash=phone_digest)
        .order_by("-created_at", "-pk")
        .first()
    )


def locked_until(challenge, now):
    """When a challenge used up its tries, the phone stays locked until this time."""
    if challenge is None or challenge.failed_attempts < MAX_ATTEMPTS:
        return None
    until = challenge.expires_at + LOCK_DURATION  # expires_at is set to the lock time
    return until if until > now else None


def check_lock(challenge, phone_digest, ip_digest, now) -> None:
    until = locked_until(challenge, now)
    if until is not None:
        log(phone_digest, ip_digest, StatusLookup.Outcome.LOCKED, now)
        raise Refused(
            _("错误次数太多，这个号码已暂时锁定，请 %(wait)s后再试，或到驿站求助。")
            % {"wait": wait_words((until - now).total_seconds())}
        )


# ---------------------------------------------------------------------------
# Step 1: ask for a code


def request_code(phone: str, ip: str, now=None) -> None:
    """Create a challenge for `phone` and queue the task that texts the code if the
    number has cases. Raises Refused when a limit applies. Does the same work for
    known and unknown numbers."""
    now = now or timezone.now()
    digest, ip_digest = phone_hash(phone), ip_hash(ip)
    check_ip(digest, ip_digest, now)
    latest = latest_challenge(digest)
    check_lock(latest, digest, ip_digest, now)
    if latest is not None and latest.created_at > now - RESEND_COOLDOWN:
        log(digest, ip_digest, StatusLookup.Outcome.RATE_LIMITED, now)
        wait = math.ceil((latest.created_at + RESEND_COOLDOWN - now).total_seconds())
        raise Refused(_("验证码刚刚发过，请 %(n)d 秒后再重新获取。") % {"n": wait})
    today = list(
        StatusChallenge.objects.filter(phone_hash=digest, created_at__gt=now - DAY)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:DAILY_CAP]
    )
    if len(today) >= DAILY_CAP:
        log(digest, ip_digest, StatusLookup.Outcome.RATE_LIMITED, now)
        wait = (today[-1] + DAY - now).total_seconds()
        raise Refused(
            # Step 2 (SMS code or receipt code) always follows a fresh challenge, whose
            # attempt counter guards both; so at the cap the way on is waiting or the station.
            _("这个号码今天获取验证码的次数已达上限，请 %(wait)s后再试，或联系登记驿站。")
            % {"wait": wait_words(wait)}
        )
    code = random_digits(CODE_LENGTH)
    with transaction.atomic():
        StatusChallenge.objects.create(
            phone_hash=digest,
            code_hash=code_hash(digest, code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        log(digest, ip_digest, StatusLookup.Outcome.CODE_SENT, now)
        transaction.on_commit(lambda: async_task("cases.tasks.send_status_code", phone, code))


def send_code(phone: str, code: str) -> None:
    """The task: text the code only if the number belongs to a worker with a case."""
    if Case.objects.filter(worker__phone=phone).exists():
        send_sms(phone, "status_code", {"code": code})


# ---------------------------------------------------------------------------
# Step 2: check the code


@dataclass
class Verified:
    outcome: str
    worker_ids: list[int]


def verify(phone: str, code: str, ip: str, now=None) -> Verified:
    """Check an SMS code (6 digits) or a receipt access code (8 digits) for `phone`.
    Returns the phone's worker ids; raises Refused (wrong, expired, locked, limited)."""
    now = now or timezone.now()
    code = normalize_code(code)
    digest, ip_digest = phone_hash(phone), ip_hash(ip)
    check_ip(digest, ip_digest, now)
    challenge = latest_challenge(digest)
    check_lock(challenge, digest, ip_digest, now)
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
        log(digest, ip_digest, StatusLookup.Outcome.CODE_WRONG, now)
        raise Refused(_("验证码已过期，请重新获取。"))
    workers = list(Worker.objects.filter(phone=phone).values_list("pk", flat=True))
    outcome = None
    if len(code) == CODE_LENGTH and matches(f"{digest}:{code}", challenge.code_hash, "status-code"):
        outcome = StatusLookup.Outcome.CODE_OK
    elif len(code) == RECEIPT_CODE_LENGTH and workers:
        numbers = Case.objects.filter(worker_id__in=workers).values_list(
            "number", "access_code_hash"
        )
        if any(h and hmac.compare_digest(access_code_hash(n, code), h) for n, h in numbers):
            outcome = StatusLookup.Outcome.RECEIPT_OK
    # An SMS code only ever reaches numbers with cases, so a right code implies workers.
    if outcome is not None and workers:
        used = StatusChallenge.objects.filter(
            pk=challenge.pk, used_at__isnull=True, failed_attempts__lt=MAX_ATTEMPTS
        ).update(used_at=now)
        if used:
            log(digest, ip_digest, outcome, now)
            return Verified(outcome=outcome, worker_ids=workers)
    wrong(challenge, digest, ip_digest, now)


def wrong(challenge, digest, ip_digest, now):
    StatusChallenge.objects.filter(pk=challenge.pk, failed_attempts__lt=MAX_ATTEMPTS).update(
        failed_attempts=F("failed_attempts") + 1
    )
    # The try that uses up the last attempt starts the lock: expires_at marks when.
    StatusChallenge.objects.filter(
        pk=challenge.pk, failed_attempts__gte=MAX_ATTEMPTS, expires_at__gt=now
    ).update(expires_at=now)
    log(digest, ip_digest, StatusLookup.Outcome.CODE_WRONG, now)
    challenge.refresh_from_db()
    left = MAX_ATTEMPTS - challenge.failed_attempts
    if left <= 0:
        raise Refused(
            _("错误次数太多，这个号码已暂时锁定，请 %(wait)s后再试，或到驿站求助。")
            % {"wait": wait_words(LOCK_DURATION.total_seconds())}
        )
    raise Refused(_("验证码或查询码不正确，还可以再试 %(n)d 次。") % {"n": left})


def unlock(phone: str) -> int:
    """The back office's unlock: forget the phone's challenges (lock, cooldown and
    daily cap all come from them). The lookup log is kept."""
    deleted, _rows = StatusChallenge.objects.filter(phone_hash=phone_hash(phone)).delete()
    return deleted
