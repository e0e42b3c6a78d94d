"""The statutory public holidays (放假办法 art. 2) and the working-day fallback for a
year whose State Council schedule is not known yet (2027 with chinesecalendar 1.11.0).

The dates below were read off the `holidays` package's lunisolar tables and checked
against the solar terms of chinesecalendar; the fallback is checked against every
official schedule chinesecalendar has from 2008 (the first edition with the seven
festivals) to 2026.
"""

import contextlib
import datetime
from unittest import mock

import chinese_calendar
import holidays
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.deadlines import workdays
from cases.deadlines.counting import compute
from cases.deadlines.rules import RULES, get_rule
from cases.deadlines.statutory_holidays import (
    YEARS,
    holiday_name,
    is_statutory_holiday,
    statutory_holidays,
)
from cases.deadlines.workdays import Calendar

D = datetime.date
CAL = Calendar()
OFFICIAL_YEARS = range(2008, 2027)  # every edition's years that chinesecalendar knows


def every_day(years):
    day, end = D(years.start, 1, 1), D(years.stop, 1, 1)
    while day < end:
        yield day
        day += datetime.timedelta(days=1)


@contextlib.contextmanager
def before_the_notices():
    """A Calendar that answers for every year as it does for 2027 today: as if
    chinesecalendar knew no year (the fallback on weekends and statutory holidays)."""
    with mock.patch.object(workdays, "PACKAGE_YEARS", range(0)):
        yield Calendar()


# --- the days of 2027 --------------------------------------------------------------------

HOLIDAYS_2027 = [
    (D(2027, 1, 1), "元旦"),  # Fri
    (D(2027, 2, 5), "除夕"),  # Fri; 春节 (正月初一) is Sat 02-06
    (D(2027, 2, 6), "春节"),
    (D(2027, 2, 7), "春节"),
    (D(2027, 2, 8), "春节"),  # Mon, 初三
    (D(2027, 4, 5), "清明节"),  # Mon
    (D(2027, 5, 1), "劳动节"),  # Sat
    (D(2027, 5, 2), "劳动节"),  # Sun
    (D(2027, 6, 9), "端午节"),  # Wed
    (D(2027, 9, 15), "中秋节"),  # Wed
    (D(2027, 10, 1), "国庆节"),  # Fri
    (D(2027, 10, 2), "国庆节"),
    (D(2027, 10, 3), "国庆节"),
]


@pytest.mark.parametrize("date, name", HOLIDAYS_2027)
def test_each_statutory_holiday_of_2027_is_a_provisional_rest_day(date, name):
    assert str(holiday_name(date)) == name
    day = CAL.day(date)
    assert (day.workday, day.statutory_holiday, day.known) == (False, True, False)
    assert day.holiday == (date.weekday() < 5)


def test_2027_has_exactly_the_thirteen_days_of_the_2024_revision():
    assert [(d, str(n)) for d, n in statutory_holidays(2027).items()] == HOLIDAYS_2027


def test_days_in_lieu_are_left_to_the_notice():
    # holidays.China guesses them for 2027 (Mon 02-09, 05-03, 10-04 …); the notice
    # decides, so they stay provisional working days here.
    guessed = set(holidays.China(years=2027)) - set(statutory_holidays(2027))
    assert {D(2027, 2, 9), D(2027, 2, 10), D(2027, 5, 3), D(2027, 10, 4)} <= guessed
    for date in guessed:
        assert CAL.day(date) == workdays.Day(date, True, makeup=False, known=False)


def test_the_names_are_translated():
    with translation.override("en"):
        assert str(holiday_name(D(2027, 2, 5))) == "Spring Festival (New Year's Eve)"
        assert str(holiday_name(D(2027, 10, 1))) == "National Day"


def test_mid_autumn_on_national_day_is_one_rest_day_with_both_names():
    assert str(holiday_name(D(2028, 10, 3))) == "中秋节、国庆节"
    assert len(statutory_holidays(2028)) == 12


# --- the editions of art. 2 --------------------------------------------------------------


def test_new_years_eve_is_a_holiday_from_2025_and_was_one_in_2008_to_2013():
    # 除夕: 2013-02-09, 2014-01-30, 2024-02-09, 2025-01-28. In 2014 and 2024 it was an
    # official working day.
    assert is_statutory_holiday(D(2013, 2, 9))
    assert not is_statutory_holiday(D(2014, 1, 30)) and chinese_calendar.is_workday(D(2014, 1, 30))
    assert not is_statutory_holiday(D(2024, 2, 9)) and chinese_calendar.is_workday(D(2024, 2, 9))
    assert is_statutory_holiday(D(2025, 1, 28))


def test_may_second_is_a_holiday_from_2025():
    assert not is_statutory_holiday(D(2024, 5, 2)) and is_statutory_holiday(D(2025, 5, 2))


def test_eleven_days_until_2024_and_thirteen_from_2025():
    assert {len(statutory_holidays(y)) for y in (2010, 2016, 2024)} == {11}
    assert {len(statutory_holidays(y)) for y in (2025, 2026, 2027)} == {13}


def test_years_outside_the_tables_are_refused_and_have_no_holiday_names():
    for year in (YEARS.start - 1, YEARS.stop):
        with pytest.raises(ValueError):
            statutory_holidays(year)
        assert holiday_name(D(year, 1, 1)) is None


def test_the_result_is_a_copy():
    statutory_holidays(2027).clear()
    assert len(statutory_holidays(2027)) == 13


# --- agreement with the libraries and the official schedules ------------------------------


def test_qingming_is_the_solar_term_chinesecalendar_computes():
    for year in YEARS:
        terms = chinese_calendar.get_solar_terms(D(year, 4, 1), D(year, 4, 10))
        qingming = next(d for d, name in terms if name == "清明")
        assert holiday_name(qingming) == "清明节", year


def test_every_day_is_one_the_holidays_package_also_gives_without_days_in_lieu():
    # For the years it has notices for, holidays.China also lists their extra days off.
    for year in YEARS:
        assert set(statutory_holidays(year)) <= set(holidays.China(years=year, observed=False))


def test_every_day_the_fallback_calls_a_statutory_holiday_was_an_official_rest_day():
    # Exhaustive over 2008–2026: the fallback never makes an official working day a rest day.
    with before_the_notices() as fallback:
        for date in every_day(OFFICIAL_YEARS):
            guess = fallback.day(date)
            assert not guess.known
            if guess.statutory_holiday or not guess.workday and date.weekday() < 5:
                assert not chinese_calendar.is_workday(date), date


def test_chinesecalendar_still_wins_for_the_years_it_knows():
    # 2004–2026 (2026 included) answer exactly as the package says, and are final.
    for date in every_day(range(2004, 2027)):
        day = CAL.day(date)
        assert (day.workday, day.known) == (chinese_calendar.is_workday(date), True), date


def test_a_statutory_holiday_in_a_known_year_is_flagged_and_a_day_in_lieu_is_not():
    national_day = CAL.day(D(2026, 10, 3))  # Sat
    assert national_day.statutory_holiday and not national_day.workday
    in_lieu = CAL.day(D(2026, 10, 5))  # Mon off, not in art. 2
    assert in_lieu.holiday and not in_lieu.statutory_holiday and in_lieu.known


def test_a_year_entered_in_full_still_rests_on_the_statutory_holidays_without_overrides():
    calendar = Calendar({D(2027, 2, 9): False}, complete_years=[2027])
    assert calendar.day(D(2027, 2, 8)) == workdays.Day(
        D(2027, 2, 8), False, makeup=False, known=True, holiday=True, statutory_holiday=True
    )
    assert calendar.add_working_days(D(2027, 2, 4), 1) == (D(2027, 2, 10), False)


def test_an_override_still_wins_over_a_statutory_holiday():
    day = Calendar({D(2027, 1, 1): True}).day(D(2027, 1, 1))
    assert day.workday and day.known and day.statutory_holiday


# --- deadlines reaching 2027 ---------------------------------------------------------------

SLA_3 = get_rule("sla.first_contact", sla_workdays={"sla.first_contact": 3})


@pytest.mark.parametrize(
    "rule, trigger, due, safe",
    [
        # 15 days: Fri 2027-01-01 (元旦) → Mon 01-04.
        ("civil.appeal", D(2026, 12, 17), D(2027, 1, 4), D(2027, 1, 1)),
        # 5 days: Fri 2027-01-01 → Mon 01-04.
        ("labor.arbitration_acceptance", D(2026, 12, 27), D(2027, 1, 4), D(2027, 1, 1)),
        # 1 year: Fri 2027-10-01, 国庆 to Sun 10-03 → Mon 10-04.
        ("injury.worker_application", D(2026, 10, 1), D(2027, 10, 4), D(2027, 10, 1)),
        # 3 working days from Wed 2026-12-30: Thu 12-31, (元旦, weekend) Mon 01-04, Tue 01-05.
        # Safe: were Sat 01-02 and Sun 01-03 both make-up working days, Sun 01-03.
        (SLA_3, D(2026, 12, 30), D(2027, 1, 5), D(2027, 1, 3)),
    ],
)
def test_a_deadline_reaching_2027_respects_the_statutory_holidays(rule, trigger, due, safe):
    result = compute(rule, trigger, CAL)
    assert (result.due, result.provisional, result.safe_date) == (due, True, safe)


def test_a_provisional_due_date_that_did_not_roll_is_its_own_safe_date():
    # 15 days from Mon 2026-12-21: Tue 2027-01-05, a guessed working day.
    result = compute("civil.appeal", D(2026, 12, 21), CAL)
    assert (result.due, result.rolled_over, result.provisional) == (D(2027, 1, 5), False, True)
    assert result.safe_date == result.due


def test_a_final_due_date_is_its_own_safe_date_even_when_it_rolled():
    result = compute("civil.appeal", D(2026, 9, 16), CAL)  # 10-01 → 10-08
    assert (result.due, result.rolled_over, result.safe_date) == (D(2026, 10, 8), True, result.due)


def test_the_explanation_gives_the_safe_date_when_it_differs():
    from cases.deadlines.counting import explain

    text = "\n".join(explain(compute("civil.appeal", D(2026, 12, 17), CAL)))
    assert "暂定" in text and "稳妥日期：2027-01-01" in text
    assert "稳妥日期" not in "\n".join(explain(compute("civil.appeal", D(2026, 9, 16), CAL)))


@settings(max_examples=300, deadline=None)
@given(
    code=st.sampled_from(sorted(RULES)),
    trigger=st.dates(min_value=D(2008, 1, 1), max_value=D(2023, 6, 30)),
    extended=st.booleans(),
)
def test_the_safe_date_before_the_notice_is_never_after_the_official_due_date(
    code, trigger, extended
):
    # The longest period is 3 years: from mid-2023 it ends inside 2026.
    official = compute(code, trigger, CAL, extended=extended)
    with before_the_notices() as fallback:
        guess = compute(code, trigger, fallback, extended=extended)
    assert guess.provisional and not official.provisional
    assert guess.safe_date <= official.due
    assert guess.safe_date <= guess.due
