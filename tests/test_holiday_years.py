"""The holiday calendar as data in the admin: a year's overrides and whether the year
is entered in full (HolidayYear, replacing the HOLIDAY_SCHEDULE_COMPLETE_YEARS setting,
which stays a fallback). Every change recomputes the deadlines it can move at once —
no restart, no waiting for the nightly run — and tells the case's lawyer and the
region's coordinators in-app when a due date moved.

The example is the appeal of tests/test_safe_dates.py: due Mon 2027-01-04
(provisional, safe date 2027-01-01).
"""

import datetime

import pytest
from django.urls import reverse

from cases.deadlines import bookkeeping as schedule
from cases.deadlines import recompute
from cases.deadlines.workdays import complete_years, load_calendar
from cases.models import Case, CaseEvent, HolidayOverride, HolidayYear, Notification, SmsMessage
from tests.helpers import make_case

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(world):
    case = make_case(
        world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=world.beijing.lawyer
    )
    schedule.record_milestone(case, "judgment_served", D(2026, 12, 17), world.admin)
    deadline = case.deadlines.get(rule="civil.appeal")
    assert (deadline.due_date, deadline.provisional, deadline.safe_date) == (
        D(2027, 1, 4),
        True,
        D(2027, 1, 1),
    )
    return deadline


def moved_notes():
    return Notification.objects.filter(dedupe_key__startswith="moved:")


@pytest.fixture
def save(admin_client, django_capture_on_commit_callbacks):
    """POST an admin form; what the admin queues after commit runs (Q_SYNC in tests)."""

    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(url, data)

    return post


def test_an_override_entered_in_the_admin_moves_the_deadline_at_once_and_tells_people(
    save, world, appeal
):
    sms_before = SmsMessage.objects.count()
    # The 2027 notice (as imagined here) gives Mon 01-04 off too.
    response = save(
        reverse("admin:cases_holidayoverride_add"),
        {
            "date": "2027-01-04",
            "kind": "restday",
            "note": "元旦调休",
            "source": "国办发明电（测试）",
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    # 01-01 to 01-04 rest: Tue 01-05; still provisional (2027 is not complete yet).
    assert (appeal.due_date, appeal.provisional, appeal.safe_date) == (
        D(2027, 1, 5),
        True,
        D(2027, 1, 1),
    )
    event = appeal.case.events.get(kind=CaseEvent.Kind.DEADLINE, data__recomputed=True)
    assert (event.data["old_due"], event.data["new_due"]) == ("2027-01-04", "2027-01-05")
    told = {n.user_id: n for n in moved_notes()}
    assert set(told) == {world.beijing.lawyer.user_id, world.beijing.coordinator.pk}
    note = told[world.beijing.lawyer.user_id]
    assert "2027-01-04 → 2027-01-05" in note.message and note.case_id == appeal.case_id
    assert "最晚请在 2027-01-01 前办理（暂定）" in note.message
    assert "2027-01-05" in note.translations["en"] and "届满" not in note.translations["en"]
    assert note.url.endswith("#deadlines-panel")
    assert not moved_notes().filter(user=world.kunming.coordinator).exists()
    # No SMS to anyone: the safe date the worker was shown still holds.
    assert SmsMessage.objects.count() == sms_before


def test_marking_the_year_complete_makes_its_deadlines_final_without_a_restart(
    save, world, appeal, settings
):
    settings.HOLIDAY_SCHEDULE_COMPLETE_YEARS = []
    HolidayOverride.objects.create(date=D(2027, 2, 9), kind="restday", note="春节")
    response = save(
        reverse("admin:cases_holidayyear_add"),
        {"year": "2027", "complete": "on", "source": "国办发明电〔2026〕X号（测试）", "note": ""},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.due_date, appeal.provisional, appeal.safe_date) == (D(2027, 1, 4), False, None)
    assert not moved_notes().exists()  # the due date did not move: nobody is bothered
    # Unticking it again makes them provisional again (the year's deadlines are reread).
    year = HolidayYear.objects.get(year=2027)
    save(
        reverse("admin:cases_holidayyear_change", args=[year.pk]),
        {"year": "2027", "source": year.source, "note": ""},
    )
    appeal.refresh_from_db()
    assert (appeal.provisional, appeal.safe_date) == (True, D(2027, 1, 1))


def test_deleting_an_override_recomputes_the_deadlines_it_had_moved(save, world, appeal):
    override = HolidayOverride.objects.create(date=D(2027, 1, 4), kind="restday")
    HolidayYear.objects.create(year=2027, complete=True)
    recompute.recompute_provisional()
    appeal.refresh_from_db()
    assert (appeal.due_date, appeal.provisional) == (D(2027, 1, 5), False)
    response = save(
        reverse("admin:cases_holidayoverride_delete", args=[override.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    # Neither provisional nor near a remaining override: only the deleted day finds it.
    assert (appeal.due_date, appeal.provisional) == (D(2027, 1, 4), False)
    assert moved_notes().filter(message__contains="2027-01-05 → 2027-01-04").count() == 2


def test_a_year_marked_complete_with_nothing_entered_is_refused_at_the_field(save):
    response = save(reverse("admin:cases_holidayyear_add"), {"year": "2028", "complete": "on"})
    assert response.status_code == 200
    assert "2028 年还没有录入任何节假日调整" in response.content.decode()
    assert not HolidayYear.objects.exists()


def test_the_year_page_shows_what_was_entered_and_links_to_it(admin_client):
    HolidayOverride.objects.create(date=D(2027, 2, 9), kind="restday")
    HolidayOverride.objects.create(date=D(2027, 2, 20), kind="workday")
    year = HolidayYear.objects.create(year=2027, complete=True)
    page = admin_client.get(reverse("admin:cases_holidayyear_change", args=[year.pk]))
    text = page.content.decode()
    assert "放假日 1 天，调休上班日 1 天" in text and "?date__year=2027" in text
    assert admin_client.get(reverse("admin:cases_holidayyear_changelist")).status_code == 200


def test_the_row_wins_over_the_setting_which_stays_a_fallback(settings):
    settings.HOLIDAY_SCHEDULE_COMPLETE_YEARS = [2027]
    assert load_calendar().year_known(2027)
    HolidayYear.objects.create(year=2027, complete=False)
    assert not load_calendar().year_known(2027)
    assert complete_years([(2028, True), (2027, False)], [2027, 2029]) == {2028, 2029}


def test_the_nightly_run_tells_people_too(world, appeal):
    # A newer chinesecalendar, or overrides written by a script: the nightly recompute
    # sends the same notices, once.
    HolidayOverride.objects.create(date=D(2027, 1, 4), kind="restday")
    assert recompute.recompute_provisional() == 1
    assert moved_notes().count() == 2
    assert recompute.recompute_provisional() == 0
    assert moved_notes().count() == 2
