"""Deadline reminders.

For open worker-side deadlines the sweep sends a reminder at 7, 3 and 1 days before,
on the day, and once when overdue: to the assigned lawyer (in-app, email, SMS) and to
the region's coordinators (in-app; their email is the daily digest). A deadline that
is first seen late gets the most urgent threshold it has reached (created 5 days
before: the "7 days" reminder, saying "5 days left"); thresholds already passed are
not sent after it.

What a lawyer receives per sweep: one in-app notification and one SMS per deadline
(each links to or names one case), but ONE email listing all their deadlines that
reached a threshold in this sweep. The Reminder rows stay per deadline, threshold,
recipient and channel, so "exactly once" is decided per deadline exactly as before;
only the delivery of the email rows is batched.

Exactly once. The `Reminder` row, unique on (deadline, threshold, recipient, channel),
is the claim. The sweep works in chunks (ordered by lawyer, so a lawyer's deadlines
are mostly in one chunk); for each chunk, in ONE transaction, it inserts the Reminder
rows with INSERT … ON CONFLICT DO NOTHING RETURNING (only the rows this worker
inserted come back), then performs exactly those sends:

- in-app: Notification rows — same database, same transaction;
- SMS: rows in the SMS outbox (rendered by cases.notices.sms) — same transaction; delivery
  is queued after commit (one task per chunk) and made idempotent by the outbox;
- email: a lawyer's email rows, for ALL of their due deadlines, are claimed in the
  chunk that holds the lawyer's last deadline, and their one email is sent inside
  that transaction; a send that fails deletes its own Reminder rows again so the next
  sweep retries it.

So a worker killed mid-chunk rolls the claim and the in-app/SMS rows back together:
the next sweep redoes them, nothing lost and nothing doubled. Two workers sweeping at
once insert the keys of every transaction in ascending order (no lock cycles); on
PostgreSQL the second blocks on the first's uncommitted index entries and then gets
DO NOTHING, so it sends nothing (on SQLite the IMMEDIATE transactions simply run one
after the other). The one window no database can close is an SMTP server that
accepted an email in the instant before the worker died and the transaction rolled
back: that email may go twice (at-least-once), never zero times.

The sweep reads only what is due and not yet sent: open worker-side deadlines with
due_date in [today − OVERDUE_WINDOW_DAYS, today + 7] (the (status, due_date) index)
whose current-threshold reminder to the current lawyer does not exist yet (NOT EXISTS
on the reminder_once index). A second sweep the same day reads nothing.
"""

import datetime
import functools
import logging
from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Case as Switch
from django.db.models import CharField, Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Cast
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task

from cases.deadlines import rules
from cases.links import case_url
from cases.models import Case, Deadline, Notification, Reminder, SmsMessage
from cases.notices import sms
from cases.notices.notify import notice_texts
from cases.templatetags.deadlines import days_left_label
from config.i18n import per_language
from stations.models import Membership
from stations.regions import scope_q

log = logging.getLogger(__name__)

LEAD_DAYS = 7
# An overdue reminder is still sent this many days after the due date (a sweep that
# was down for a while catches up); older overdue deadlines are not re-read forever.
OVERDUE_WINDOW_DAYS = 7
CHUNK = 500
# Cases whose deadlines still matter: open ones, and resolved ones (an appeal period runs on).
ACTIVE_STATES = [*Case.OPEN_STATES, Case.State.RESOLVED]

IN_APP = Reminder.Channel.IN_APP.value
EMAIL = Reminder.Channel.EMAIL.value
SMS = Reminder.Channel.SMS.value
DIGEST = Reminder.Channel.DIGEST.value

D7 = Reminder.Threshold.D7.value
D3 = Reminder.Threshold.D3.value
D1 = Reminder.Threshold.D1.value
D0 = Reminder.Threshold.D0.value
OVERDUE = Reminder.Threshold.OVERDUE.value

# Most urgent first: the order of the sections in a lawyer's email.
THRESHOLD_ORDER = [OVERDUE, D0, D1, D3, D7]
THRESHOLD_HEADINGS = {
    OVERDUE: gettext_lazy("已逾期"),
    D0: gettext_lazy("今天届满"),
    D1: gettext_lazy("明天届满"),
    D3: gettext_lazy("3 天内届满"),
    D7: gettext_lazy("7 天内届满"),
}


def threshold_for(days_left: int) -> str | None:
    if days_left > LEAD_DAYS:
        return None
    if days_left >= 4:
        return D7
    if days_left >= 2:
        return D3
    if days_left == 1:
        return D1
    if days_left == 0:
        return D0
    return OVERDUE


def threshold_sql(today: datetime.date):
    """`threshold_for` as a SQL expression on due_date (tests check the two agree)."""

    def day(n):
        return today + datetime.timedelta(days=n)

    return Switch(
        When(due_date__gt=day(LEAD_DAYS), then=Value(None)),
        When(due_date__gte=day(4), then=Value(D7)),
        When(due_date__gte=day(2), then=Value(D3)),
        When(due_date=day(1), then=Value(D1)),
        When(due_date=today, then=Value(D0)),
        default=Value(OVERDUE),
        output_field=CharField(),
    )


def due_deadlines(today: datetime.date):
    """The open worker-side deadlines in the sweep's window today, nothing more."""
    return Deadline.objects.filter(
        status=Deadline.Status.OPEN,
        binds=Deadline.Binds.WORKER,
        due_date__gte=today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS),
        due_date__lte=today + datetime.timedelta(days=LEAD_DAYS),
        suspended_since__isnull=True,
        case__state__in=ACTIVE_STATES,
    ).order_by("pk")


def unsent_deadlines(today: datetime.date):
    """`due_deadlines` whose reminder for today's threshold has not gone out yet.

    "Gone out" is judged on the rows that come first and last for a deadline: the
    current lawyer's in-app row (claimed with everything else in its chunk) and, when
    the lawyer has an email address, their email row (given back when a send fails,
    so a failed email brings its deadline back). A case without a lawyer is done when
    any reminder for the threshold exists. A newly assigned lawyer has no rows yet,
    so they hear about the deadline at its current threshold."""
    sent = Reminder.objects.filter(deadline=OuterRef("pk"), threshold=OuterRef("threshold"))
    lawyer_user = OuterRef("case__lawyer__user_id")
    has_email = Q(case__lawyer__email__gt="") | Q(case__lawyer__user__email__gt="")
    return (
        due_deadlines(today)
        .annotate(threshold=threshold_sql(today))
        .filter(
            (Q(case__lawyer__isnull=True) & ~Exists(sent))
            | (
                Q(case__lawyer__isnull=False)
                & ~Exists(sent.filter(recipient_id=lawyer_user, channel=IN_APP))
            )
            | (has_email & ~Exists(sent.filter(recipient_id=lawyer_user, channel=EMAIL)))
        )
    )


class Due(NamedTuple):
    """One deadline to remind about, as plain values (no model instances per row)."""

    pk: int
    case_id: int
    number: str
    region_code: str
    rule: str
    due_date: datetime.date
    provisional: bool
    safe_date: datetime.date | None  # "最晚请在…前办理（暂定）"
    citation: str
    threshold: str
    lawyer_user_id: int | None
    lawyer_name: str | None
    lawyer_email: str | None
    user_email: str | None
    lawyer_phone: str | None

    @property
    def email(self) -> str:
        return self.lawyer_email or self.user_email or ""


DUE_FIELDS = [
    "pk",
    "case_id",
    "case__number",
    "case__region_code",
    "rule",
    "due_date",
    "provisional",
    "safe_date",
    "citation",
    "threshold",
    "case__lawyer__user_id",
    "case__lawyer__name",
    "case__lawyer__email",
    "case__lawyer__user__email",
    "lawyer_phone",
]


def load_unsent(today: datetime.date) -> list[Due]:
    """One query: the unsent due deadlines, grouped by lawyer."""
    rows = (
        unsent_deadlines(today)
        # The phone as stored (E.164) text: no PhoneNumber parsing per row.
        .annotate(lawyer_phone=Cast("case__lawyer__phone", CharField()))
        .order_by("case__lawyer_id", "pk")
        .values_list(*DUE_FIELDS)
    )
    return [Due(*row) for row in rows]


class CoordinatorIndex:
    """Coordinator user ids per case region code, one query per region per sweep."""

    def __init__(self):
        self._cache = {}

    def for_region(self, region_code: str) -> list[int]:
        if region_code not in self._cache:
            self._cache[region_code] = sorted(
                set(Membership.objects.coordinating(region_code).values_list("user_id", flat=True))
            )
        return self._cache[region_code]


def plan(due: Due, coordinators: CoordinatorIndex) -> list[tuple]:
    """The per-deadline reminder keys (in-app and SMS); email keys are planned per
    lawyer by the sweep."""
    out = []
    lawyer = due.lawyer_user_id
    if lawyer is not None:
        out.append((due.pk, due.threshold, lawyer, IN_APP))
        if due.lawyer_phone:
            out.append((due.pk, due.threshold, lawyer, SMS))
    for user_id in coordinators.for_region(due.region_code):
        if user_id != lawyer:
            out.append((due.pk, due.threshold, user_id, IN_APP))
    return out


def claim(rows) -> set[tuple]:
    """Insert Reminder rows; return the keys this transaction inserted (the others
    existed already). Must run inside the sending transaction."""
    if not rows:
        return set()
    rows = sorted(set(rows))  # one lock order for every worker: no deadlocks
    table = Reminder._meta.db_table
    now = timezone.now()
    claimed = set()
    if connection.vendor == "postgresql":
        # Four array parameters instead of five placeholders per row: the driver does
        # not have to splice 10,000 parameters into the statement text. WITH
        # ORDINALITY … ORDER BY keeps the sorted insertion order (the lock order).
        columns = list(zip(*rows, strict=True))
        sql = (
            f"INSERT INTO {table} (deadline_id, threshold, recipient_id, channel, created_at) "
            "SELECT d, t, r, c, %s FROM unnest(%s::bigint[], %s::text[], %s::bigint[], "
            "%s::text[]) WITH ORDINALITY AS k(d, t, r, c, n) ORDER BY n "
            "ON CONFLICT (deadline_id, threshold, recipient_id, channel) "
            "DO NOTHING RETURNING deadline_id, threshold, recipient_id, channel"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, *(list(column) for column in columns)])
            claimed.update(tuple(row) for row in cursor.fetchall())
        return claimed
    for start in range(0, len(rows), 1000):
        part = rows[start : start + 1000]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
        params = [x for (d, t, r, c) in part for x in (d, t, r, c, now)]
        sql = (
            f"INSERT INTO {table} (deadline_id, threshold, recipient_id, channel, created_at) "
            f"VALUES {values} ON CONFLICT (deadline_id, threshold, recipient_id, channel) "
            f"DO NOTHING RETURNING deadline_id, threshold, recipient_id, channel"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            claimed.update(tuple(row) for row in cursor.fetchall())
    return claimed


# The sweep writes tens of thousands of lines from a handful of rule labels and
# day counts: translate each once per language, not once per line.
rule_label = per_language(rules.label_of)
left_label = per_language(lambda days: str(days_left_label(days)))


def message_for(due, today) -> str:
    """The one-line reminder text (in-app, email subject, digest line)."""
    left = left_label((due.due_date - today).days)
    text = _("【期限提醒】案件 %(number)s「%(label)s」届满日 %(due)s（%(left)s）") % {
        "number": due.number,
        "label": rule_label(due.rule),
        "due": due.due_date.isoformat(),
        "left": left,
    }
    if due.provisional:
        text += _("（暂定）")
    if due.safe_date:
        text += _("，最晚请在 %(date)s 前办理（暂定）") % {"date": due.safe_date.isoformat()}
    if due.rule in rules.PILOT_RULES:
        text += _("（%(notice)s）") % {"notice": rules.PILOT_NOTICE}
    return text


def sweep(today: datetime.date | None = None) -> dict:
    """Send every reminder due today that has not been sent. Safe to run twice and
    on many workers at once. Returns counts per channel of the reminders (one per
    deadline) this run sent."""
    today = today or timezone.localdate()
    rows = load_unsent(today)
    if not rows:
        return {}
    coordinators = CoordinatorIndex()
    counts = defaultdict(int)
    # Each lawyer's one email goes out in the chunk holding their last row.
    by_lawyer = defaultdict(list)
    last_row = {}
    for i, row in enumerate(rows):
        if row.lawyer_user_id is not None and row.email:
            by_lawyer[row.lawyer_user_id].append(row)
            last_row[row.lawyer_user_id] = i
    template = get_template("emails/deadline_reminder.txt")
    mail = get_connection()
    try:
        mail.open()  # one SMTP session for the sweep, not one per email
    except Exception:  # each send below tries again and gives its claims back on failure
        log.exception("mail connection failed at the start of the reminder sweep")
    try:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            planned = {}
            lawyers = []
            for i, row in enumerate(chunk, start):
                for key in plan(row, coordinators):
                    planned[key] = row
                if last_row.get(row.lawyer_user_id) == i:
                    lawyers.append(row.lawyer_user_id)
                    for r in by_lawyer[row.lawyer_user_id]:
                        planned[(r.pk, r.threshold, r.lawyer_user_id, EMAIL)] = r
            for channel, n in _claim_and_send(planned, lawyers, today, template, mail).items():
                counts[channel] += n
    finally:
        mail.close()
    return {channel: n for channel, n in counts.items() if n}


def deliver_sms(dedupe_keys: list[str]) -> int:
    """Task: hand the sweep's queued SMS to the gateway (cases.notices.sms.deliver is idempotent)."""
    ids = SmsMessage.objects.filter(
        dedupe_key__in=dedupe_keys, status=SmsMessage.Status.QUEUED
    ).values_list("pk", flat=True)
    for sms_id in list(ids):
        sms.deliver(sms_id)
    return len(ids)


def _claim_and_send(planned: dict, lawyers: list, today, template, mail) -> dict:
    counts = defaultdict(int)
    with transaction.atomic():
        claimed = claim(planned.keys())
        if not claimed:
            return counts
        notifications, sms_rows = [], []
        emails = defaultdict(list)  # lawyer user id -> their rows claimed for email
        texts = {}
        for key in sorted(claimed):
            deadline_pk, threshold, user_id, channel = key
            due = planned[key]
            counts[channel] += 1
            if channel == EMAIL:
                emails[user_id].append(due)
                continue
            dedupe = f"reminder:{deadline_pk}:{threshold}:{user_id}:{channel}"
            if channel == IN_APP:
                if deadline_pk not in texts:
                    texts[deadline_pk] = notice_texts(functools.partial(message_for, due, today))
                notifications.append(
                    Notification(
                        user_id=user_id,
                        case_id=due.case_id,
                        message=texts[deadline_pk][settings.LANGUAGE_CODE],
                        translations=texts[deadline_pk],
                        url=case_url("cases:detail", due.number) + "#deadlines-panel",
                        dedupe_key=dedupe[:100],
                    )
                )
            elif channel == SMS:
                params = {
                    "name": due.lawyer_name,
                    "number": due.number,
                    "rule": rule_label(due.rule),
                    "due": due.due_date.isoformat(),
                    "left": left_label((due.due_date - today).days),
                }
                sms_template = "deadline_reminder"
                if due.safe_date:
                    sms_template = "deadline_reminder_safe"
                    params["safe"] = due.safe_date.isoformat()
                sms_rows.append(
                    SmsMessage(
                        phone=due.lawyer_phone,
                        template=sms_template,
                        body=sms.render(sms_template, params)[:300],
                        dedupe_key=dedupe[:100],
                    )
                )
        # One INSERT each for the chunk's notifications and SMS; the dedupe keys are a
        # second guard. SMS rows go straight into the outbox (cases.notices.sms renders them)
        # and one task per chunk delivers them after commit, instead of one queued task
        # per message (the ORM broker opens a connection per enqueue).
        # Should the worker die between commit and enqueue, the outbox's own stale
        # pickup (cases.notices.sms.retry_due) delivers them.
        Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=1000)
        if sms_rows:
            SmsMessage.objects.bulk_create(sms_rows, ignore_conflicts=True, batch_size=1000)
            keys = [m.dedupe_key for m in sms_rows]
            transaction.on_commit(lambda: async_task("cases.tasks.deliver_reminder_sms", keys))
        if emails:
            counts[EMAIL] -= _send_emails(emails, today, template, mail)
    return counts


def _send_emails(emails: dict, today, template, mail) -> int:
    """One email per lawyer, sent inside the claiming transaction; a failed send gives
    that lawyer's claims back. Returns the number of reminders given back."""
    failed = 0
    base_url = getattr(settings, "PUBLIC_URL", "")
    for user_id, items in emails.items():
        items.sort(key=lambda d: (d.due_date, d.number, d.pk))
        sections = []
        for threshold in THRESHOLD_ORDER:
            section = [
                {
                    "due": d,
                    "label": rule_label(d.rule),
                    "left": left_label((d.due_date - today).days),
                    "pilot": d.rule in rules.PILOT_RULES,
                    "url": base_url + case_url("cases:detail", d.number),
                }
                for d in items
                if d.threshold == threshold
            ]
            if section:
                sections.append({"heading": THRESHOLD_HEADINGS[threshold], "items": section})
        first = items[0]
        if len(items) == 1:
            subject = message_for(first, today)
        else:
            subject = _("【期限提醒】%(n)s 个期限需要办理，最近届满 %(due)s（%(left)s）") % {
                "n": len(items),
                "due": first.due_date.isoformat(),
                "left": days_left_label((first.due_date - today).days),
            }
        body = template.render(
            {
                "name": first.lawyer_name,
                "sections": sections,
                "count": len(items),
                "pilot_notice": rules.PILOT_NOTICE,
                "site": settings.SITE_NAME,
            }
        )
        message = EmailMessage(subject=subject, body=body, to=[first.email], connection=mail)
        try:
            message.send()
        except Exception:  # any mail failure: retry on the next sweep
            log.exception("deadline reminder email to lawyer user %s failed", user_id)
            by_threshold = defaultdict(list)
            for d in items:
                by_threshold[d.threshold].append(d.pk)
            for threshold, pks in by_threshold.items():
                Reminder.objects.filter(
                    deadline_id__in=pks, threshold=threshold, recipient_id=user_id, channel=EMAIL
                ).delete()
            failed += len(items)
    return failed


# ---------------------------------------------------------------------------
# The coordinators' daily digest

# Items listed per section; the rest are counted and left to the deadline board.
DIGEST_LIST_LIMIT = 20


def coordinator_scopes():
    """(user, [scope prefixes]) for every active coordinator or union admin."""
    scopes = defaultdict(set)
    users = {}
    for m in Membership.objects.filter(
        role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN],
        union__isnull=False,
        user__is_active=True,
    ).select_related("user", "union"):
        scopes[m.user_id].add(m.union.scope)
        users[m.user_id] = m.user
    return [(users[uid], sorted(p)) for uid, p in sorted(scopes.items())]


def region_overview(scopes, today: datetime.date, limit: int = DIGEST_LIST_LIMIT) -> dict:
    """The open worker-side deadlines in the scopes: overdue (however long ago: each
    still needs marking done or missed), due today, and due in the next 7 days.
    Counts in one query, then at most `limit` rows per non-empty section."""
    base = Deadline.objects.filter(
        scope_q("case__region_code", scopes),
        status=Deadline.Status.OPEN,
        binds=Deadline.Binds.WORKER,
        suspended_since__isnull=True,
        case__state__in=ACTIVE_STATES,
        due_date__lte=today + datetime.timedelta(days=LEAD_DAYS),
    )
    parts = [
        ("overdue", _("已逾期"), Q(due_date__lt=today), ["-due_date", "pk"]),
        ("today", _("今天届满"), Q(due_date=today), ["pk"]),
        ("week", _("未来 7 天内届满"), Q(due_date__gt=today), ["due_date", "pk"]),
    ]
    counts = base.aggregate(**{key: Count("pk", filter=q) for key, _label, q, _o in parts})
    sections = []
    for key, label, q, order in parts:
        n = counts[key] or 0
        items = []
        if n:
            for d in base.filter(q).select_related("case__lawyer").order_by(*order)[:limit]:
                items.append(
                    {
                        "deadline": d,
                        "label": rule_label(d.rule),
                        "left": days_left_label((d.due_date - today).days),
                        "pilot": d.rule in rules.PILOT_RULES,
                    }
                )
        sections.append(
            {"key": key, "label": label, "count": n, "items": items, "more": n - len(items)}
        )
    return {"total": sum(s["count"] for s in sections), "sections": sections}


def digest_key(user_id: int, today: datetime.date) -> str:
    return f"digest:{user_id}:{today.isoformat()}"


def send_digest(today: datetime.date | None = None) -> int:
    """The daily overview for every coordinator whose region has something overdue,
    due today or due within 7 days: an in-app notification and, when they have an
    address, an email. Once per coordinator per day: the notification's unique
    dedupe key ("digest:<user>:<date>") is the claim, taken in the transaction that
    sends the email, so a rerun, a retry or a second worker sends nothing more, and a
    failed send gives the claim back for a rerun. Returns the digests sent."""
    today = today or timezone.localdate()
    sent = 0
    for user, scopes in coordinator_scopes():
        overview = region_overview(scopes, today)
        if not overview["total"]:
            continue  # nothing to report: no email, no notification
        try:
            sent += _send_one_digest(user, overview, today)
        except Exception:  # one coordinator's mail problem must not stop the others
            log.exception("deadline digest for user %s failed", user.pk)
    return sent


def _send_one_digest(user, overview, today) -> int:
    counts = {s["key"]: s["count"] for s in overview["sections"]}
    summary = _("逾期 %(overdue)s 项，今天届满 %(today)s 项，7 天内届满 %(week)s 项") % counts
    board = reverse("cases:deadline_board")
    with transaction.atomic():
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user,
                    message=(
                        _("【今日期限概览】%(date)s：%(summary)s")
                        % {
                            "date": today.isoformat(),
                            "summary": summary,
                        }
                    )[:300],
                    url=board,
                    dedupe_key=digest_key(user.pk, today),
                )
        except IntegrityError:
            return 0  # already sent today (by an earlier run or another worker)
        if user.email:
            body = render_to_string(
                "emails/deadline_digest.txt",
                {
                    "user": user,
                    "overview": overview,
                    "summary": summary,
                    "today": today,
                    "board_url": getattr(settings, "PUBLIC_URL", "") + board,
                    "pilot_notice": rules.PILOT_NOTICE,
                    "site": settings.SITE_NAME,
                },
            )
            subject = _("【%(site)s】%(date)s 期限概览：%(summary)s") % {
                "site": settings.SITE_NAME,
                "date": today.isoformat(),
                "summary": summary,
            }
            # A failed send raises and rolls the claim back: a rerun sends it.
            EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return 1
