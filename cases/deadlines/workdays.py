"""Working days on the official (State Council) schedule.

Where the answer comes from, in order:

1. a `HolidayOverride` row for that date (admin-entered: a new year's schedule before
   the `chinesecalendar` package has it, or a local adjustment) — overrides win;
2. the `chinesecalendar` package, for the years it knows (1.11.0: 2004–2026);
3. weekends and the statutory holidays (`cases.deadlines.statutory_holidays`: 元旦, 春节, 清明,
   劳动节, 端午, 中秋, 国庆, which are rest days whatever the yearly notice says), and
   the answer is **provisional**: the notice adds days off in lieu and make-up
   working days that cannot be guessed.

"A year nobody knows": a year the package does not know and that is not marked
complete. An admin who has entered the whole State Council schedule for, say, 2027 as
overrides marks the year complete in the admin (a `HolidayYear` row, "节假日安排年度"):
from then on a 2027 date without an override is an ordinary day (weekday = work,
weekend and statutory holiday = rest) and not provisional. Saving that row (or an
override) recomputes the provisional deadlines at once
(`cases.deadlines.recompute.schedule_changed`). The older environment setting
`HOLIDAY_SCHEDULE_COMPLETE_YEARS` is still read as a fallback for years that have no
row; a row, complete or not, wins over it. The statutory holidays need no override: they are rest days in any
schedule, so only the days in lieu, the extra days off and the make-up working days
have to be entered. Until then only the dates that carry an override and the
statutory holidays are certain; every other date of that year is a guess, and any
result that looked at such a date is provisional. The daily recompute task
(`cases.deadlines.recompute.recompute_provisional`) turns provisional deadlines into final ones
once the schedule is known.

The `Calendar` class is pure (it takes the overrides as a dict), so the deadline
arithmetic in cases.deadlines.rules stays free of the ORM; `load_calendar()` is the one
function here that reads the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

import chinese_calendar
from django.conf import settings

from cases.deadlines.statutory_holidays import is_statutory_holiday
from cases.models import HolidayOverride, HolidayYear

_PKG_HOLIDAYS = chinese_calendar.constants.holidays
_PKG_WORKDAYS = chinese_calendar.constants.workdays
PACKAGE_YEARS = range(min(_PKG_HOLIDAYS).year, max(_PKG_HOLIDAYS).year + 1)


@dataclass(frozen=True)
class Day:
    """What the calendar says about one date."""

    date: datetime.date
    workday: bool
    makeup: bool  # a weekend day that is an official make-up working day (调休上班)
    known: bool  # False: a guess (weekends and statutory holidays; the year is unknown)
    holiday: bool = False  # a weekday that is a statutory holiday or a day off in lieu
    # One of the days 放假办法 art. 2 gives off (weekend or not; days in lieu are not):
    statutory_holiday: bool = False


class WorkdayResult(NamedTuple):
    """The answer of add_working_days: the date, and whether it rests on guesses.

    Unpacks as a pair: `due, provisional = add_working_days(start, 2)`."""

    date: datetime.date
    provisional: bool


class Calendar:
    """The official working-day schedule with admin overrides; no database access.

    `overrides` maps a date to True (working day) or False (rest day);
    `complete_years` are years whose schedule an admin has entered in full.
    """

    def __init__(self, overrides: dict | None = None, complete_years=()):
        self.overrides = dict(overrides or {})
        self.complete_years = frozenset(int(y) for y in complete_years)

    def year_known(self, year: int) -> bool:
        return year in PACKAGE_YEARS or year in self.complete_years

    def day(self, date: datetime.date) -> Day:
        weekend = date.weekday() >= 5
        statutory = is_statutory_holiday(date)
        if date in self.overrides:
            workday = bool(self.overrides[date])
            return Day(
                date,
                workday,
                makeup=workday and weekend,
                known=True,
                holiday=not workday and not weekend,
                statutory_holiday=statutory,
            )
        if date.year in PACKAGE_YEARS:
            if date in _PKG_WORKDAYS:
                return Day(date, True, makeup=weekend, known=True, statutory_holiday=statutory)
            if date in _PKG_HOLIDAYS:
                return Day(
                    date,
                    False,
                    makeup=False,
                    known=True,
                    holiday=not weekend,
                    statutory_holiday=statutory,
                )
            return Day(date, not weekend, makeup=False, known=True, statutory_holiday=statutory)
        known = self.year_known(date.year)
        if statutory:
            # A rest day by law in any schedule, so an admin entering a year need not
            # list it. In a year nobody knows the rest (days in lieu, make-up days) is
            # still a guess: known stays False.
            return Day(
                date, False, makeup=False, known=known, holiday=not weekend, statutory_holiday=True
            )
        return Day(date, not weekend, makeup=False, known=known, statutory_holiday=statutory)

    def is_workday(self, date: datetime.date) -> bool:
        return self.day(date).workday

    def next_workday(self, date: datetime.date) -> tuple[datetime.date, bool]:
        """The first working day on or after `date`, and whether any day looked at was a guess."""
        provisional = False
        for _i in range(60):  # the longest run of rest days in any schedule is 9 (Spring Festival)
            info = self.day(date)
            provisional |= not info.known
            if info.workday:
                return date, provisional
            date += datetime.timedelta(days=1)
        raise ValueError("no working day within 60 days: check the holiday overrides")

    def add_working_days(self, start: datetime.date, n: int) -> WorkdayResult:
        """The n-th working day after `start` (start itself is not counted; n >= 0).

        n == 0 returns `start` unchanged. Every day counted or skipped is looked at,
        so a period that crosses an unknown year is provisional."""
        if n < 0:
            raise ValueError("n must be >= 0")
        date, provisional, counted = start, False, 0
        while counted < n:
            date += datetime.timedelta(days=1)
            info = self.day(date)
            provisional |= not info.known
            if info.workday:
                counted += 1
        return WorkdayResult(date, provisional)


def complete_years(rows, fallback=()) -> set[int]:
    """The years entered in full: `fallback` (the setting), then each (year, complete)
    row of the admin, which wins either way."""
    years = {int(y) for y in fallback}
    for year, complete in rows:
        (years.add if complete else years.discard)(year)
    return years


def load_calendar() -> Calendar:
    """The calendar with the overrides and the complete years stored in the database
    (two small queries)."""
    overrides = {
        row.date: row.kind == HolidayOverride.Kind.WORKDAY
        for row in HolidayOverride.objects.only("date", "kind")
    }
    years = complete_years(
        HolidayYear.objects.values_list("year", "complete"),
        getattr(settings, "HOLIDAY_SCHEDULE_COMPLETE_YEARS", ()),
    )
    return Calendar(overrides, years)


def is_workday(date: datetime.date, calendar: Calendar | None = None) -> bool:
    """Is `date` a working day on the official schedule (overrides included)?

    For a date in a year nobody knows this is the weekend guess; use
    `(calendar or load_calendar()).day(date).known` to tell."""
    return (calendar or load_calendar()).is_workday(date)


def add_working_days(
    start: datetime.date, n: int, calendar: Calendar | None = None
) -> WorkdayResult:
    """The n-th working day after `start` → WorkdayResult(date, provisional)."""
    return (calendar or load_calendar()).add_working_days(start, n)
