"""Sending SMS. `send_sms` writes the message to the outbox table first,
then, after commit, a django-q2 task (`deliver`) hands it to the backend named by
settings.SMS_BACKEND:

- "outbox": nothing leaves the machine; the row is marked sent (admin, and the
  DEBUG-only page /status/outbox/).
- "console": printed to stdout in full (the default with DEBUG on: `make run` prints
  the codes a local tester types).
- "http": POSTed as JSON to settings.SMS_GATEWAY_URL, signed with
  settings.SMS_GATEWAY_SECRET (see `signature`).

Failures retry with backoff: `deliver` records attempts, last_error and
next_attempt_at; the scheduled `retry_due` job picks up what is due; after
MAX_ATTEMPTS the message is marked failed and shows in the admin's filter.

Both `deliver` and `retry_due` are safe to run twice: a message is claimed with a
guarded UPDATE (status and attempt count as they were read), so one run sends it.

Codes are never stored in clear (SECRET_TEMPLATES): the row keeps the text with its
codes masked from the moment it is written, whatever the backend, and the clear text
travels only as an argument of the one delivery task. Such a message is therefore
tried once: if the gateway fails, it is marked failed (the worker asks for a new
status code; the access code is on the printed receipt), and neither the retry job
nor the admin's retry can send it again.

The HTTP gateway contract: body is UTF-8 JSON {"id", "phone", "body", "timestamp"};
headers X-Timestamp (unix seconds, also in the body) and
X-Signature: "sha256=" + hex HMAC-SHA256(secret, f"{timestamp}.".encode() + body).
The gateway rejects a signature that does not match or a timestamp more than
SIGNATURE_MAX_AGE seconds old (replay), and may dedupe on "id".
"""

import datetime
import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from cases.models import SmsMessage

log = logging.getLogger(__name__)

TEMPLATES = {
    # name: text with {placeholders}; short (one 70-character SMS with the signature),
    # no sensitive detail beyond what the worker needs to act on.
    "status_code": _("您的案件查询验证码为{code}，10分钟内有效，请勿告诉他人。"),
    # self-help from a station's QR code (cases/selfhelp)
    "selfhelp_code": _("您正在驿站自助求助，验证码{code}，10分钟内有效，请勿告诉他人。"),
    "selfhelp_seen": _("工会已查看您的求助{number}，会尽快联系您，请保持电话畅通。"),
    "case_received": _(
        "您的求助已登记，编号{number}，查询码{access_code}。可凭手机号和查询码查进度。"
    ),
    "case_accepted": _("您的求助{number}已受理，正在为您安排律师。"),
    "case_referred": _("您的求助{number}已转介，请联系：{referred_to}。"),
    "lawyer_accepted": _("{lawyer}律师（{firm}）已接手您的案件{number}，将与您联系。"),
    # {outcome}: cases.status.page.outcome_words, the sentence the status page shows
    "case_resolved": _("您的案件{number}已办结。{outcome}有疑问请联系登记驿站。"),
    "case_withdrawn": _("您的案件{number}已按您的要求撤回。如需帮助可再到驿站求助。"),
    # routing: the lawyer hears of a new assignment
    "lawyer_assigned": _(
        "{name}律师：法援案件{number}已分配给您，请在{days}个工作日内登录系统确认接案。"
    ),
    # deadlines: reminder to the assigned lawyer (cases/deadlines/reminders.py)
    "deadline_reminder": _("{name}律师：案件{number}“{rule}”届满日{due}（{left}），请及时办理。"),
    # … when the due date is provisional and leans on guessed rest days: the safe date
    "deadline_reminder_safe": _(
        "{name}律师：案件{number}“{rule}”届满日{due}（暂定，{left}），最晚请在{safe}前办理。"
    ),
}

# Templates whose body carries a code. Every stored copy has the code masked: a stolen
# database, an admin screen or a support export must not open anyone's status page.
SECRET_TEMPLATES = {"status_code", "case_received", "selfhelp_code"}
NOT_KEPT = _(
    "短信含验证码或查询码，明文不留存，不能重发：劳动者可重新获取验证码，查询码见纸质回执。"
)
CODE_RE = re.compile(r"(?<![\d-])\d{6,8}(?![\d-])")

MAX_ATTEMPTS = 5
# Minutes to wait after attempt n (1-based) failed before trying again.
BACKOFF_MINUTES = [1, 5, 15, 60]
# A queued message whose first task never ran (lost queue, crashed worker) is
# picked up by the retry job after this long.
STALE_AFTER = datetime.timedelta(minutes=2)
SIGNATURE_MAX_AGE = 300
HTTP_TIMEOUT = 10


class SmsError(Exception):
    """The backend could not hand the message over; it will be retried."""


def render(template: str, params: dict | None = None) -> str:
    # Workers read Chinese, whatever language the staff member who triggered the
    # message has chosen for their own screen.
    with translation.override(settings.LANGUAGE_CODE):
        return _render(template, params)


def _render(template: str, params: dict | None = None) -> str:
    text = str(TEMPLATES.get(template, template)).format(**(params or {}))
    return f"{text}{settings.SMS_SIGNATURE}"


def send_sms(phone, template: str, params: dict | None = None, *, dedupe_key: str | None = None):
    """Queue one SMS. With a dedupe key, a second call for the same key is a no-op
    (returns None). Delivery is queued after the surrounding transaction commits."""
    body = render(template, params)[:300]
    secret = template in SECRET_TEMPLATES
    try:
        with transaction.atomic():
            message = SmsMessage.objects.create(
                phone=phone,
                template=template,
                body=mask_codes(body) if secret else body,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    # robust: if the queue is down the message stays queued and retry_sms sends it later
    # (a message with a code then fails: its clear text was only in this task).
    args = (message.pk, body) if secret else (message.pk,)
    transaction.on_commit(lambda: async_task("cases.tasks.deliver_sms", *args), robust=True)
    return message


# ---------------------------------------------------------------------------
# Delivery


def deliver(sms_id: int, now=None, clear_body: str | None = None) -> str:
    """Hand one queued message to the backend if it is due. Returns its status.
    `clear_body` is the text with its codes, for a message in SECRET_TEMPLATES."""
    now = now or timezone.now()
    message = SmsMessage.objects.filter(pk=sms_id).first()
    if message is None:
        return "missing"
    if message.status != SmsMessage.Status.QUEUED:
        return message.status
    secret = message.template in SECRET_TEMPLATES
    if secret and clear_body is None:
        # A retry (the job or the admin): the code was never stored, so nothing to send.
        with translation.override(settings.LANGUAGE_CODE):
            error = str(NOT_KEPT)
        SmsMessage.objects.filter(pk=sms_id, status=SmsMessage.Status.QUEUED).update(
            status=SmsMessage.Status.FAILED, last_error=error, next_attempt_at=None
        )
        return SmsMessage.Status.FAILED
    if message.next_attempt_at is not None and message.next_attempt_at > now:
        return message.status
    attempt = message.attempts + 1
    # Claim: whoever moves attempts from n to n+1 sends. next_attempt_at doubles as a
    # lease, so a worker that dies mid-send leaves a message the retry job picks up.
    claimed = SmsMessage.objects.filter(
        pk=sms_id, status=SmsMessage.Status.QUEUED, attempts=message.attempts
    ).update(attempts=attempt, next_attempt_at=now + backoff(attempt))
    if not claimed:
        return "busy"
    message.attempts = attempt
    if secret:
        message.body = clear_body  # in memory only, for the backend
    try:
        backend(settings.SMS_BACKEND)(message)
    except Exception as exc:  # noqa: BLE001 — any failure of the gateway is retried
        error = f"{type(exc).__name__}: {exc}"[:1000]
        log.warning("SMS %s attempt %s failed: %s", sms_id, attempt, error)
        failed = attempt >= MAX_ATTEMPTS or secret  # a code cannot be retried (NOT_KEPT)
        SmsMessage.objects.filter(pk=sms_id, attempts=attempt).update(
            last_error=error,
            status=SmsMessage.Status.FAILED if failed else SmsMessage.Status.QUEUED,
            next_attempt_at=None if failed else now + backoff(attempt),
        )
        return SmsMessage.Status.FAILED if failed else SmsMessage.Status.QUEUED
    sent = {"status": SmsMessage.Status.SENT, "sent_at": timezone.now(), "next_attempt_at": None}
    SmsMessage.objects.filter(pk=sms_id, attempts=attempt).update(**sent)
    return SmsMessage.Status.SENT


def mask_codes(body: str) -> str:
    return CODE_RE.sub(lambda m: "*" * len(m.group()), body)


def backoff(attempt: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=BACKOFF_MINUTES[min(attempt, len(BACKOFF_MINUTES)) - 1])


def due(now=None):
    now = now or timezone.now()
    return SmsMessage.objects.filter(status=SmsMessage.Status.QUEUED).filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, created_at__lte=now - STALE_AFTER)
    )


def retry_due(now=None, limit: int = 200) -> int:
    """The scheduled job: deliver every queued message whose retry time has come."""
    ids = list(due(now).order_by("created_at").values_list("pk", flat=True)[:limit])
    for sms_id in ids:
        deliver(sms_id, now=now)
    return len(ids)


def requeue(queryset) -> int:
    """The admin's retry action: failed (or stuck) messages go back to the queue."""
    ids = list(queryset.exclude(status=SmsMessage.Status.SENT).values_list("pk", flat=True))
    SmsMessage.objects.filter(pk__in=ids).update(
        status=SmsMessage.Status.QUEUED, attempts=0, next_attempt_at=None
    )
    for sms_id in ids:
        transaction.on_commit(
            lambda sms_id=sms_id: async_task("cases.tasks.deliver_sms", sms_id), robust=True
        )
    return len(ids)


# ---------------------------------------------------------------------------
# Backends: each takes an SmsMessage and raises on failure.


def outbox_backend(message) -> None:
    """The table is the outbox: nothing leaves the machine."""


def console_backend(message) -> None:
    print(f"[SMS] {message.phone}: {message.body}", flush=True)


def signature(payload: bytes, timestamp: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify_signature(
    payload: bytes, timestamp: str, received: str, secret: str, now: float | None = None
) -> bool:
    """What the gateway checks (and the tests' stand-in gateway does)."""
    try:
        age = (time.time() if now is None else now) - int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(age) > SIGNATURE_MAX_AGE:
        return False
    return hmac.compare_digest(signature(payload, timestamp, secret), received or "")


def http_backend(message) -> None:
    url, secret = settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_SECRET
    if not url or not secret:
        raise SmsError("SMS_GATEWAY_URL and SMS_GATEWAY_SECRET must be set for the http backend")
    timestamp = str(int(time.time()))
    payload = json.dumps(
        {
            "id": f"yizhan-sms-{message.pk}",
            "phone": str(message.phone),
            "body": message.body,
            "timestamp": int(timestamp),
        },
        ensure_ascii=False,
    ).encode()
    request = urllib.request.Request(
        url,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Timestamp": timestamp,
            "X-Signature": signature(payload, timestamp, secret),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            if not 200 <= response.status < 300:
                raise SmsError(f"gateway answered {response.status}")
    except urllib.error.HTTPError as exc:
        raise SmsError(f"gateway answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SmsError(f"gateway unreachable: {exc}") from None


BACKENDS = {"outbox": outbox_backend, "console": console_backend, "http": http_backend}


def backend(name: str):
    try:
        return BACKENDS[name]
    except KeyError:
        raise SmsError(f"unknown SMS_BACKEND {name!r}; use one of {sorted(BACKENDS)}") from None
