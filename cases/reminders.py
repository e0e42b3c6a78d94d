"""Deadline reminders (DESIGN §5 "Reminders", issue 5 §6).

For open worker-side deadlines the sweep sends a reminder at 7, 3 and 1 days before,
on the day, and once when overdue: to the assigned lawyer (in-app, email, SMS) and to
the region's coordinators (in-app; their email is the daily digest). A deadline that
is first seen late gets the most urgent threshold it has reached (created 5 days
before: the "7 days" reminder, saying "5 days left"); thresholds already passed are
not sent after it.

Exactly once. The `Reminder` row, unique on (deadline, threshold, recipient, channel),
is the claim. The sweep works in chunks; for each chunk, in ONE transaction, it
inserts the Reminder rows with INSERT … ON CONFLICT DO NOTHING RETURNING (only the
rows this worker inserted come back), then performs exactly those sends:

- in-app: a Notification row — same database, same transaction;
- SMS: a row in the SMS outbox (rendered by cases.sms) — same transaction; delivery
  is queued after commit (one task per chunk) and made idempotent by the outbox;
- email: sent through the mail backend inside the transaction, each in a savepoint;
  a send that fails deletes its own Reminder row again so the next sweep retries it.

So a worker killed mid-chunk rolls the claim and the in-app/SMS rows back together:
the next sweep redoes them, nothing lost and nothing doubled. Two workers sweeping at
once insert the same keys in the same (sorted) order; on PostgreSQL the second blocks
on the first's uncommitted index entries and then gets DO NOTHING, so it sends
nothing (on SQLite the IMMEDIATE transactions simply run one after the other). The
one window no database can close is an SMTP server that accepted an email in the
instant before the worker died and the transaction rolled back: that email may go
twice (at-least-once), never zero times.

The sweep reads only what is due: open worker-side deadlines with due_date in
[today − OVERDUE_WINDOW_DAYS, today + 7], through the (status, due_date) index.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from . import deadlines as rules
from .models import Case, Deadline, Notification, Reminder, SmsMessage
from .templatetags.deadlines import days_left_label

log = logging.getLogger(__name__)

LEAD_DAYS = 7
# An overdue reminder is still sent this many days after the due date (a sweep that
# was down for a while catches up); older overdue deadlines are not re-read forever.
OVERDUE_WINDOW_DAYS = 7
CHUNK = 500
# Cases whose deadlines still matter: open ones, and resolved ones (an appeal period runs on).
ACTIVE_STATES = [*Case.OPEN_STATES, Case.State.RESOLVED]


def threshold_for(days_left: int) -> str | None:
    if days_left > LEAD_DAYS:
        return None
    if days_left >= 4:
        return Reminder.Threshold.D7.value
    if days_left >= 2:
        return Reminder.Threshold.D3.value
    if days_left == 1:
        return Reminder.Threshold.D1.value
    if days_left == 0:
        return Reminder.Threshold.D0.value
    return Reminder.Threshold.OVERDUE.value


def due_deadlines(today: datetime.date):
    """The open worker-side deadlines the sweep must look at today, nothing more."""
    return (
        Deadline.objects.filter(
            status=Deadline.Status.OPEN,
            binds=Deadline.Binds.WORKER,
            due_date__gte=today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS),
            due_date__lte=today + datetime.timedelta(days=LEAD_DAYS),
            suspended_since__isnull=True,
            case__state__in=ACTIVE_STATES,
        )
        .select_related("case__lawyer__user")
        .order_by("pk")
    )


def union_codes_covering(region_code: str) -> list[str]:
    """Union region codes whose scope contains `region_code` (district, city, province)."""
    return sorted({region_code, region_code[:4] + "00", region_code[:2] + "0000"})


class CoordinatorIndex:
    """Coordinator user ids per case region code, one query per region per sweep."""

    def __init__(self):
        self._cache = {}

    def for_region(self, region_code: str) -> list[int]:
        if region_code not in self._cache:
            from stations.models import Membership

            self._cache[region_code] = sorted(
                set(
                    Membership.objects.filter(
                        role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN],
                        union__region_code__in=union_codes_covering(region_code),
                    ).values_list("user_id", flat=True)
                )
            )
        return self._cache[region_code]


IN_APP = Reminder.Channel.IN_APP.value
EMAIL = Reminder.Channel.EMAIL.value
SMS = Reminder.Channel.SMS.value
DIGEST = Reminder.Channel.DIGEST.value


def plan(deadline, today, coordinators: CoordinatorIndex):
    """(threshold, recipient id, channel) for one deadline today."""
    threshold = threshold_for((deadline.due_date - today).days)
    if threshold is None:
        return []
    out = []
    lawyer = deadline.case.lawyer
    if lawyer is not None:
        out.append((threshold, lawyer.user_id, IN_APP))
        if lawyer.email or lawyer.user.email:
            out.append((threshold, lawyer.user_id, EMAIL))
        if lawyer.phone:
            out.append((threshold, lawyer.user_id, SMS))
    for user_id in coordinators.for_region(deadline.case.region_code):
        if lawyer is None or user_id != lawyer.user_id:
            out.append((threshold, user_id, IN_APP))
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


def message_for(deadline, today) -> str:
    rule = rules.RULES.get(deadline.rule)
    label = rule.label if rule else deadline.rule
    left = days_left_label((deadline.due_date - today).days)
    text = _("【期限提醒】案件 %(number)s「%(label)s」届满日 %(due)s（%(left)s）") % {
        "number": deadline.case.number,
        "label": label,
        "due": deadline.due_date.isoformat(),
        "left": left,
    }
    if deadline.provisional:
        text += _("（暂定）")
    return text


def sweep(today: datetime.date | None = None) -> dict:
    """Send every reminder due today that has not been sent. Safe to run twice and
    on many workers at once. Returns counts per channel of what this run sent."""
    today = today or timezone.localdate()
    coordinators = CoordinatorIndex()
    counts = defaultdict(int)
    # The due ids in one index-driven read; each chunk then loads its rows by id, so
    # the range scan and join are not repeated per chunk.
    ids = list(due_deadlines(today).values_list("pk", flat=True))
    template = get_template("emails/deadline_reminder.txt")
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            Deadline.objects.filter(pk__in=ids[start : start + CHUNK])
            .select_related("case__lawyer__user")
            .order_by("pk")
        )
        planned = {}
        for d in chunk:
            for threshold, user_id, channel in plan(d, today, coordinators):
                planned[(d.pk, threshold, user_id, channel)] = d
        if planned:
            for channel, n in _claim_and_send(planned, today, template).items():
                counts[channel] += n
    return dict(counts)


def deliver_sms(dedupe_keys: list[str]) -> int:
    """Task: hand the sweep's queued SMS to the gateway (cases.sms.deliver is idempotent)."""
    from . import sms

    ids = SmsMessage.objects.filter(
        dedupe_key__in=dedupe_keys, status=SmsMessage.Status.QUEUED
    ).values_list("pk", flat=True)
    for sms_id in list(ids):
        sms.deliver(sms_id)
    return len(ids)


def _claim_and_send(planned: dict, today, template) -> dict:
    from . import sms

    counts = defaultdict(int)
    with transaction.atomic():
        claimed = claim(planned.keys())
        if not claimed:
            return counts
        notifications, emails, sms_rows = [], [], []
        for key in sorted(claimed):
            deadline_pk, threshold, user_id, channel = key
            deadline = planned[key]
            text = message_for(deadline, today)
            dedupe = f"reminder:{deadline_pk}:{threshold}:{user_id}:{channel}"
            if channel == IN_APP:
                notifications.append(
                    Notification(
                        user_id=user_id,
                        case_id=deadline.case_id,
                        message=text[:300],
                        url=deadline.case.get_absolute_url() + "#deadlines-panel",
                        dedupe_key=dedupe[:100],
                    )
                )
            elif channel == SMS:
                lawyer = deadline.case.lawyer
                rule = rules.RULES.get(deadline.rule)
                params = {
                    "name": lawyer.name,
                    "number": deadline.case.number,
                    "rule": rule.label if rule else deadline.rule,
                    "due": deadline.due_date.isoformat(),
                    "left": days_left_label((deadline.due_date - today).days),
                }
                sms_rows.append(
                    SmsMessage(
                        phone=lawyer.phone,
                        template="deadline_reminder",
                        body=sms.render("deadline_reminder", params)[:300],
                        dedupe_key=dedupe[:100],
                    )
                )
            elif channel == EMAIL:
                emails.append((key, deadline, text))
            counts[channel] += 1
        # One INSERT each for the chunk's notifications and SMS; the dedupe keys are a
        # second guard. SMS rows go straight into the outbox (cases.sms renders them)
        # and one task per chunk delivers them after commit, instead of one queued task
        # per message (the ORM broker opens a connection per enqueue: ~35 ms each).
        # Should the worker die between commit and enqueue, the outbox's own stale
        # pickup (cases.sms.retry_due) delivers them.
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        if sms_rows:
            SmsMessage.objects.bulk_create(sms_rows, ignore_conflicts=True)
            keys = [m.dedupe_key for m in sms_rows]
            transaction.on_commit(lambda: async_task("cases.reminders.deliver_sms", keys))
        if emails:
            counts[EMAIL] -= _send_emails(emails, today, template)
    return counts


def _send_emails(emails, today, template) -> int:
    """Send inside the claiming transaction; a failed send gives its claim back.
    Returns the number that failed."""
    failed = 0
    mail = get_connection()
    for key, deadline, text in emails:
        lawyer = deadline.case.lawyer
        body = template.render(
            {
                "lawyer": lawyer,
                "deadline": deadline,
                "text": text,
                "rule": rules.RULES.get(deadline.rule),
                "site": settings.SITE_NAME,
            },
        )
        message = EmailMessage(
            subject=text, body=body, to=[lawyer.email or lawyer.user.email], connection=mail
        )
        try:
            message.send()
        except Exception:  # any mail failure: retry on the next sweep
            log.exception("deadline reminder email failed for %s", key)
            Reminder.objects.filter(
                deadline_id=key[0], threshold=key[1], recipient_id=key[2], channel=key[3]
            ).delete()
            failed += 1
    return failed


# ---------------------------------------------------------------------------
# The coordinators' daily digest


def coordinator_scopes():
    """(user, [scope prefixes]) for every coordinator or union admin with an email."""
    from stations.models import Membership

    scopes = defaultdict(set)
    users = {}
    for m in Membership.objects.filter(
        role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN], union__isnull=False
    ).select_related("user", "union"):
        if m.user.email and m.user.is_active:
            scopes[m.user_id].add(m.union.scope)
            users[m.user_id] = m.user
    return [(users[uid], sorted(p)) for uid, p in scopes.items()]


def send_digest(today: datetime.date | None = None) -> int:
    """One email per coordinator listing the worker-side deadlines in their region that
    reached a new threshold since the last digest. Claimed with the same Reminder rows
    (channel "digest"), so a rerun the same day sends nothing. Returns emails sent."""
    from stations.regions import scope_q

    today = today or timezone.localdate()
    sent = 0
    for user, scopes in coordinator_scopes():
        deadlines = list(
            due_deadlines(today)
            .filter(scope_q("case__region_code", scopes))
            .order_by("due_date", "pk")
        )
        planned = {}
        for d in deadlines:
            threshold = threshold_for((d.due_date - today).days)
            if threshold:
                planned[(d.pk, threshold, user.pk, DIGEST)] = d
        if not planned:
            continue
        with transaction.atomic():
            claimed = claim(planned.keys())
            if not claimed:
                continue
            items = [
                {"deadline": planned[k], "text": message_for(planned[k], today)}
                for k in sorted(claimed, key=lambda k: (planned[k].due_date, k))
            ]
            body = render_to_string(
                "emails/deadline_digest.txt",
                {"user": user, "items": items, "today": today, "site": settings.SITE_NAME},
            )
            subject = _("【%(site)s】%(date)s 期限汇总：%(n)s 项需要关注") % {
                "site": settings.SITE_NAME,
                "date": today.isoformat(),
                "n": len(items),
            }
            # A failed send raises and rolls the claims back: tomorrow's digest retries.
            EmailMessage(subject=subject, body=body, to=[user.email]).send()
            sent += 1
    return sent
