"""In-app notifications: the bell with its unread count, the list, mark read; the
lawyer's calendar feed; the coordinator's deadline board."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.deadlines import bookkeeping as schedule
from cases.models import Case, Notification
from cases.notices.notify import notify_user
from lawyers.models import Lawyer
from tests.helpers import make_case

D = datetime.date
pytestmark = pytest.mark.django_db
SATURDAY = datetime.datetime(2026, 11, 28, 4, 0, tzinfo=datetime.UTC)


def test_the_bell_shows_the_unread_count(client, world):
    user = world.beijing.lawyer.user
    for i in range(3):
        notify_user(user, f"通知{i}")
    client.force_login(user)
    page = client.get(reverse("cases:notifications")).content.decode()
    assert 'data-testid="unread-count">3<' in page


def test_no_count_when_everything_is_read(client, world):
    user = world.beijing.lawyer.user
    client.force_login(user)
    page = client.get(reverse("cases:notifications")).content.decode()
    assert "unread-count" not in page and "暂无通知" in page


def test_marking_one_read_and_following_its_link(client, world):
    case = make_case(world.beijing.station)
    user = world.beijing.coordinator
    note = notify_user(user, "期限提醒", case=case)
    client.force_login(user)
    response = client.post(reverse("cases:notification_read", args=[note.pk]), {"go": "1"})
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_external_url_is_never_followed(client, world):
    user = world.beijing.coordinator
    note = notify_user(user, "x", url="https://evil.example/")
    client.force_login(user)
    response = client.post(reverse("cases:notification_read", args=[note.pk]), {"go": "1"})
    assert response["Location"] == reverse("cases:notifications")


def test_someone_elses_notification_is_a_404(client, world):
    note = notify_user(world.beijing.coordinator, "x")
    client.force_login(world.kunming.coordinator)
    assert client.post(reverse("cases:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_my_notifications(client, world):
    mine = world.beijing.coordinator
    notify_user(mine, "a")
    notify_user(mine, "b")
    other = notify_user(world.kunming.coordinator, "c")
    client.force_login(mine)
    assert client.get(reverse("cases:notifications_read_all")).status_code == 405
    client.post(reverse("cases:notifications_read_all"))
    assert not Notification.objects.filter(user=mine, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_list_is_paginated_and_filters_unread(client, world):
    user = world.beijing.coordinator
    for i in range(35):
        notify_user(user, f"第{i}条")
    Notification.objects.filter(message="第0条").update(read_at=datetime.datetime.now(datetime.UTC))
    client.force_login(user)
    page = client.get(reverse("cases:notifications")).content.decode()
    assert "第 1 / 2 页" in page
    unread = client.get(reverse("cases:notifications"), {"show": "unread"}).content.decode()
    assert "第0条" not in unread


def test_the_notifications_page_needs_login(client):
    assert client.get(reverse("cases:notifications")).status_code == 302


# --- the lawyer's calendar feed -----------------------------------------------------------


@time_machine.travel(SATURDAY, tick=False)
def test_a_lawyer_creates_and_revokes_a_private_calendar_feed(client, world):
    lawyer = world.beijing.lawyer
    case = make_case(world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=lawyer)
    schedule.record_milestone(case, "award_received", D(2026, 11, 17), world.admin)
    client.force_login(lawyer.user)
    client.post(reverse("cases:calendar_settings"), {"action": "create"})
    lawyer.refresh_from_db()
    token = lawyer.calendar_token
    assert len(token) >= 40
    client.logout()
    feed = client.get(reverse("cases:calendar_feed", args=[token]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "BEGIN:VCALENDAR" in body and "DTSTART;VALUE=DATE:20261202" in body
    assert case.number in body and case.worker.name not in body  # no personal data
    client.force_login(lawyer.user)
    client.post(reverse("cases:calendar_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("cases:calendar_feed", args=[token])).status_code == 404


def test_a_guessed_or_empty_token_is_a_404(client, world):
    Lawyer.objects.filter(pk=world.beijing.lawyer.pk).update(calendar_token="")
    assert client.get("/cases/calendar/.ics").status_code == 404
    assert client.get(reverse("cases:calendar_feed", args=["x" * 43])).status_code == 404


def test_only_lawyers_have_a_calendar_page(client, world):
    client.force_login(world.beijing.coordinator)
    assert client.get(reverse("cases:calendar_settings")).status_code == 404


# --- the coordinator's deadline board ------------------------------------------------------


@time_machine.travel(SATURDAY, tick=False)
def test_the_board_shows_the_regions_next_fourteen_days_and_overdue(client, world):
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        claims=["wage"],
    )
    schedule.record_milestone(case, "award_received", D(2026, 11, 17), world.admin)  # due 12-02
    schedule.record_milestone(case, "judgment_served", D(2026, 11, 5), world.admin)  # 11-20 overdue
    schedule.record_milestone(case, "knew_infringement", D(2026, 6, 1), world.admin)  # 2027
    far_away = make_case(
        world.kunming.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.kunming.lawyer,
        claims=["wage"],
    )
    schedule.record_milestone(far_away, "award_received", D(2026, 11, 17), world.admin)
    client.force_login(world.beijing.coordinator)
    page = client.get(reverse("cases:deadline_board")).content.decode()
    assert "不服仲裁裁决起诉" in page and "2026-12-02" in page
    assert "已逾期" in page and "不服一审判决上诉" in page
    assert "申请劳动仲裁（仲裁时效）" not in page
    assert far_away.number not in page
    assert case.worker.phone.as_e164 not in page  # masked


def test_the_board_is_a_404_for_lawyers_and_volunteers(client, world):
    for user in (world.beijing.lawyer.user, world.beijing.volunteer):
        client.force_login(user)
        assert client.get(reverse("cases:deadline_board")).status_code == 404


def test_the_board_searches_by_case_number(client, world):
    a = make_case(world.beijing.station, state=Case.State.ACCEPTED)
    b = make_case(world.beijing.station, state=Case.State.ACCEPTED)
    client.force_login(world.beijing.coordinator)
    page = client.get(reverse("cases:deadline_board"), {"q": a.number}).content.decode()
    assert a.number in page and b.number not in page


@time_machine.travel(SATURDAY, tick=False)
def test_the_case_page_panel_lists_worker_side_deadlines_first_with_days_left(client, world):
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        claims=["wage"],
    )
    schedule.record_milestone(case, "arbitration_filed", D(2026, 11, 25), world.admin)  # agency
    schedule.record_milestone(case, "award_received", D(2026, 11, 17), world.admin)  # worker
    client.force_login(world.beijing.lawyer.user)
    page = client.get(case.get_absolute_url()).content.decode()
    assert page.index("不服仲裁裁决起诉") < page.index("仲裁委决定是否受理")
    assert "还剩" in page and "《劳动争议调解仲裁法》第四十八条" in page
