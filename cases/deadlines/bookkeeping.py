"""Deadline bookkeeping on cases: creates and recomputes Deadline rows when
milestones are recorded or transitions happen. The arithmetic itself is pure and
lives in `cases.deadlines.rules`; this module is the ORM side, and with
`cases.deadlines.recompute` (what a holiday-calendar change moves) the only writer of
Deadline rows (the reminder sweep writes Reminder rows, never deadlines).

Deadlines that hang on a milestone are unique per (case, rule, milestone) and are
recomputed in place when the milestone changes. Deadlines started by a transition
(legalaid.assignment, the two SLAs) have no milestone; the database treats NULL
milestones as distinct, so the constraint `deadline_one_open_per_rule_without_milestone`
allows at most one *open* such row per case and rule, and this module closes the old
row before it opens a new one (reassign). The case row is locked by the transition
(`cases.workflow.apply_transition`), so two transitions cannot interleave here.

Every write here refuses an archived case (`permissions.ensure_editable`), whoever
calls it.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import claims, events
from cases.deadlines import counting, rules
from cases.deadlines.workdays import Calendar, load_calendar
from cases.models import CaseEvent, Deadline, Milestone
from cases.permissions import ensure_editable
from cases.statistics import rollup

User = get_user_model()

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


# ---------------------------------------------------------------------------
# Computing one Deadline row


def apply_result(deadline, result: counting.Result) -> None:
    deadline.due_date = result.due
    deadline.provisional = result.provisional
    deadline.rolled_over = result.rolled_over
    deadline.makeup_workday = result.makeup_workday
    # Stored only when it tells something: a provisional due date that leans on
    # guessed rest days.
    deadline.safe_date = result.safe_date if result.safe_date != result.due else None
    deadline.citation = str(result.citation)[:200]


def compute_for(deadline, calendar: Calendar, milestone_date=None) -> counting.Result:
    """Recompute a Deadline row's dates from its trigger, extension, interruption and
    suspension. A period that follows another (`rule.after`) is counted from the
    milestone's date (`milestone_date`, else the row's milestone) and takes that
    period's end as its trigger date; a period paused by milestones (`rule.paused_by`)
    reads its pause from the case's milestones."""
    rule = rules.get_rule(deadline.rule)
    if rule.paused_by:
        marks = Milestone.objects.filter(
            case_id=deadline.case_id, kind__in=rule.paused_by
        ).values_list("kind", "date")
        deadline.suspended_since, deadline.suspended_days = counting.pause_from(
            marks, rule.paused_by, deadline.trigger_date
        )
    if rule.after:
        start = milestone_date or deadline.milestone.date
        result = counting.compute_after(rule, start, calendar, extended=deadline.extended)
        deadline.trigger_date = result.trigger
    else:
        result = counting.compute(
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
    deadline = Deadline(
        case=case,
        milestone=milestone,
        rule=rule.code,
        trigger_date=trigger_date,
        binds=rule.binds_for(milestone),
    )
    compute_for(deadline, calendar, milestone_date=trigger_date)
    return deadline


def _new_deadline(case, rule, trigger_date, calendar, milestone=None):
    deadline = _unsaved_deadline(case, rule, trigger_date, calendar, milestone)
    deadline.save()
    return deadline


# ---------------------------------------------------------------------------
# Transitions and intake (called inside their transactions)


def _close_open(case, codes, status, reason):
    reason = str(reason)
    return Deadline.objects.filter(case=case, rule__in=codes, status=Deadline.Status.OPEN).update(
        status=status, reason=reason, closed_at=timezone.now(), updated_at=timezone.now()
    )


def _close_by_due(deadlines, day, *, overdue, in_time) -> None:
    """Close the open ones of `deadlines`: those due before `day` with the `overdue`
    (status, reason), the others with `in_time`."""
    still_open = deadlines.filter(status=Deadline.Status.OPEN)
    now = timezone.now()
    for (status, reason), part in (
        (overdue, still_open.filter(due_date__lt=day)),
        (in_time, still_open),
    ):
        part.update(status=status, reason=str(reason), closed_at=now, updated_at=now)


def open_transition_deadline(case, code: str, trigger_date: datetime.date, calendar=None):
    """Open the milestone-less deadline `code`, closing an older open one first."""
    calendar = calendar or load_calendar()
    _close_open(case, [code], Deadline.Status.DONE, _("已由新的期限取代"))
    return _new_deadline(case, rules.get_rule(code), trigger_date, calendar)


# Effects of transitions on the clocks; cases.workflow runs them inside the transaction.
# The lawyer's acceptance window (sla.lawyer_accept) is opened and closed here only.

ACCEPT_RULE = "sla.lawyer_accept"
SLA_RULES = ["sla.lawyer_accept", "sla.first_contact"]


def _day(step) -> datetime.date:
    return timezone.localdate(step.event.at)


def open_assignment_clock(step) -> None:
    """accept_for_aid: 法律援助法 43 I, assign within 3 days of deciding to give aid."""
    open_transition_deadline(step.case, "legalaid.assignment", _day(step))


def open_acceptance_window(step) -> None:
    """assign and reassign: the lawyer answers within the acceptance window."""
    if step.name == "assign":
        _close_open(step.case, ["legalaid.assignment"], Deadline.Status.DONE, _("已指派律师"))
    else:
        _close_open(step.case, ["sla.first_contact"], Deadline.Status.WAIVED, _("案件已改派"))
    open_transition_deadline(step.case, ACCEPT_RULE, _day(step))


def close_acceptance_window(step) -> None:
    """accept, decline, expire: the lawyer answered (or did not, in time)."""
    if step.name == "accept":
        _close_open(step.case, [ACCEPT_RULE], Deadline.Status.DONE, _("律师已接案"))
        open_transition_deadline(step.case, "sla.first_contact", _day(step))
    elif step.name == "decline":
        _close_open(step.case, [ACCEPT_RULE], Deadline.Status.DONE, TRANSITION_CLOSE["decline"])
    else:
        _close_open(step.case, [ACCEPT_RULE], Deadline.Status.MISSED, TRANSITION_CLOSE["expire"])


def end_service_levels(step) -> None:
    """resolve: the lawyer's service levels end; statutory deadlines (an appeal) run on."""
    _close_open(step.case, SLA_RULES, Deadline.Status.DONE, _("案件已办结"))


def settle_all(step) -> None:
    """close and withdraw: what is overdue was missed, the rest is waived."""
    _close_by_due(
        Deadline.objects.filter(case=step.case),
        _day(step),
        overdue=(Deadline.Status.MISSED, TRANSITION_MISSED[step.name]),
        in_time=(Deadline.Status.WAIVED, TRANSITION_CLOSE[step.name]),
    )


def acceptance_overdue(case, today: datetime.date) -> bool:
    """The open acceptance window of the case's current offer has passed."""
    return Deadline.objects.filter(
        case=case, rule=ACCEPT_RULE, status=Deadline.Status.OPEN, due_date__lt=today
    ).exists()


def after_intake(case, user) -> None:
    """Called inside the intake transaction: the incident date starts injury and tort clocks.

    The incident date is recorded as an ACCIDENT milestone (not computed from
    `case.incident_date` on the fly): deadlines always hang on a milestone the lawyer
    can see and correct, and correcting it recomputes them like any other milestone.
    """
    if not case.incident_date or not (claims.ACCIDENT & set(case.claim_list)):
        return
    milestone = Milestone.objects.create(
        case=case,
        kind=Milestone.Kind.ACCIDENT,
        date=case.incident_date,
        note=_("登记时填写的事发日期"),
        recorded_by=user,
    )
    # A milestone created a line above has no deadlines yet: build them all and insert
    # them in one statement (sync_milestone would look for existing ones, then insert
    # one by one, on the intake POST).
    calendar = load_calendar()
    Deadline.objects.bulk_create(
        [
            _unsaved_deadline(case, rule, milestone.date, calendar, milestone=milestone)
            for rule in rules.rules_for_trigger(milestone.kind, case.claim_list)
        ]
    )


# ---------------------------------------------------------------------------
# Milestones


def sync_milestone(milestone, calendar: Calendar) -> list:
    """Create the deadlines a milestone starts, and recompute the open ones it already has."""
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
            compute_for(deadline, calendar, milestone_date=milestone.date)
            deadline.save()
        out.append(deadline)
    return out


def _apply_pauses(milestone, calendar: Calendar, user) -> None:
    """A milestone that pauses or resumes periods (rules.PAUSES): recompute the case's
    open deadlines of those rules and log what changed."""
    codes = rules.PAUSES.get(milestone.kind)
    if not codes:
        return
    for deadline in Deadline.objects.filter(
        case=milestone.case_id, rule__in=codes, status=Deadline.Status.OPEN
    ):
        before = (deadline.due_date, deadline.suspended_since, deadline.suspended_days)
        compute_for(deadline, calendar)
        if (deadline.due_date, deadline.suspended_since, deadline.suspended_days) == before:
            continue
        deadline.save()
        if deadline.suspended_since:
            data = {"suspended_since": deadline.suspended_since.isoformat()}
        else:
            data = {
                "resumed_on": milestone.date.isoformat(),
                "paused_days": deadline.suspended_days,
                "old_due": before[0].isoformat(),
                "new_due": deadline.due_date.isoformat(),
            }
        events.record(
            milestone.case,
            CaseEvent.Kind.DEADLINE,
            actor=user,
            deadline=deadline.pk,
            rule=deadline.rule,
            **data,
        )


def record_milestone(case, kind, date, user, note="") -> object:
    """A new dated milestone on the case, with the deadlines it starts."""
    ensure_editable(case)
    # rollup.tracking: settled deadlines count in the statistics (met, missed).
    with transaction.atomic(), rollup.tracking(case):
        milestone = Milestone.objects.create(
            case=case, kind=kind, date=date, note=note, recorded_by=user
        )
        calendar = load_calendar()
        created = sync_milestone(milestone, calendar)
        _settle_fulfilled(milestone)
        _apply_pauses(milestone, calendar, user)
        events.record(
            case,
            CaseEvent.Kind.MILESTONE,
            actor=user,
            note=note,
            milestone=milestone.pk,
            kind=kind,
            date=date.isoformat(),
            deadlines=[d.rule for d in created],
        )
    return milestone


def _settle_fulfilled(milestone) -> None:
    """The deadlines this milestone was the act for (rules.FULFILLED_BY) are settled:
    done if it came in time, missed if it came after the due date."""
    words = {"date": milestone.date.isoformat(), "what": milestone.get_kind_display()}
    # Never the deadlines this milestone has just started (补正 starts a new period of
    # the rule it settles).
    others = Deadline.objects.filter(case=milestone.case_id).exclude(milestone=milestone)
    _close_by_due(
        others.filter(rule__in=rules.FULFILLED_BY.get(milestone.kind, ())),
        milestone.date,
        overdue=(Deadline.Status.MISSED, _("%(date)s 才%(what)s，已过届满日") % words),
        in_time=(Deadline.Status.DONE, _("已于 %(date)s %(what)s") % words),
    )
    mooted = _("已于 %(date)s %(what)s，不再需要办理") % words
    _close_by_due(
        others.filter(rule__in=rules.MOOTED_BY.get(milestone.kind, ())),
        milestone.date,
        overdue=(Deadline.Status.WAIVED, mooted),
        in_time=(Deadline.Status.WAIVED, mooted),
    )


def update_milestone(milestone, *, date, note, user) -> object:
    """Correct a milestone; its open deadlines are recomputed."""
    ensure_editable(milestone.case)
    with transaction.atomic(), rollup.tracking(milestone.case):
        old = milestone.date
        milestone.date = date
        milestone.note = note
        milestone.save(update_fields=["date", "note", "updated_at"])
        calendar = load_calendar()
        sync_milestone(milestone, calendar)
        _apply_pauses(milestone, calendar, user)
        events.record(
            milestone.case,
            CaseEvent.Kind.MILESTONE,
            actor=user,
            note=note,
            milestone=milestone.pk,
            kind=milestone.kind,
            old=old.isoformat(),
            new=date.isoformat(),
        )
    return milestone


# ---------------------------------------------------------------------------
# Acting on one deadline. Each takes the row locked and refuses when it is not open.


class DeadlineClosed(Exception):
    """The deadline is no longer open (someone else closed it)."""


def _locked_open(deadline):
    fresh = Deadline.objects.select_for_update().select_related("case").get(pk=deadline.pk)
    ensure_editable(fresh.case)
    if fresh.status != Deadline.Status.OPEN:
        raise DeadlineClosed(_("该期限已处理，请刷新页面。"))
    return fresh


def close_deadline(deadline, *, status, reason, user):
    """Mark a deadline done, missed or waived, with a reason."""
    with transaction.atomic():
        fresh = _locked_open(deadline)
        with rollup.tracking(fresh.case):
            fresh.status = status
            fresh.reason = reason
            fresh.closed_at = timezone.now()
            fresh.save(update_fields=["status", "reason", "closed_at", "updated_at"])
        events.record(
            fresh.case,
            CaseEvent.Kind.DEADLINE,
            actor=user,
            note=reason,
            deadline=fresh.pk,
            rule=fresh.rule,
            status=status,
        )
    return fresh


def _change(deadline, user, note, mutate, data):
    with transaction.atomic():
        fresh = _locked_open(deadline)
        old_due = fresh.due_date
        mutate(fresh)
        compute_for(fresh, load_calendar())
        fresh.save()
        events.record(
            fresh.case,
            CaseEvent.Kind.DEADLINE,
            actor=user,
            note=note,
            deadline=fresh.pk,
            rule=fresh.rule,
            old_due=old_due.isoformat(),
            new_due=fresh.due_date.isoformat(),
            **data,
        )
    return fresh


def extend_deadline(deadline, *, user, reason=""):
    """Apply the statutory extension (e.g. 仲裁 +15 日) where the rule has one."""
    rule = rules.get_rule(deadline.rule)
    if not rule.extension:
        raise ValueError(_("该期限没有法定延长。"))

    def mutate(d):
        d.extended = True

    extended = _change(deadline, user, reason, mutate, {"extended": True})
    # A period counted from this one's end (行政诉讼法 45 after 行政复议法 62) moves with it.
    for follower in Deadline.objects.filter(
        case=deadline.case_id,
        milestone=deadline.milestone_id,
        rule__in=rules.FOLLOWERS.get(deadline.rule, ()),
        status=Deadline.Status.OPEN,
        extended=False,
    ):
        _change(follower, user, reason, mutate, {"extended": True})
    return extended


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

    return _change(deadline, user, reason, mutate, {"interrupted_on": on.isoformat()})


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

    return _change(deadline, user, reason, mutate, {"suspended_since": since.isoformat()})


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
            plain = counting.compute(
                rule,
                d.trigger_date,
                load_calendar(),
                extended=d.extended,
                restarted_on=d.restarted_on,
                suspended_days=d.suspended_days,
            )
            tail = counting.add_months(on, rule.resume_tail_months)
            if tail > plain.raw_end:
                d.suspended_days += (tail - plain.raw_end).days

    return _change(
        deadline, user, reason, mutate, {"resumed_on": on.isoformat(), "paused_days": paused}
    )


# ---------------------------------------------------------------------------
# Queries


def next_act_by(case_ids) -> dict:
    """Case id → the day to act by on its nearest open worker-side deadline (the safe
    date of a provisional one), for the cases that have one. One query."""
    return dict(
        Deadline.objects.filter(
            case_id__in=list(case_ids),
            status=Deadline.Status.OPEN,
            binds=Deadline.Binds.WORKER,
            suspended_since__isnull=True,
        )
        .values("case_id")
        .annotate(act_by=Min(Coalesce("safe_date", "due_date")))
        .values_list("case_id", "act_by")
    )


def annotate_next_deadline(queryset):
    """Cases annotated with `next_deadline_due`: the nearest open deadline that binds
    the worker side (None when there is none). The lawyer queue sorts on it."""
    return queryset.annotate(
        next_deadline_due=Min(
            "deadlines__due_date",
            filter=Q(
                deadlines__status=Deadline.Status.OPEN, deadlines__binds=Deadline.Binds.WORKER
            ),
        )
    )


# ---------------------------------------------------------------------------
# How milestone and deadline events read in the case log


def _milestone_text(event) -> str:
    data = event.data
    kind = dict(Milestone.Kind.choices).get(data["kind"], data["kind"])
    if "old" in data:
        return _("修改%(kind)s：%(old)s → %(new)s") % {
            "kind": kind,
            "old": data["old"],
            "new": data["new"],
        }
    return _("记录节点：%(kind)s %(date)s") % {"kind": kind, "date": data["date"]}


def _deadline_text(event) -> str:
    data = event.data
    words = {"rule": rules.label_of(data["rule"])}
    if "status" in data:
        words["status"] = dict(Deadline.Status.choices).get(data["status"], data["status"])
        return _("%(rule)s：%(status)s") % words
    words.update(old=data.get("old_due", ""), new=data.get("new_due", ""))
    if data.get("recomputed"):
        return _("节假日安排更新，%(rule)s 届满日 %(old)s → %(new)s") % words
    if data.get("extended"):
        return _("%(rule)s 按法定期限延长，届满日 %(old)s → %(new)s") % words
    if "interrupted_on" in data:
        words["day"] = data["interrupted_on"]
        return _("%(rule)s 时效中断，自 %(day)s 重新计算，届满日 %(old)s → %(new)s") % words
    if "suspended_since" in data:
        words["day"] = data["suspended_since"]
        return _("%(rule)s 时效自 %(day)s 起中止") % words
    words.update(day=data["resumed_on"], n=data["paused_days"])
    return (
        _("%(rule)s 时效自 %(day)s 起恢复计算（中止 %(n)s 日），届满日 %(old)s → %(new)s") % words
    )


events.declare(
    CaseEvent.Kind.MILESTONE,
    data=("milestone", "kind", "date", "deadlines", "old", "new"),
    describe=_milestone_text,
)
events.declare(
    CaseEvent.Kind.DEADLINE,
    data=(
        "deadline",
        "rule",
        "status",
        "old_due",
        "new_due",
        "recomputed",
        "extended",
        "interrupted_on",
        "suspended_since",
        "resumed_on",
        "paused_days",
    ),
    describe=_deadline_text,
)
