"""The safe date of a provisional deadline the worker must meet: stored on the row and
shown as "最晚请在…前办理（暂定）" wherever the deadline is read — the worker's status
page, the case page, the coordinators' board, the lawyer's reminders (in-app, email,
SMS), the coordinators' digest and the lawyer's calendar feed.

The example: a civil judgment served on 2026-12-17. Fifteen days end on Fri 2027-01-01
(元旦); 2027's schedule is not known, so the appeal is due Mon 01-04, provisionally,
and acting by 01-01 is in time whatever the notice says.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cases.deadlines import bookkeeping as schedule
from cases.deadlines import ics, reminders
from cases.models import Case, Notification, SmsMessage
from cases.status.page import safe_date_words
from tests.helpers import delivered_sms, make_case

D = datetime.date
PHONE = "+8613912345678"
# Mon 2026-12-28, 10:00 in Beijing: the 7-day reminder of a 2027-01-04 due date.
DEC_28 = datetime.datetime(2026, 12, 28, 2, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(world):
    world.beijing.lawyer.email = "lawyer@example.com"
    world.beijing.lawyer.save()
    world.beijing.coordinator.email = "coord@example.com"
    world.beijing.coordinator.save()
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        worker={"phone": PHONE},
    )
    schedule.record_milestone(case, "judgment_served", D(2026, 12, 17), world.admin)
    return case.deadlines.get(rule="civil.appeal")


def test_the_safe_date_is_stored_on_a_provisional_rolled_deadline(appeal):
    assert (appeal.due_date, appeal.provisional, appeal.rolled_over) == (D(2027, 1, 4), True, True)
    assert appeal.safe_date == D(2027, 1, 1) == appeal.act_by


def test_a_final_or_unrolled_deadline_stores_no_safe_date(world, appeal):
    case = appeal.case
    # 15 days from 2026-09-16: 10-01 → 10-08, final.
    schedule.record_milestone(case, "award_received", D(2026, 9, 16), world.admin)
    final = case.deadlines.get(rule="labor.suit_after_award")
    assert (final.rolled_over, final.provisional, final.safe_date) == (True, False, None)
    # The one-year injury deadline from intake ends on Tue 2027-11-02: provisional, no roll.
    year = case.deadlines.get(rule="injury.worker_application")
    assert (year.provisional, year.rolled_over, year.safe_date) == (True, False, None)
    assert year.act_by == year.due_date


def test_the_case_page_shows_the_safe_date_for_the_worker_side_only(client, world, appeal):
    case = appeal.case
    # The commission's 5 days from 2026-12-27 also end on 元旦: agency side, no safe date shown.
    schedule.record_milestone(case, "arbitration_filed", D(2026, 12, 27), world.admin)
    agency = case.deadlines.get(rule="labor.arbitration_acceptance")
    assert agency.safe_date == D(2027, 1, 1)
    client.force_login(world.beijing.lawyer.user)
    page = client.get(case.get_absolute_url()).content.decode()
    assert page.count("最晚请在 2027-01-01 前办理（暂定）") == 1
    civil = re.search(r'data-rule="civil.appeal".*?</li>', page, re.S).group()
    assert "最晚请在 2027-01-01 前办理（暂定）" in civil
    detail = client.get(reverse("cases:deadline_detail", args=[case.number, appeal.pk]))
    assert "最晚请在 2027-01-01 前办理（暂定）" in detail.content.decode()


@time_machine.travel(DEC_28, tick=False)
def test_the_deadline_board_shows_the_safe_date(client, world, appeal):
    client.force_login(world.beijing.coordinator)
    page = client.get(reverse("cases:deadline_board")).content.decode()
    assert "2027-01-04" in page and "最晚请在 2027-01-01 前办理（暂定）" in page
    assert "还剩 4 天" in page  # to the safe date


@time_machine.travel(DEC_28, tick=False)
def test_every_reminder_channel_names_the_safe_date(world, appeal):
    assert reminders.sweep(D(2026, 12, 28)) == {"in_app": 2, "email": 1, "sms": 1}
    for note in Notification.objects.filter(dedupe_key__startswith="reminder:"):
        assert "届满日 2027-01-04" in note.message
        assert "最晚请在 2027-01-01 前办理（暂定）" in note.message
        assert "2027-01-01" in note.translations["en"] and "最晚" not in note.translations["en"]
    body = mail.outbox[0].body
    assert "最晚请在 2027-01-01 前办理（暂定）" in body
    sms = SmsMessage.objects.get(template="deadline_reminder_safe")
    assert "届满日2027-01-04（暂定" in sms.body and "最晚请在2027-01-01前办理" in sms.body


@time_machine.travel(DEC_28, tick=False)
def test_the_coordinators_digest_and_the_lawyers_calendar_name_the_safe_date(world, appeal):
    assert reminders.send_digest(D(2026, 12, 28)) == 1
    assert "最晚请在 2027-01-01 前办理（暂定）" in mail.outbox[0].body
    feed = ics.build_for_lawyer(world.beijing.lawyer).replace("\r\n ", "")
    assert "最晚请在 2027-01-01 前办理（暂定）" in feed


# --- the worker's status page --------------------------------------------------------------


def open_status_page(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("status:start"), {"phone": PHONE})
    body = delivered_sms(PHONE, "status_code")
    client.post(reverse("status:verify"), {"code": re.search(r"\d{6}", body).group()})
    return client.get(reverse("status:cases")).content.decode()


@time_machine.travel(DEC_28, tick=False)
def test_the_worker_reads_the_day_to_act_by(client, appeal, django_capture_on_commit_callbacks):
    page = open_status_page(client, django_capture_on_commit_callbacks)
    assert "距离提起上诉的期限还有 7 天（2027年1月4日）" in page
    assert "最晚请在2027年1月1日前办理（暂定）" in page


@time_machine.travel(DEC_28, tick=False)
def test_the_worker_reads_it_in_english_too(client, appeal, django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "en"
    page = open_status_page(client, django_capture_on_commit_callbacks)
    assert "最晚" not in page
    with translation.override("en"):
        assert safe_date_words(D(2027, 1, 1), D(2026, 12, 28)) in page


def test_a_safe_date_already_past_tells_the_worker_to_call_at_once():
    text = safe_date_words(D(2027, 1, 1), D(2027, 1, 2))
    assert "2027年1月1日" in text and "马上联系" in text
