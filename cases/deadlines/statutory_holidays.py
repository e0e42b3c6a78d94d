"""The statutory public holidays: the days 全国年节及纪念日放假办法 art. 2 gives everyone off.

Pure (no ORM). `cases.deadlines.workdays.Calendar` uses these days for a year whose State
Council schedule nobody has entered yet: whatever that year's notice will say, these
days are rest days, so a deadline whose last day falls on one of them rolls over
(民法典 203, 民事诉讼法 85 III).

Which days (全国年节及纪念日放假办法 art. 2, as in force for the year):

| in force from | edition                        | 春节                  | 劳动节     |
|---------------|--------------------------------|-----------------------|------------|
| 2008-01-01    | 国务院令第513号 (2007)         | 除夕, 正月初一、初二   | 5/1        |
| 2014-01-01    | 国务院令第644号 (2013)         | 正月初一至初三        | 5/1        |
| 2025-01-01    | 国务院令第795号 (2024 revision) | 除夕, 正月初一至初三  | 5/1, 5/2   |

and in every edition 元旦 (1/1), 清明节 (the day of the 清明 solar term), 端午节 (lunar
5/5), 中秋节 (lunar 8/15) and 国庆节 (10/1–10/3). Years before 2008 had different
holidays (no 清明, 端午, 中秋; three days for 劳动节) and are not covered: the
`chinesecalendar` package knows 2004–2026 anyway.

Sources checked (2026-11): the text of 国务院关于修改《全国年节及纪念日放假办法》的决定
(国务院令第795号, published 2024-11-12, in force 2025-01-01) as reprinted on
wxredian.com (art. 2(2) "春节，放假4天（农历除夕、正月初一至初三）", art. 2(4) "劳动节，放假2
天（5月1日、2日）", new art. 7 on 放假调休); the earlier editions as quoted on
wddqw.com and 51dongshi.net (2007: 除夕、初一、初二) and m.qbaobei.com (2013: 初一至初三);
and the editions encoded in `holidays.China` 0.109 (which cites 国务院令 513, 644 and
795 on gov.cn). tests/test_statutory_holidays.py checks every one of these days in
2008–2026 against the official schedules in `chinesecalendar`.

Days off in lieu (补假) are NOT included. Art. 6 says a holiday falling on a Saturday
or Sunday "应当在工作日补假", but not on which working day, and art. 7 lets the yearly
notice rearrange whole weeks (放假调休: weekdays off, weekends worked). The notices
use that freedom: 中秋节 2015-09-27 (a Sunday) got no day in lieu at all (Mon 09-28
was a working day), and the day in lieu for 国庆节 2026-10-03 (a Saturday) went into a
seven-day block that also made Sun 09-20 and Sat 10-10 working days. So only the
statutory days themselves are certain. Treating a guessed day in lieu as a rest day
could move a worker's deadline later than the law allows; leaving it a working day
can only make a deadline earlier, which is the safe side, and the result stays
provisional until the year's schedule is known. `holidays.China` adds such days by
rule for a year it has no notice for (2027: 02-09, 02-10, 05-03, 05-04, 10-04,
10-05); they are deliberately not used.

The lunar dates (正月初一, 端午, 中秋) and the 清明 solar term come from the
`holidays` package's Chinese lunisolar tables (1901–2100; its 清明 is documented as
reliable for 1901–2099), not from astronomy written here.
"""

from __future__ import annotations

import datetime
import functools

from django.utils.translation import gettext_lazy as _

# A private class of `holidays` (pinned in requirements.lock): its public China() mixes
# in days in lieu and the notices' extra days. tests/test_statutory_holidays.py pins the
# 2027 dates and cross-checks every year, so an upgrade that changes it fails there.
from holidays.calendars.chinese import _ChineseLunisolar

# The years this module can answer for: the first edition with the seven festivals,
# to the last year the lunisolar tables are reliable for.
YEARS = range(2008, 2100)

NEW_YEAR = _("元旦")
NEW_YEARS_EVE = _("除夕")  # part of 春节 from 2025 (and 2008–2013)
SPRING_FESTIVAL = _("春节")
QINGMING = _("清明节")
LABOUR_DAY = _("劳动节")
DRAGON_BOAT = _("端午节")
MID_AUTUMN = _("中秋节")
NATIONAL_DAY = _("国庆节")
MID_AUTUMN_AND_NATIONAL_DAY = _("中秋节、国庆节")

# (in force from, 春节 days as offsets from 正月初一, 劳动节 days of May)
_EDITIONS = (
    (2025, (-1, 0, 1, 2), (1, 2)),  # 国务院令第795号
    (2014, (0, 1, 2), (1,)),  # 国务院令第644号
    (2008, (-1, 0, 1), (1,)),  # 国务院令第513号
)

_lunisolar = _ChineseLunisolar()


def _edition(year: int):
    for since, spring, labour in _EDITIONS:
        if year >= since:
            return spring, labour
    raise AssertionError("unreachable: YEARS starts with the oldest edition")


@functools.cache
def _table(year: int) -> dict[datetime.date, str]:
    if year not in YEARS:
        raise ValueError(f"statutory holidays are known for {YEARS.start}–{YEARS.stop - 1}")
    spring_days, labour_days = _edition(year)
    # The library returns (date, estimated); "estimated" only means no government
    # notice confirmed that year's festival dates, which is the case we are here for.
    new_year_day = _lunisolar.lunar_new_year_date(year)[0]
    days = {datetime.date(year, 1, 1): NEW_YEAR}
    for offset in spring_days:
        day = new_year_day + datetime.timedelta(days=offset)
        days[day] = NEW_YEARS_EVE if offset < 0 else SPRING_FESTIVAL
    days[_lunisolar.qingming_date(year)[0]] = QINGMING
    for day in labour_days:
        days[datetime.date(year, 5, day)] = LABOUR_DAY
    days[_lunisolar.dragon_boat_date(year)[0]] = DRAGON_BOAT
    days[_lunisolar.mid_autumn_date(year)[0]] = MID_AUTUMN
    for day in (1, 2, 3):
        # 中秋节 can fall on 10/1–10/3 (2028-10-03, 2020-10-01): one rest day, two names.
        date = datetime.date(year, 10, day)
        days[date] = MID_AUTUMN_AND_NATIONAL_DAY if date in days else NATIONAL_DAY
    return dict(sorted(days.items()))


def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The statutory public holidays of `year`, date → festival name, in date order.

    Days off in lieu and the yearly notice's rearrangements are not included (see the
    module docstring). ValueError for a year outside `YEARS`."""
    return dict(_table(year))


def holiday_name(date: datetime.date) -> str | None:
    """The festival `date` is a statutory holiday of, or None (also outside `YEARS`)."""
    if date.year not in YEARS:
        return None
    return _table(date.year).get(date)


def is_statutory_holiday(date: datetime.date) -> bool:
    return holiday_name(date) is not None
