"""The worker's status lookup, steps 1 and 2: the phone number, then a code. Step 3's
session is cases.status.session; what it shows is cases.status.page.

Safety rules, all enforced from the database so they hold across processes:
- Step 1 does the same work for a number with cases and one without: it always
  creates a challenge row and queues one task; the task alone decides whether an
  SMS goes out (`send_code`). The answer page is the same.
- Two ways in at step 2, each proving something different and limited on its own:
  the 6-digit SMS code proves the phone, and opens every case under the number; the
  8-digit receipt access code proves one case, and opens only its worker's cases
  (another person registered with the same phone stays hidden).
- Codes are stored as keyed hashes (cases.hashing). An SMS code expires after
  CODE_TTL and allows MAX_ATTEMPTS wrong tries; then SMS codes for the phone are
  locked for LOCK_DURATION. A new SMS code needs RESEND_COOLDOWN since the last one
  and at most DAILY_CAP per 24 hours per phone.
- The receipt code needs no SMS challenge and ignores the SMS cooldown, cap and lock,
  so someone who knows a worker's number cannot shut them out by asking for codes or
  typing wrong SMS codes. Wrong receipt codes have their own counter per number
  (RECEIPT_MAX_ATTEMPTS, then locked for LOCK_DURATION), on StatusPhone.
- Each IP address gets IP_LIMIT counted lookups per IP_WINDOW, on both ways in.
- Every limit is checked and updated in one transaction that first locks the
  address's row (StatusAddress) and then the number's row (StatusPhone), always in
  that order: concurrent requests for one number, or from one address, take turns,
  so a burst gets exactly one code and exactly IP_LIMIT lookups.
- Every request is logged in StatusLookup with keyed hashes of the number and the
  address, never the raw values; refusals are logged too (and committed).
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
from cases.models import (
    Case,
    StatusAddress,
    StatusChallenge,
    StatusLookup,
    StatusPhone,
    Worker,
)
from cases.notices.sms import send_sms

CODE_LENGTH = 6
RECEIPT_CODE_LENGTH = 8
CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
LOCK_DURATION = datetime.timedelta(minutes=30)
RESEND_COOLDOWN = datetime.timedelta(seconds=60)
DAILY_CAP = 5
DAY = datetime.timedelta(hours=24)
# Wrong receipt codes a number may see before receipt codes are locked for
# LOCK_DURATION; forgotten a DAY after the last one. An 8-digit code has 10^8 values.
RECEIPT_MAX_ATTEMPTS = 10


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
    StatusLookup.Outcome.RECEIPT_WRONG,
]


class Refused(Exception):
    """The request was refused; `message` says why in words the worker can act on.
    `sms_only`: only a new SMS code was refused (cooldown, daily cap, SMS lock); the
    receipt access code still works, so step 2 is still offered. `limited`: a limit
    refused it (a lock, the cooldown, a cap; logged LOCKED or RATE_LIMITED), not a wrong
    or expired code (the API answers 429 rather than 422)."""

    def __init__(self, message: str, *, sms_only: bool = False, limited: bool = False):
        super().__init__(message)
        self.message = message
        self.sms_only = sms_only
        self.limited = limited


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
# Limits. Each check logs its refusal and returns it; the caller raises it after its
# transaction has committed the log row.


def log(phone_digest: str, ip_digest: str, outcome: str, now) -> None:
    StatusLookup.objects.create(phone_hash=phone_digest, ip_hash=ip_digest, outcome=outcome, at=now)


def lock_rows(phone_digest: str, ip_digest: str) -> StatusPhone:
    """Inside a transaction: lock the address's row, then the number's (created on first
    use), always in that order. Returns the number's row, locked."""
    StatusAddress.objects.bulk_create([StatusAddress(ip_hash=ip_digest)], ignore_conflicts=True)
    StatusAddress.objects.select_for_update().get(ip_hash=ip_digest)
    StatusPhone.objects.bulk_create([StatusPhone(phone_hash=phone_digest)], ignore_conflicts=True)
    return StatusPhone.objects.select_for_update().get(phone_hash=phone_digest)


def check_ip(phone_digest: str, ip_digest: str, now) -> Refused | None:
    since = now - ip_window()
    recent = StatusLookup.objects.filter(ip_hash=ip_digest, at__gt=since, outcome__in=COUNTED)
    times = list(recent.order_by("-at").values_list("at", flat=True)[: ip_limit()])
    if len(times) >= ip_limit():
        log(phone_digest, ip_digest, StatusLookup.Outcome.RATE_LIMITED, now)
        wait = (times[-1] + ip_window() - now).total_seconds()
        return Refused(
            _("这个网络的查询次数太多，请 %(wait)s后再试。") % {"wait": wait_words(wait)},
            limited=True,
        )
    return None


def latest_challenge(phone_digest: str):
    return (
        StatusChallenge.objects.filter(phone_hash=phone_digest)
        .order_by("-created_at", "-pk")
        .first()
    )


def locked_until(challenge, now):
    """When a challenge used up its tries, SMS codes stay locked until this time."""
    if challenge is None or challenge.failed_attempts < MAX_ATTEMPTS:
        return None
    until = challenge.expires_at + LOCK_DURATION  # expires_at is set to the lock time
    return until if until > now else None


def locked_words(until, now) -> str:
    return _("错误次数太多，这个号码已暂时锁定，请 %(wait)s后再试，或到驿站求助。") % {
        "wait": wait_words((until - now).total_seconds())
    }


def check_lock(challenge, phone_digest, ip_digest, now) -> Refused | None:
    until = locked_until(challenge, now)
    if until is None:
        return None
    log(phone_digest, ip_digest, StatusLookup.Outcome.LOCKED, now)
    message = locked_words(until, now) + _("您也可以输入登记回执上的 8 位查询码。")
    return Refused(message, sms_only=True, limited=True)


def check_resend(digest: str, ip_digest: str, latest, now) -> Refused | None:
    """The SMS limits on a new code: the lock, the cooldown, the daily cap."""
    refusal = check_lock(latest, digest, ip_digest, now)
    if refusal is not None:
        return refusal
    if latest is not None and latest.created_at > now - RESEND_COOLDOWN:
        log(digest, ip_digest, StatusLookup.Outcome.RATE_LIMITED, now)
        wait = math.ceil((latest.created_at + RESEND_COOLDOWN - now).total_seconds())
        return Refused(
            _("验证码刚刚发过，请 %(n)d 秒后再重新获取。") % {"n": wait},
            sms_only=True,
            limited=True,
        )
    today = list(
        StatusChallenge.objects.filter(phone_hash=digest, created_at__gt=now - DAY)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:DAILY_CAP]
    )
    if len(today) >= DAILY_CAP:
        log(digest, ip_digest, StatusLookup.Outcome.RATE_LIMITED, now)
        wait = (today[-1] + DAY - now).total_seconds()
        return Refused(
            _(
                "这个号码今天获取验证码的次数已达上限，请 %(wait)s后再试。"
                "您也可以输入登记回执上的 8 位查询码，或联系登记驿站。"
            )
            % {"wait": wait_words(wait)},
            sms_only=True,
            limited=True,
        )
    return None


# ---------------------------------------------------------------------------
# Step 1: ask for a code


def request_code(phone: str, ip: str, now=None) -> None:
    """Create a challenge for `phone` and queue the task that texts the code if the
    number has cases. Raises Refused when a limit applies (`sms_only` when the receipt
    code would still work). Does the same work for known and unknown numbers."""
    now = now or timezone.now()
    digest, ip_digest = phone_hash(phone), ip_hash(ip)
    with transaction.atomic():
        lock_rows(digest, ip_digest)
        refusal = check_ip(digest, ip_digest, now) or check_resend(
            digest, ip_digest, latest_challenge(digest), now
        )
        if refusal is None:
            code = random_digits(CODE_LENGTH)
            StatusChallenge.objects.create(
                phone_hash=digest,
                code_hash=code_hash(digest, code),
                created_at=now,
                expires_at=now + CODE_TTL,
            )
            log(digest, ip_digest, StatusLookup.Outcome.CODE_SENT, now)
            transaction.on_commit(lambda: async_task("cases.tasks.send_status_code", phone, code))
    if refusal is not None:
        raise refusal


def send_code(phone: str, code: str) -> None:
    """The task: text the code only if the number belongs to a worker with a case."""
    if Case.objects.filter(worker__phone=phone).exists():
        send_sms(phone, "status_code", {"code": code})


# ---------------------------------------------------------------------------
# Step 2: check the code


@dataclass
class Verified:
    outcome: str
    worker_ids: list[int]  # whose cases the code proved the right to see


def verify(phone: str, code: str, ip: str, now=None, *, require_case: bool = True) -> Verified:
    """Check an SMS code (6 digits) or a receipt access code (8 digits) for `phone`.
    The SMS code opens every worker with this phone; a receipt code only the worker
    of the case it belongs to. Raises Refused (wrong, expired, locked, limited).

    `require_case=False` (self-help: a worker asking for the first time) accepts a right
    SMS code for a number with no case yet; the tries, lock and log are the same."""
    now = now or timezone.now()
    code = normalize_code(code)
    digest, ip_digest = phone_hash(phone), ip_hash(ip)
    with transaction.atomic():
        row = lock_rows(digest, ip_digest)
        result = check_ip(digest, ip_digest, now)
        if result is None:
            if len(code) == RECEIPT_CODE_LENGTH:
                result = _verify_receipt(row, phone, code, digest, ip_digest, now)
            else:
                result = _verify_sms(phone, code, digest, ip_digest, now, require_case)
    if isinstance(result, Refused):
        raise result
    return result


def _verify_sms(phone, code, digest, ip_digest, now, require_case=True) -> Verified | Refused:
    challenge = latest_challenge(digest)
    refusal = check_lock(challenge, digest, ip_digest, now)
    if refusal is not None:
        return refusal
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
        log(digest, ip_digest, StatusLookup.Outcome.CODE_WRONG, now)
        return Refused(_("验证码已过期，请重新获取。"))
    workers = list(Worker.objects.filter(phone=phone).values_list("pk", flat=True))
    # The status page texts codes only to numbers with cases, so there a right code
    # implies workers; self-help texts first-time numbers too (require_case=False).
    if (workers or not require_case) and matches(
        f"{digest}:{code}", challenge.code_hash, "status-code"
    ):
        used = StatusChallenge.objects.filter(
            pk=challenge.pk, used_at__isnull=True, failed_attempts__lt=MAX_ATTEMPTS
        ).update(used_at=now)
        if used:
            log(digest, ip_digest, StatusLookup.Outcome.CODE_OK, now)
            return Verified(outcome=StatusLookup.Outcome.CODE_OK, worker_ids=workers)
    return wrong(challenge, digest, ip_digest, now)


def wrong(challenge, digest, ip_digest, now) -> Refused:
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
        return Refused(
            locked_words(now + LOCK_DURATION, now) + _("您也可以输入登记回执上的 8 位查询码。")
        )
    return Refused(_("验证码或查询码不正确，还可以再试 %(n)d 次。") % {"n": left})


def _verify_receipt(row, phone, code, digest, ip_digest, now) -> Verified | Refused:
    """The receipt access code: no SMS challenge needed, its own try counter (`row` is
    the number's StatusPhone, locked)."""
    if row.receipt_locked_until is not None and row.receipt_locked_until > now:
        log(digest, ip_digest, StatusLookup.Outcome.LOCKED, now)
        return Refused(
            _("查询码错误次数太多，请 %(wait)s后再试，或用短信验证码查询，或到驿站求助。")
            % {"wait": wait_words((row.receipt_locked_until - now).total_seconds())},
            limited=True,
        )
    cases = Case.objects.filter(worker__phone=phone).values_list(
        "number", "access_code_hash", "worker_id"
    )
    for number, stored, worker_id in cases:
        if stored and hmac.compare_digest(access_code_hash(number, code), stored):
            row.receipt_failures, row.receipt_locked_until = 0, None
            row.save(update_fields=["receipt_failures", "receipt_locked_until"])
            log(digest, ip_digest, StatusLookup.Outcome.RECEIPT_OK, now)
            # Proves this one case: its worker's cases, not everyone's under the phone.
            return Verified(outcome=StatusLookup.Outcome.RECEIPT_OK, worker_ids=[worker_id])
    if row.receipt_failed_at is None or row.receipt_failed_at <= now - DAY:
        row.receipt_failures = 0
    row.receipt_failures += 1
    row.receipt_failed_at = now
    left = RECEIPT_MAX_ATTEMPTS - row.receipt_failures
    if left <= 0:
        row.receipt_failures, row.receipt_locked_until = 0, now + LOCK_DURATION
    row.save(update_fields=["receipt_failures", "receipt_failed_at", "receipt_locked_until"])
    log(digest, ip_digest, StatusLookup.Outcome.RECEIPT_WRONG, now)
    if left <= 0:
        return Refused(
            _("查询码错误次数太多，请 %(wait)s后再试，或用短信验证码查询，或到驿站求助。")
            % {"wait": wait_words(LOCK_DURATION.total_seconds())}
        )
    return Refused(_("验证码或查询码不正确，还可以再试 %(n)d 次。") % {"n": left})


def unlock(phone: str) -> int:
    """The back office's unlock: forget the phone's challenges (SMS lock, cooldown and
    daily cap all come from them) and its wrong receipt codes. The lookup log is kept."""
    return unlock_hashes({phone_hash(phone)})


def unlock_hashes(hashes) -> int:
    deleted, _rows = StatusChallenge.objects.filter(phone_hash__in=hashes).delete()
    StatusPhone.objects.filter(phone_hash__in=hashes).update(
        receipt_failures=0, receipt_failed_at=None, receipt_locked_until=None
    )
    return deleted
