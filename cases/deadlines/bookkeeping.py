"""Deadline bookkeeping on cases: creates and recomputes Deadline rows when
milestones are recorded or transitions happen. The arithmetic itself is pure and
lives in cases/deadlines.py; this module is the ORM side.

Deadlines that hang on a milestone are unique per (case, rule, milestone) and are
recomputed in place when the milestone changes. Deadlines started by a transition
(legalaid.assignment, the two SLAs) have no milestone; the database treats NULL
milestones as distinct, so the constraint `deadline_one_open_per_rule_without_milestone`
allows at most one *open* such row per case and rule, and this module closes the old
row before it opens a new one (reassign). The case row is already locked by the
transition's conditional UPDATE, so two transitions cannot interleave here.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import claims
from cases.deadlines import rules
from cases.deadlines.workdays import Calendar, load_calendar

# Reasons stored on deadlines closed by a transition.
TRANSITION_CLOSE = {
    "decline": gettext_lazy("律师已拒绝接案"),
    "expire": gettext_lazy("律师逾期未答复"),
    "withdraw": gettext_lazy("劳动者撤回求助，期限免除"),
    "close": gettext_lazy("案件已归档，期限免除"),
}
# Open deadlines already past their due date when the case ends were missed, not waived.
TRANSITION_MISSED = {
    "withdraw": gettext_lazy("劳动者撤回求助时已届满，仍未办理"),
    "close": gettext_lazy("案件归档时已届满，仍未办理"),
}


def _models():
    from cases import models

    return models


# ---------------------------------------------------------------------------
# Computing one Deadline row


def apply_result(deadline, result: rules.Result) -> None:
    deadline.due_date = result.due
    deadline.provisional = result.provisional
    deadline.rolled_over = result.rolled_over
    deadline.makeup_workday = result.makeup_workday
    deadline.citation = str(result.citation)[:200]


def compute_for(deadline, calendar: Calendar) -> rules.Result:
    """Recompute a Deadline row's dates from its trigger, extension, interruption and suspension."""
    rule = rules.get_rule(deadline.rule)
    result = rules.compute(
        rule,
        deadline.trigger_date,
        calendar,
        extended=deadline.extended,
        restarted_on=deadline.restarted_on,
        suspended_days=deadline.suspended_days,
    )
    apply_result(deadline, result)
    return result


def _unsaved_deadline(case, rule, trigger_date, calendar, milestone=None):
    Deadline = _models().Deadline
    deadline = Deadline(
        case=case,
        milestone=milestone,
        rule=rule.code,
        trigger_date=trigger_date,
        binds=rule.binds,
    )
    compute_for(deadline, calendar)
    return deadline


def _new_deadline(case, rule, trigger_date, calendar, milestone=None):
    deadline = _unsaved_deadline(case, rule, trigger_date, calendar, milestone)
    deadline.save()
    return deadline


def _event(case, user, kind, note="", data=None):
    CaseEvent = _models().CaseEvent
    return CaseEvent.objects.create(case=case, actor=user, kind=kind, note=note, data=data or {})


# ---------------------------------------------------------------------------
# Transitions and intake (called inside their transactions)


def _close_open(case, codes, status, reason):
    Deadline = _models().Deadline
    reason = str(reason)
    return Deadline.objects.filter(case=case, rule__in=codes, status=Deadline.Status.OPEN).update(
        status=status, reason=reason, closed_at=timezone.now(), updated_at=timezone.now()
    )


def _close_by_due(deadlines, day, *, overdue, in_time) -> None:
    """Close the open ones of `deadlines`: those due before `day` with the `overdue`
    (status, reason), the others with `in_time`."""
    Deadline = _models().Deadline
    still_open = deadlines.filter(status=Deadline.Status.OPEN)
    now = timezone.now()
    for (status, reason), part in (
        (overdue, still_open.filter(due_date__lt=day)),
        (in_time, still_open),
    ):
        part.update(status=status, reason=str(reason), closed_at=now, updated_at=now)


def open_transition_deadline(case, code: str, trigger_date: datetime.date, calendar=None):
    """Open the milestone-less deadline `code`, closing an older open one first."""
    Deadline = _models().Deadline
    calendar = calendar or load_calendar()
    _close_open(case, [code], Deadline.Status.DONE, _("已由新的期限取代"))
    return _new_deadline(case, rules.get_rule(code), trigger_date, calendar)


def after_transition(case, name, event, user) -> None:
    """Called inside the transition's transaction by cases.workflow."""
    Deadline = _models().Deadline
    today = timezone.localdate(event.at) if event.at else timezone.localdate()
    if name == "accept_for_aid":
        # 法律援助法 43 I: assign within 3 days of deciding to give aid.
        open_transition_deadline(case, "legalaid.assignment", today)
    elif name == "assign":
        _close_open(case, ["legalaid.assignment"], Deadline.Status.DONE, _("已指派律师"))
        open_transition_deadline(case, "sla.lawyer_accept", today)
    elif name == "reassign":
        _close_open(case, ["sla.first_contact"], Deadline.Status.WAIVED, _("案件已改派"))
        open_transition_deadline(case, "sla.lawyer_accept", today)
    elif name == "accept":
        _close_open(case, ["sla.lawyer_accept"], Deadline.Status.DONE, _("律师已接案"))
        open_transition_deadline(case, "sla.first_contact", today)
    elif name == "decline":
        _close_open(
            case, ["sla.lawyer_accept"], Deadline.Status.DONE, str(TRANSITION_CLOSE["decline"])
        )
    elif name == "expire":
        _close_open(
            case, ["sla.lawyer_accept"], Deadline.Status.MISSED, str(TRANSITION_CLOSE["expire"])
        )
    elif name in ("withdraw", "close"):
        _close_by_due(
            Deadline.objects.filter(case=case),
            today,
            overdue=(Deadline.Status.MISSED, TRANSITION_MISSED[name]),
            in_time=(Deadline.Status.WAIVED, TRANSITION_CLOSE[name]),
        )
        if name == "withdraw":
            # Withdrawn while assigned: the offer the lawyer has not answered yet is
            # settled here, the one place every withdrawal passes through (the
            # routing module only sees assign/accept/decline/expire/reassign).
            Assignment = _models().Assignment
            Assignment.objects.filter(case=case, status=Assignment.Status.PENDING).update(
                status=Assignment.Status.WITHDRAWN,
                responded_at=timezone.now(),
                reason=case.outcome_note or event.note or _("劳动者撤回求助"),
            )
    elif name == "resolve":
        # The lawyer's service levels end with the case; statutory ones (an appeal, say) stay.
        _close_open(
            case, ["sla.lawyer_accept", "sla.first_contact"], Deadline.Status.DONE, _("案件已办结")
        )




def after_intake(case, user) -> None:
    """Called inside the intake transaction: the incident date starts injury and tort clocks.

    The incident date is recorded as an ACCIDENT milestone (not computed from
    `case.incident_date` on the fly): deadlines always hang on a milestone the lawyer
    can see and correct, and correcting it recomputes them like any other milestone.
    """
    if not case.incident_date or not (claims.ACCIDENT & set(case.claim_list)):
        return
    Milestone = _models().Milestone
    milestone = Milestone.objects.create(
        case=case,
        kind=Milestone.Kind.ACCIDENT,
        date=case.incident_date,
        note=_("登记时填写的事发日期"),
        recorded_by=user,
    )
    # A milestone created a line above has no deadlines yet: build them all and insert
    # them in one statement (sync_milestone would look for existing ones, then insert
    # one by one: the intake POST's query count, issue 4 of the speed work).
    calendar = load_calendar()
    _models().Deadline.objects.bulk_create(
        [
            _unsaved_deadline(case, rule, milestone.date, calendar, milestone=milestone)
            for rule in rules.rules_for_trigger(milestone.kind, case.claim_list)
        ]
    )


# ---------------------------------------------------------------------------
# Milestones


def sync_milestone(milestone, calendar: Calendar) -> list:
    """Create the deadlines a milestone starts, and recompute the open ones it already has."""
    Deadline = _models().Deadline
    case = milestone.case
    existing = {d.rule: d for d in Deadline.objects.filter(milestone=milestone)}
    out = []
    for rule in rules.rules_for_trigger(milestone.kind, case.claim_list):
        deadline = existing.get(rule.code)
        if deadline is None:
            out.append(_new_deadline(case, rule, milestone.date, calendar, milestone=milestone))
            continue
        if deadline.status == Deadline.Status.OPEN:
            deadline.trigger_date = milestone.date
            compute_for(deadline, calendar)
            deadline.save()
        out.append(deadline)
    return out


def record_milestone(case, kind, date, user, note="") -> object:
    """A new dated milestone on the case, with the deadlines it starts."""
    models = _models()
    with transaction.atomic():
        milestone = models.Milestone.objects.create(
            case=case, kind=kind, date=date, note=note, recorded_by=user
        )
        created = sync_milestone(milestone, load_calendar())
        _settle_fulfilled(milestone)
        _event(
            case,
            user,
            models.CaseEvent.Kind.MILESTONE,
            note=f"{milestone.get_kind_display()} {date.isoformat()}",
            data={"milestone": milestone.pk, "deadlines": [d.rule for d in created]},
        )
    return milestone


def _settle_fulfilled(milestone) -> None:
    """The deadlines this milestone was the act for (rules.FULFILLED_BY) are settled:
    done if it came in time, missed if it came after the due date."""
    Deadline = _models().Deadline
    words = {"date": milestone.date.isoformat(), "what": milestone.get_kind_display()}
    _close_by_due(
        Deadline.objects.filter(
            case=milestone.case_id, rule__in=rules.FULFILLED_BY.get(milestone.kind, ())
        ),
        milestone.date,
        overdue=(Deadline.Status.MISSED, _("%(date)s 才%(what)s，已过届满日") % words),
        in_time=(Deadline.Status.DONE, _("已于 %(date)s %(what)s") % words),
    )


def update_milestone(milestone, *, date, note, user) -> object:
    """Correct a milestone; its open deadlines are recomputed."""
    models = _models()
    with transaction.atomic():
        old = milestone.date
        milestone.date = date
        milestone.note = note
        milestone.save(update_fields=["date", "note", "updated_at"])
        sync_milestone(milestone, load_calendar())
        _event(
            milestone.case,
            user,
            models.CaseEvent.Kind.MILESTONE,
            note=_("修改%(kind)s：%(old)s → %(new)s")
            % {
                "kind": milestone.get_kind_display(),
                "old": old.isoformat(),
                "new": date.isoformat(),
            },
            data={"milestone": milestone.pk, "old": old.isoformat(), "new": date.isoformat()},
        )
    return milestone


# ---------------------------------------------------------------------------
# Acting on one deadline. Each takes the row locked and refuses when it is not open.


class DeadlineClosed(Exception):
    """The deadline is no longer open (someone else closed it)."""


def _locked_open(deadline):
    Deadline = _models().Deadline
    fresh = Deadline.objects.select_for_update().select_related("case").get(pk=deadline.pk)
    if fresh.status != Deadline.Status.OPEN:
        raise DeadlineClosed(_("该期限已处理，请刷新页面。"))
    return fresh


def close_deadline(deadline, *, status, reason, user):
    """Mark a deadline done, missed or waived, with a reason."""
    models = _models()
    with transaction.atomic():
        fresh = _locked_open(deadline)
        fresh.status = status
        fresh.reason = reason
        fresh.closed_at = timezone.now()
        fresh.save(update_fields=["status", "reason", "closed_at", "updated_at"])
        _event(
            fresh.case,
            user,
            models.CaseEvent.Kind.DEADLINE,
            note=f"{rules.label_of(fresh.rule)} {fresh.get_status_display()}：{reason}",
            data={"deadline": fresh.pk, "status": status},
        )
    return fresh


def _change(deadline, user, note, mutate, data):
    models = _models()
    with transaction.atomic():
        fresh = _locked_open(deadline)
        old_due = fresh.due_date
        mutate(fresh)
        compute_for(fresh, load_calendar())
        fresh.save()
        _event(
            fresh.case,
            user,
            models.CaseEvent.Kind.DEADLINE,
            note=note,
            data={
                "deadline": fresh.pk,
                "old_due": old_due.isoformat(),
                "new_due": fresh.due_date.isoformat(),
                **data,
            },
        )
    return fresh


def extend_deadline(deadline, *, user, reason=""):
    """Apply the statutory extension (e.g. 仲裁 +15 日) where the rule has one."""
    rule = rules.get_rule(deadline.rule)
    if not rule.extension:
        raise ValueError(_("该期限没有法定延长。"))

    def mutate(d):
        d.extended = True

    return _change(deadline, user, _("期限延长：%(r)s") % {"r": reason}, mutate, {"extended": True})


def interrupt_deadline(deadline, *, on: datetime.date, user, reason=""):
    """Interruption (时效中断): the whole period starts again from `on`."""
    if deadline.rule not in rules.INTERRUPTIBLE_RULES:
        raise ValueError(_("该期限不适用时效中断（可记为中止）。"))
    if on < deadline.trigger_date:
        raise ValueError(_("中断日期不能早于起算日。"))
    if on > deadline.due_date:
        # An expired period is not revived by a later event; recording one here
        # would silently turn a missed deadline into an open one.
        raise ValueError(
            _("该时效已于 %(due)s 届满，届满后的事由不能中断时效。") % {"due": deadline.due_date}
        )

    def mutate(d):
        d.restarted_on = on
        d.suspended_days = 0
        d.suspended_since = None

    return _change(
        deadline,
        user,
        _("时效中断，自 %(d)s 重新计算：%(r)s") % {"d": on.isoformat(), "r": reason},
        mutate,
        {"interrupted_on": on.isoformat()},
    )


def suspend_deadline(deadline, *, since: datetime.date, user, reason=""):
    """Suspension (时效中止): the clock pauses from `since` until resumed."""
    if deadline.rule not in rules.LIMITATION_RULES:
        raise ValueError(_("只有时效期间可以中止。"))
    if deadline.suspended_since:
        raise ValueError(_("该时效已在中止中。"))
    if since < (deadline.restarted_on or deadline.trigger_date):
        raise ValueError(_("中止日期不能早于起算日。"))

    def mutate(d):
        d.suspended_since = since

    return _change(
        deadline,
        user,
        _("时效自 %(d)s 起中止：%(r)s") % {"d": since.isoformat(), "r": reason},
        mutate,
        {"suspended_since": since.isoformat()},
    )


def resume_deadline(deadline, *, on: datetime.date, user, reason=""):
    """The obstacle is gone: the paused days are added to the period. For 民法典 194
    the period also runs at least six months from `on` (stored as extra paused days)."""
    if not deadline.suspended_since:
        raise ValueError(_("该时效未处于中止状态。"))
    if on < deadline.suspended_since:
        raise ValueError(_("恢复日期不能早于中止日期。"))
    rule = rules.get_rule(deadline.rule)
    paused = (on - deadline.suspended_since).days

    def mutate(d):
        d.suspended_days += paused
        d.suspended_since = None
        if rule.resume_tail_months:
            # Compute without the tail, then top the paused days up to reach it.
            plain = rules.compute(
                rule,
                d.trigger_date,
                load_calendar(),
                extended=d.extended,
                restarted_on=d.restarted_on,
                suspended_days=d.suspended_days,
            )
            tail = rules.add_months(on, rule.resume_tail_months)
            if tail > plain.raw_end:
                d.suspended_days += (tail - plain.raw_end).days

    return _change(
        deadline,
        user,
        _("时效自 %(d)s 起恢复计算（中止 %(n)s 日）：%(r)s")
        % {"d": on.isoformat(), "n": paused, "r": reason},
        mutate,
        {"resumed_on": on.isoformat(), "paused_days": paused},
    )


# ---------------------------------------------------------------------------
# The daily recompute


def recompute_open(queryset, calendar=None) -> int:
    """Recompute open deadlines in `queryset`; returns how many changed. Writes a
    CaseEvent for every due date that moved."""
    models = _models()
    calendar = calendar or load_calendar()
    changed = 0
    for deadline in queryset.filter(status=models.Deadline.Status.OPEN).iterator(chunk_size=500):
        before = (
            deadline.due_date,
            deadline.provisional,
            deadline.rolled_over,
            deadline.makeup_workday,
        )
        compute_for(deadline, calendar)
        after = (
            deadline.due_date,
            deadline.provisional,
            deadline.rolled_over,
            deadline.makeup_workday,
        )
        if before == after:
            continue
        with transaction.atomic():
            rows = models.Deadline.objects.filter(
                pk=deadline.pk, status=models.Deadline.Status.OPEN, due_date=before[0]
            ).update(
                due_date=deadline.due_date,
                provisional=deadline.provisional,
                rolled_over=deadline.rolled_over,
                makeup_workday=deadline.makeup_workday,
                updated_at=timezone.now(),
            )
            if rows and before[0] != deadline.due_date:
                _event(
                    deadline.case,
                    None,
                    models.CaseEvent.Kind.DEADLINE,
                    note=_("节假日安排更新，%(rule)s 届满日 %(old)s → %(new)s")
                    % {
                        "rule": rules.label_of(deadline.rule),
                        "old": before[0].isoformat(),
                        "new": deadline.due_date.isoformat(),
                    },
                    data={
                        "deadline": deadline.pk,
                        "old_due": before[0].isoformat(),
                        "new_due": deadline.due_date.isoformat(),
                    },
                )
        changed += rows
    return changed


def recompute_provisional() -> int:
    """Provisional deadlines, and open ones whose period touches an admin override:
    recomputed with today's schedule (daily task; safe to run twice)."""
    from django.db.models import Q

    models = _models()
    calendar = load_calendar()
    query = Q(provisional=True)
    this_year = timezone.localdate().year
    for day in calendar.overrides:
        if day.year >= this_year - 1:
            # A rest day can only push a due date later, a working day pull it earlier,
            # by at most a couple of weeks: a window around the date covers both.
            query |= Q(trigger_date__lte=day, due_date__gte=day - datetime.timedelta(days=20))
    return recompute_open(models.Deadline.objects.filter(query), calendar)


# ---------------------------------------------------------------------------
# Queries


def annotate_next_deadline(queryset):
    """Cases annotated with `next_deadline_due`: the nearest open deadline that binds
    the worker side (None when there is none). The lawyer queue sorts on it."""
    from django.db.models import Min, Q

    from cases.models import Deadline

    return queryset.annotate(
        next_deadline_due=Min(
            "deadlines__due_date",
            filter=Q(
                deadlines__status=Deadline.Status.OPEN, deadlines__binds=Deadline.Binds.WORKER
            ),
        )
    )
