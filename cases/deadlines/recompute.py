"""Recomputing open deadlines when the holiday calendar changes: an admin override, a
year marked complete (or no longer), a newer `chinesecalendar`. Rows are recomputed
with the same arithmetic as when they were opened (`bookkeeping.compute_for`), updated
only if still open with the due date read, logged as a CaseEvent, and the people who
rely on the date are told (`tell_moved`).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from cases import events
from cases.deadlines import rules
from cases.deadlines.bookkeeping import compute_for
from cases.deadlines.workdays import load_calendar
from cases.links import case_url
from cases.models import CaseEvent, Deadline
from cases.notices import notify
from lawyers.models import Lawyer
from stations.models import Membership

User = get_user_model()


# The fields a calendar change can move.
RECOMPUTED = (
    "trigger_date",
    "due_date",
    "provisional",
    "rolled_over",
    "makeup_workday",
    "safe_date",
    "suspended_since",
    "suspended_days",
)


def recompute_open(queryset, calendar=None) -> int:
    """Recompute open deadlines in `queryset`; returns how many changed. For every due
    date that moved: a CaseEvent, and an in-app notice to the case's lawyer and the
    region's coordinators (`tell_moved`)."""
    calendar = calendar or load_calendar()
    changed = 0
    coordinators = {}
    rows = queryset.filter(status=Deadline.Status.OPEN).select_related("case", "milestone")
    for deadline in rows.iterator(chunk_size=500):
        before = tuple(getattr(deadline, name) for name in RECOMPUTED)
        compute_for(deadline, calendar)
        after = tuple(getattr(deadline, name) for name in RECOMPUTED)
        if before == after:
            continue
        old_due = before[RECOMPUTED.index("due_date")]
        with transaction.atomic():
            rows_updated = Deadline.objects.filter(
                pk=deadline.pk, status=Deadline.Status.OPEN, due_date=old_due
            ).update(**dict(zip(RECOMPUTED, after, strict=True)), updated_at=timezone.now())
            if rows_updated and old_due != deadline.due_date:
                events.record(
                    deadline.case,
                    CaseEvent.Kind.DEADLINE,
                    deadline=deadline.pk,
                    rule=deadline.rule,
                    old_due=old_due.isoformat(),
                    new_due=deadline.due_date.isoformat(),
                    recomputed=True,
                )
                tell_moved(deadline, old_due, coordinators)
        changed += rows_updated
    return changed


def _moved_text(deadline, old_due) -> str:
    words = {
        "number": deadline.case.number,
        "label": rules.label_of(deadline.rule),
        "old": old_due.isoformat(),
        "new": deadline.due_date.isoformat(),
    }
    text = (
        _("【期限变更】案件 %(number)s「%(label)s」届满日 %(old)s → %(new)s（节假日安排更新）")
        % words
    )
    if deadline.provisional:
        text += _("（暂定）")
    if deadline.safe_date and deadline.binds == Deadline.Binds.WORKER:
        text += _("；最晚请在 %(date)s 前办理（暂定）") % {"date": deadline.safe_date.isoformat()}
    return text


def tell_moved(deadline, old_due, coordinators: dict) -> None:
    """In-app notices that a due date moved: to the case's lawyer and to the
    coordinators of its region (`coordinators` caches them per region code). Once per
    deadline, move and person (the dedupe key). No SMS to the worker: a recompute never
    moves a due date before the safe date the worker was shown (the property test in
    tests/test_statutory_holidays.py), and their status page shows the new date."""
    case = deadline.case
    region = case.region_code
    if region not in coordinators:
        coordinators[region] = set(
            Membership.objects.coordinating(region).values_list("user_id", flat=True)
        )
    people = set(coordinators[region])
    if case.lawyer_id:
        people |= set(Lawyer.objects.filter(pk=case.lawyer_id).values_list("user_id", flat=True))
    url = case_url("cases:detail", case.number) + "#deadlines-panel"
    for user_id in sorted(people - {None}):
        notify.notify_user(
            User(pk=user_id),
            lambda: _moved_text(deadline, old_due),
            case=case,
            url=url,
            dedupe_key=f"moved:{deadline.pk}:{old_due:%Y%m%d}:{deadline.due_date:%Y%m%d}:{user_id}",
        )


def recompute_schedule(days=(), years=()) -> int:
    """Recompute the open deadlines a calendar change can move, with today's schedule:
    the provisional ones; those whose period touches an admin override (or one of
    `days`, e.g. an override just deleted); and those whose period touches one of
    `years` (a year marked complete, or no longer). Safe to run twice."""
    calendar = load_calendar()
    query = Q(provisional=True)
    this_year = timezone.localdate().year
    for day in {*calendar.overrides, *days}:
        if day.year >= this_year - 1:
            # A rest day can only push a due date later, a working day pull it earlier,
            # by at most a couple of weeks: a window around the date covers both.
            query |= Q(trigger_date__lte=day, due_date__gte=day - datetime.timedelta(days=20))
    for year in years:
        query |= Q(
            trigger_date__lte=datetime.date(year, 12, 31),
            due_date__gte=datetime.date(year, 1, 1) - datetime.timedelta(days=20),
        )
    return recompute_open(Deadline.objects.filter(query), calendar)


def recompute_provisional() -> int:
    """The nightly run (a newer chinesecalendar, or a change nobody queued)."""
    return recompute_schedule()


def schedule_changed(*, days=(), years=()) -> None:
    """The admin changed the calendar (an override, or whether a year is complete):
    queue the recompute once the change is committed, so it takes effect now, without
    a restart and without waiting for the nightly run."""
    days = sorted({d.isoformat() for d in days})
    years = sorted({int(y) for y in years})
    transaction.on_commit(
        lambda: async_task("cases.tasks.recompute_after_calendar_change", days, years)
    )
