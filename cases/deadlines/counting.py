"""Counting a deadline: a rule from `cases.deadlines.rules`, a trigger date and the
working-day calendar in; the due date, with every flag a reader needs (provisional,
rolled over, make-up working day, the safe date) out, and the computation explained.

Pure: dates and rules in, dates out, no ORM. The working-day schedule is passed in as
a `cases.deadlines.workdays.Calendar` (itself pure); `cases.deadlines.bookkeeping` is
the ORM side.

Counting (民法典 第二百零一条至第二百零三条, 民事诉讼法 第八十五条):
1. the trigger day is not counted (民法典 201, 民事诉讼法 85 II);
2. months and years end on the same-numbered day of the final month, or on its last
   day when there is none (民法典 202);
3. a last day that is a rest day (weekend or statutory holiday) moves to the next
   working day (民法典 203, 民事诉讼法 85 III); a weekend make-up working day is a
   working day: no roll-over, but flagged;
4. holidays inside the period do not extend it; working-day periods count working days.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from cases.deadlines.rules import DAYS, MONTHS, WORKDAYS, YEARS, Rule, get_rule, period_text
from cases.deadlines.workdays import Calendar


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Same-numbered day `months` later, or that month's last day when there is none (民法典 202)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(start.day, last))


@dataclass(frozen=True)
class Result:
    rule: str
    trigger: datetime.date
    start: datetime.date  # the trigger, or the restart date after an interruption
    raw_end: datetime.date  # the last day before any roll-over
    due: datetime.date
    # The latest date sure to be in time: `due`, or earlier when `due` leans on a
    # guessed rest day (see `compute`).
    safe_date: datetime.date
    provisional: bool
    rolled_over: bool
    makeup_workday: bool
    citation: str
    extended: bool = False
    suspended_days: int = 0

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "trigger": self.trigger.isoformat(),
            "due": self.due.isoformat(),
            "provisional": self.provisional,
            "rolled_over": self.rolled_over,
            "makeup_workday": self.makeup_workday,
            "citation": str(self.citation),
        }


def _earliest_working_day(calendar: Calendar, start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` if every guessed rest day turned out to be a
    make-up working day: the earliest a working-day period can end once the year's
    schedule is published. Statutory holidays are rest days in any schedule."""
    date, counted = start, 0
    while counted < n:
        date += datetime.timedelta(days=1)
        info = calendar.day(date)
        if info.workday or not (info.known or info.statutory_holiday):
            counted += 1
    return date


def compute(
    rule: Rule | str,
    trigger: datetime.date,
    calendar: Calendar,
    *,
    extended: bool = False,
    restarted_on: datetime.date | None = None,
    suspended_days: int = 0,
    resumed_on: datetime.date | None = None,
) -> Result:
    """The due date of `rule` started by an event on `trigger`.

    Limitation periods: `restarted_on` (interruption) starts the whole period again
    from that date; `suspended_days` (suspension) adds the paused days to the end; for
    rules with `resume_tail_months` the period also runs at least that long after
    `resumed_on` (民法典 194 II).

    Safe date: a provisional result leans on guesses about a year whose schedule is not
    published. A guessed working day can only turn into a rest day (a day in lieu),
    which moves the due date later; a guessed rest day (a weekend) can turn into a
    make-up working day, which moves it earlier. So for a provisional result
    `safe_date` is the last day of the period before any roll-over (`raw_end`; for a
    working-day period, counted as if every guessed weekend were a working day):
    acting by then is in time whatever the notice says. Otherwise it is `due`.
    """
    if isinstance(rule, str):
        rule = get_rule(rule)
    start = restarted_on or trigger
    amount = rule.period + (rule.extension if extended else 0)

    def adjusted(end: datetime.date) -> datetime.date:
        if suspended_days:
            end += datetime.timedelta(days=suspended_days)
        if rule.resume_tail_months and resumed_on:
            end = max(end, add_months(resumed_on, rule.resume_tail_months))
        return end

    provisional = False
    if rule.unit == WORKDAYS:
        raw_end, provisional = calendar.add_working_days(start, amount)
    elif rule.unit == DAYS:
        raw_end = start + datetime.timedelta(days=amount)
    elif rule.unit == MONTHS:
        raw_end = add_months(start, amount)
    elif rule.unit == YEARS:
        raw_end = add_months(start, 12 * amount)
    else:  # pragma: no cover - the table is fixed
        raise ValueError(rule.unit)
    raw_end = adjusted(raw_end)
    due, looked_provisional = calendar.next_workday(raw_end)
    provisional |= looked_provisional
    safe_date = due
    if provisional:
        safe_date = raw_end
        if rule.unit == WORKDAYS:
            safe_date = adjusted(_earliest_working_day(calendar, start, amount))
    return Result(
        rule=rule.code,
        trigger=trigger,
        start=start,
        raw_end=raw_end,
        due=due,
        safe_date=safe_date,
        provisional=provisional,
        rolled_over=due != raw_end,
        makeup_workday=calendar.day(due).makeup,
        citation=rule.citation,
        extended=extended,
        suspended_days=suspended_days,
    )


def compute_after(
    rule: Rule | str, milestone_date: datetime.date, calendar: Calendar, *, extended: bool = False
) -> Result:
    """A period that starts when the period of `rule.after` ends, both started by a
    milestone on `milestone_date`. `extended` applies to that first period (行政复议法 62:
    the 复议 period extended by 30 days moves the end it counts from).

    The result's trigger is the first period's due date. When that one is provisional,
    so is this, and its safe date counts from the first period's safe date."""
    if isinstance(rule, str):
        rule = get_rule(rule)
    first = compute(rule.after, milestone_date, calendar, extended=extended)
    result = compute(rule, first.due, calendar)
    if not first.provisional:
        return result
    earliest = compute(rule, first.safe_date, calendar)
    return replace(result, provisional=True, safe_date=min(result.safe_date, earliest.safe_date))


def pause_from(
    milestones, paused_by: tuple[str, str], start: datetime.date
) -> tuple[datetime.date | None, int]:
    """(suspended since, days paused so far) from a case's milestones `(kind, date)`:
    each pausing milestone on or after `start` opens a pause, the next resuming one
    closes it (a second pause while paused, or a resume without a pause, changes
    nothing). An open pause gives its start; closed ones add their length."""
    pause, resume = paused_by
    since, days = None, 0
    for kind, date in sorted(milestones, key=lambda m: (m[1], m[0] != pause)):
        if date < start:
            continue
        if kind == pause and since is None:
            since = date
        elif kind == resume and since is not None:
            days += (date - since).days
            since = None
    return since, days


def explain(
    result: Result, rule: Rule | None = None, calendar: Calendar | None = None
) -> list[str]:
    """The computation in plain Chinese, one sentence per line."""
    rule = rule or get_rule(result.rule)
    lines = [
        _("规则：%(code)s %(label)s") % {"code": rule.code, "label": rule.label},
        _("依据：%(citation)s") % {"citation": rule.citation},
        _("起算：%(start)s（当日不计入），期间 %(period)s%(ext)s")
        % {
            "start": result.start.isoformat(),
            "period": rule.period_label,
            "ext": (_("，已延长 %(period)s") % {"period": period_text(rule.extension, rule.unit)})
            if result.extended and rule.extension
            else "",
        },
    ]
    if rule.after:
        lines.append(
            _("起算日是前一期间（%(label)s）的届满日") % {"label": get_rule(rule.after).label}
        )
    if result.start != result.trigger:
        lines.append(_("时效中断，自 %(d)s 重新计算") % {"d": result.start.isoformat()})
    if result.suspended_days:
        lines.append(_("期间中止 %(n)s 日，相应顺延") % {"n": result.suspended_days})
    lines.append(_("期间最后一日：%(d)s") % {"d": result.raw_end.isoformat()})
    if result.rolled_over:
        lines.append(
            _("该日为休息日（周末或法定节假日），顺延至下一个工作日 %(d)s")
            % {"d": result.due.isoformat()}
        )
    elif rule.unit == WORKDAYS:
        lines.append(_("按工作日计算，只计工作日，届满日即为工作日，无需顺延"))
    else:
        lines.append(_("该日为工作日，无需顺延"))
    if result.makeup_workday:
        lines.append(_("注意：届满日是周末调休上班日，按工作日计算，不顺延"))
    if result.provisional:
        lines.append(
            _(
                "暂定：期间涉及的年份尚未公布（或未录入）国务院节假日安排，仅按周末和法定节假日推算；公布后将重新计算"
            )
        )
        if result.safe_date != result.due:
            lines.append(
                _(
                    "稳妥日期：%(d)s。届满日取决于尚未公布的休息日安排，若其中有调休上班日，期限会提前，最早为该日"
                )
                % {"d": result.safe_date.isoformat()}
            )
    else:
        lines.append(_("按国务院公布的节假日安排计算，结果确定"))
    return [str(line) for line in lines]
