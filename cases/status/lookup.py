"""The worker's status lookup (DESIGN §8): phone number, then a code, then a
15-minute session that shows only that phone's cases.

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
import json
import math
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task

from cases.claims import claims_display
from cases.hashing import keyed_hash, matches, random_digits
from cases.intake import access_code_hash
from cases.models import Case, Deadline, StatusChallenge, StatusLookup, Worker
from cases.validators import mask_phone as mask  # noqa: F401 — used by the views
from config.i18n import per_language
from lawyers.models import Lawyer
from stations.models import Station

CODE_LENGTH = 6
RECEIPT_CODE_LENGTH = 8
CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
LOCK_DURATION = datetime.timedelta(minutes=30)
RESEND_COOLDOWN = datetime.timedelta(seconds=60)
DAILY_CAP = 5
DAY = datetime.timedelta(hours=24)
SESSION_TTL = datetime.timedelta(minutes=15)
PENDING_KEY = "worker_status_pending"


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
    """REMOTE_ADDR, or the header a trusted proxy sets (STATUS_CLIENT_IP_HEADER, e.g.
    "HTTP_X_REAL_IP") when the app runs behind nginx."""
    header = getattr(settings, "STATUS_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
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
        transaction.on_commit(lambda: async_task("cases.status.lookup.send_code", phone, code))


def send_code(phone: str, code: str) -> None:
    """The task: text the code only if the number belongs to a worker with a case."""
    from cases.notices.sms import send_sms

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


# ---------------------------------------------------------------------------
# The status session (step 3)


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
# ids the code opened, and the page runs one query, for the cases (issue 7).
#
# The tradeoff, accepted: the server keeps no list of open status sessions, so
# "revoking" one means deleting the cookie in that browser (the exit button does). A
# copy of the cookie taken from the phone stays valid until it expires, at most
# SESSION_TTL (15 minutes) after the code was entered; a back-office unlock or a new
# code does not end it sooner. The cookie is HttpOnly, SameSite=Lax, Secure outside
# DEBUG and sent only to /status/; it holds no phone number, only its keyed hash, and
# internal worker ids.
STATUS_COOKIE = "worker_status"
_COOKIE_SALT = "cases.status.lookup.session"


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
    from django.urls import reverse

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


# ---------------------------------------------------------------------------
# What the worker reads


NEXT_STEPS = {
    Case.State.RECEIVED: gettext_lazy(
        "工会会尽快审核您的求助，需要时会打电话联系您，请保持电话畅通。"
    ),
    Case.State.ACCEPTED: gettext_lazy("工会正在为您安排志愿律师，安排好后会短信通知您。"),
    Case.State.ASSIGNED: gettext_lazy("律师确认接案后会短信通知您，并主动与您联系。"),
    Case.State.IN_PROGRESS: gettext_lazy("律师会与您联系，请按律师的要求准备材料，保持电话畅通。"),
    Case.State.RESOLVED: gettext_lazy("案件已办结。如对结果有疑问，请联系登记驿站。"),
    Case.State.CLOSED: gettext_lazy("案件已归档。如有新的问题，可以再到驿站求助。"),
    Case.State.REFERRED: gettext_lazy("请联系：%(to)s。"),
    Case.State.WITHDRAWN: gettext_lazy("如需重新求助，请到驿站登记。"),
}

# Worker-side deadlines in the words a worker uses (the rule table is in cases/deadlines.py).
DEADLINE_ACTIONS = {
    "injury.worker_application": gettext_lazy("申请工伤认定"),
    "injury.reappraisal_request": gettext_lazy("申请再次鉴定"),
    "admin.reconsideration": gettext_lazy("申请行政复议"),
    "admin.lawsuit": gettext_lazy("提起行政诉讼"),
    "admin.lawsuit_after_reconsideration": gettext_lazy("提起行政诉讼"),
    "labor.arbitration_limitation": gettext_lazy("申请劳动仲裁"),
    "labor.suit_after_award": gettext_lazy("向法院起诉"),
    "civil.appeal": gettext_lazy("提起上诉"),
    "civil.enforcement": gettext_lazy("申请强制执行"),
    "civil.tort_limitation": gettext_lazy("向对方主张赔偿"),
    "inspection.complaint": gettext_lazy("投诉到劳动监察"),
    "occupational.application": gettext_lazy("申请职业伤害确认"),
}

LAWYER_VISIBLE = {Case.State.IN_PROGRESS, Case.State.RESOLVED, Case.State.CLOSED}


MAX_SHOWN = 20


def _case_rows_sql(n_workers: int) -> str:
    """Step 3's one query: the worker's cases newest first, each with its station, its
    lawyer and its nearest open worker-side deadline, as three correlated subqueries
    that each return one JSON array (EXPLAIN in bench/status_page.py).

    Written out rather than built with the ORM: building and compiling the equivalent
    queryset cost about ten times as long as running it, on the page workers reload
    all day (issue 7). Subqueries rather than joins because PostgreSQL spent longer
    planning the joins (0.23 ms) than running the query (0.08 ms); written this way
    it plans in 0.10 ms and runs in 0.07 ms (20,000 cases, bench/status_page.py). On a
    persistent connection psycopg prepares it after five runs and planning goes away
    (DB_PREPARED_STATEMENTS in config/settings.py)."""
    q = connection.ops.quote_name
    case, station, lawyer, deadline = (
        q(model._meta.db_table) for model in (Case, Station, Lawyer, Deadline)
    )
    array = "json_build_array" if connection.vendor == "postgresql" else "json_array"
    placeholders = ", ".join(["%s"] * n_workers)
    return (
        "SELECT c.number, c.claims, c.state, c.updated_at, c.referred_to,"
        f" (SELECT {array}(s.name, s.phone) FROM {station} s WHERE s.id = c.station_id),"
        f" (SELECT {array}(l.name, l.firm) FROM {lawyer} l WHERE l.id = c.lawyer_id),"
        f" (SELECT {array}(d.due_date, d.rule, d.provisional) FROM {deadline} d"
        "   WHERE d.case_id = c.id AND d.status = %s AND d.binds = %s"
        "   ORDER BY d.due_date, d.id LIMIT 1)"
        f" FROM {case} c WHERE c.worker_id IN ({placeholders})"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT %s"
    )


def worker_cases(worker_ids, limit: int) -> list[dict]:
    """The session's cases as plain rows, newest first, each with its nearest open
    worker-side deadline: one query, however many cases there are."""
    worker_ids = [int(pk) for pk in worker_ids]
    if not worker_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*case_rows_query(worker_ids, limit))
        return [_case_row(*row) for row in cursor.fetchall()]


def case_rows_query(worker_ids: list[int], limit: int) -> tuple[str, list]:
    params = [Deadline.Status.OPEN.value, Deadline.Binds.WORKER.value, *worker_ids, limit]
    return _case_rows_sql(len(worker_ids)), params


def _case_row(number, claims, state, updated_at, referred_to, station, lawyer, deadline):
    # psycopg hands back json as Python values, SQLite as text; SQLite also gives text
    # for datetimes and 0/1 for booleans.
    station, lawyer, deadline = (
        json.loads(value) if isinstance(value, str) else value
        for value in (station, lawyer, deadline)
    )
    row = {
        "number": number,
        "claims": claims,
        "state": state,
        "updated_at": _aware(updated_at),
        "referred_to": referred_to,
        "station__name": station[0],
        "station__phone": station[1],
        "lawyer": tuple(lawyer) if lawyer else None,  # (name, firm)
        "deadline": None,  # (due, rule, provisional)
    }
    if deadline:
        due, rule, provisional = deadline
        row["deadline"] = (datetime.date.fromisoformat(due), rule, bool(provisional))
    return row


def _aware(value) -> datetime.datetime:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)  # stored in UTC (USE_TZ)
    return value


def shown_cases(worker_ids, today) -> tuple[list["CaseView"], bool]:
    """What step 3 shows: at most MAX_SHOWN cases, and whether there are more."""
    rows = worker_cases(worker_ids, MAX_SHOWN + 1)
    language = translation.get_language()
    return [case_view(row, today, language) for row in rows[:MAX_SHOWN]], len(rows) > MAX_SHOWN


# The wording below is remembered per language (config/i18n.py): step 3 is the page
# workers reload all day, and the same few phrases and dates come up on every request.


@per_language
def next_step(state: str, referred_to: str) -> str:
    text = NEXT_STEPS[state]
    if state == Case.State.REFERRED:
        return str(text) % {"to": referred_to or _("登记驿站")}
    return str(text)


@per_language
def deadline_words(rule: str, due: datetime.date, provisional: bool, today) -> str:
    action = DEADLINE_ACTIONS.get(rule, gettext_lazy("办理下一步手续"))
    when = date_format(due, "DATE_FORMAT")
    days = (due - today).days
    if days > 0:
        text = _("距离%(action)s的期限还有 %(days)d 天（%(date)s）") % {
            "action": action,
            "days": days,
            "date": when,
        }
    elif days == 0:
        text = _("今天是%(action)s的最后一天（%(date)s），请马上联系律师或驿站") % {
            "action": action,
            "date": when,
        }
    else:
        text = _("%(action)s的期限已于 %(date)s 届满，请马上联系律师或驿站") % {
            "action": action,
            "date": when,
        }
    if provisional:
        text += _("（暂定，待节假日安排公布后确认）")
    if rule == "occupational.application":  # a pilot-policy limit, not a statute (DESIGN §5.6)
        text += _("（试点政策期限，以当地规定为准）")
    return text


@per_language
def lawyer_words(name: str, firm: str) -> str:
    return _("%(name)s（%(firm)s）") % {"name": name, "firm": firm}


claims_words = per_language(lambda claims: claims_display(claims.split()))
state_words = per_language(lambda state: str(Case.WORKER_LABELS[state]))
date_words = per_language(lambda day: date_format(day, "DATE_FORMAT"))


@dataclass
class CaseView:
    """Only what the worker may read: no notes, no parties, no ID numbers."""

    number: str
    claims: str
    state_label: str
    updated: str  # the date, formatted for the reader's language
    next_step: str
    deadline: str
    station_name: str
    station_phone: str
    lawyer: str


def case_view(row: dict, today, language: str) -> CaseView:
    state = row["state"]
    lawyer = ""
    if row["lawyer"] and state in LAWYER_VISIBLE:
        lawyer = lawyer_words.in_language(language, *row["lawyer"])
    deadline = ""
    if row["deadline"]:
        due, rule, provisional = row["deadline"]
        deadline = deadline_words.in_language(language, rule, due, provisional, today)
    updated = timezone.localtime(row["updated_at"]).date()
    return CaseView(
        number=row["number"],
        claims=claims_words.in_language(language, row["claims"]),
        state_label=state_words.in_language(language, state),
        updated=date_words.in_language(language, updated),
        next_step=next_step.in_language(language, state, row["referred_to"]),
        deadline=deadline,
        station_name=row["station__name"],
        station_phone=row["station__phone"],
        lawyer=lawyer,
    )
