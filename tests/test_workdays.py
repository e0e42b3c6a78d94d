"""The official working-day calendar: chinesecalendar, admin overrides, unknown years."""

import datetime

import pytest

from cases.deadlines.workdays import Calendar, Day, add_working_days, is_workday, load_calendar
from cases.models import HolidayOverride

D = datetime.date


def test_weekday_of_the_spring_festival_2026_is_a_rest_day():
    assert not Calendar().is_workday(D(2026, 2, 16))


def test_saturday_make_up_day_is_a_working_day_and_flagged():
    day = Calendar().day(D(2026, 2, 14))
    assert day.workday and day.makeup and day.known


def test_ordinary_weekend_is_a_rest_day_and_not_a_make_up_day():
    day = Calendar().day(D(2026, 3, 7))
    assert not day.workday and not day.makeup


def test_a_year_the_package_does_not_know_falls_back_to_weekends_and_statutory_holidays():
    # chinesecalendar raises for 2027. Fri 01-01 (元旦) is a rest day by law, Mon 01-04
    # a guessed working day, Sat 01-02 a guessed rest day: all provisional.
    new_year = Calendar().day(D(2027, 1, 1))
    assert not new_year.workday and new_year.statutory_holiday and new_year.holiday
    assert new_year.known is False
    assert Calendar().day(D(2027, 1, 4)) == Day(D(2027, 1, 4), True, makeup=False, known=False)
    assert Calendar().day(D(2027, 1, 2)).workday is False


def test_working_days_across_spring_festival_2026_count_the_make_up_saturday():
    # Fri 02-13 + 2: Sat 02-14 (调休上班) is the first, 02-15..02-23 are rest, Tue 02-24.
    assert Calendar().add_working_days(D(2026, 2, 13), 2) == (D(2026, 2, 24), False)


def test_working_days_across_national_day_2026():
    # Wed 09-30 + 3: 10-01..10-07 rest; Thu 10-08, Fri 10-09, Sat 10-10 (调休上班).
    result = Calendar().add_working_days(D(2026, 9, 30), 3)
    assert result.date == D(2026, 10, 10) and not result.provisional


def test_working_days_that_reach_an_unknown_year_are_provisional():
    # Thu 2026-12-31 + 2: Fri 2027-01-01 is 元旦, so Mon 01-04 and Tue 01-05.
    due, provisional = Calendar().add_working_days(D(2026, 12, 31), 2)
    assert (due, provisional) == (D(2027, 1, 5), True)


def test_an_override_marks_a_date_of_an_unknown_year_as_known():
    calendar = Calendar({D(2027, 1, 1): False})
    day = calendar.day(D(2027, 1, 1))
    assert day.known and not day.workday and day.holiday


def test_a_year_marked_complete_is_known_without_overrides():
    assert Calendar(complete_years=[2027]).day(D(2027, 3, 3)).known


def test_overrides_win_over_the_package():
    calendar = Calendar({D(2026, 9, 30): False, D(2026, 10, 3): True})
    assert not calendar.is_workday(D(2026, 9, 30))
    assert calendar.day(D(2026, 10, 3)).makeup


def test_zero_working_days_is_the_start_itself():
    assert Calendar().add_working_days(D(2026, 2, 15), 0) == (D(2026, 2, 15), False)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        Calendar().add_working_days(D(2026, 2, 15), -1)


@pytest.mark.django_db
def test_the_module_functions_read_the_admins_overrides(settings):
    # Thu 2027-02-11 is after 初三 (02-08): a working day until the admin says otherwise.
    assert is_workday(D(2027, 2, 11)) is True
    HolidayOverride.objects.create(date=D(2027, 2, 11), kind="restday", note="春节（测试）")
    assert is_workday(D(2027, 2, 11)) is False
    assert add_working_days(D(2027, 2, 10), 1).date == D(2027, 2, 12)


@pytest.mark.django_db
def test_the_complete_years_setting_reaches_the_calendar(settings):
    settings.HOLIDAY_SCHEDULE_COMPLETE_YEARS = [2027]
    assert add_working_days(D(2026, 12, 31), 2).provisional is False
    assert load_calendar().year_known(2027)
