"""Staff sessions end after 30 idle minutes and, at the latest, 12 hours after login
(accounts/staff_session.py); both configurable. Time is travelled, not waited for."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityEvent
from tests.helpers import PASSWORD

START = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
TRIAGE = "/cases/triage/"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.STAFF_IDLE_MINUTES = 30
    settings.STAFF_SESSION_MAX_HOURS = 12
    # Django's own session expiry must not end the session before ours does.
    settings.SESSION_COOKIE_AGE = 3 * 24 * 3600


def at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def sign_in(client, user):
    with at(0):
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def page(client, minutes, url=TRIAGE):
    with at(minutes):
        return client.get(url)


@pytest.mark.django_db
def test_thirty_idle_minutes_end_the_session_with_a_message(client, world):
    coordinator = world.beijing.coordinator
    sign_in(client, coordinator)
    assert page(client, 29).status_code == 200
    response = page(client, 60)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fcases%2Ftriage%2F"
    with at(60):
        login_page = client.get(response["Location"]).content.decode()
    assert "30 分钟没有操作" in login_page
    assert "_auth_user_id" not in client.session
    expired = SecurityEvent.objects.get(kind="session_expired")
    assert expired.user == coordinator and expired.data["reason"] == "idle"
    assert not SecurityEvent.objects.filter(kind="logout").exists()


@pytest.mark.django_db
def test_each_page_restarts_the_idle_clock_until_the_absolute_maximum(client, world):
    sign_in(client, world.beijing.coordinator)
    for minutes in range(25, 12 * 60, 25):
        assert page(client, minutes).status_code == 200, minutes
    response = page(client, 12 * 60 + 5)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    with at(12 * 60 + 5):
        assert "登录已超过 12 小时" in client.get(response["Location"]).content.decode()
    assert SecurityEvent.objects.get(kind="session_expired").data["reason"] == "absolute"


@pytest.mark.django_db
def test_dropping_the_last_seen_cookie_only_shortens_the_session(client, world):
    sign_in(client, world.beijing.coordinator)
    assert page(client, 20).status_code == 200
    assert page(client, 40).status_code == 200
    client.cookies.pop("staff_seen")
    # Without it the idle clock counts from the login at 0: 45 minutes.
    assert page(client, 45).status_code == 302


@pytest.mark.django_db
def test_a_forged_or_foreign_last_seen_cookie_does_not_keep_a_session_alive(client, world):
    other = client.__class__()
    sign_in(other, world.kunming.coordinator)
    assert page(other, 20).status_code == 200  # its cookie says "seen at 20"
    sign_in(client, world.beijing.coordinator)
    # Bound to the other session: ignored, so the idle clock counts from login (45 > 30);
    # had it been taken, 45 - 20 = 25 minutes would have kept this session alive.
    client.cookies["staff_seen"] = other.cookies["staff_seen"].value
    assert page(client, 45).status_code == 302
    client2 = client.__class__()
    sign_in(client2, world.beijing.coordinator)
    client2.cookies["staff_seen"] = "forged:value"
    assert page(client2, 31).status_code == 302


@pytest.mark.django_db
def test_the_limits_are_configurable(client, world, settings):
    settings.STAFF_IDLE_MINUTES = 5
    sign_in(client, world.beijing.volunteer)
    assert page(client, 4, "/cases/").status_code == 200
    assert page(client, 10, "/cases/").status_code == 302


@pytest.mark.django_db
def test_an_ordinary_page_writes_nothing_to_the_session_table(client, world):
    sign_in(client, world.beijing.volunteer)
    page(client, 1, "/cases/")
    with at(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/").status_code == 200
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []


@pytest.mark.django_db
def test_the_worker_status_pages_are_not_staff_sessions(client, world):
    sign_in(client, world.beijing.coordinator)
    # A staff member's browser opening the worker's page long after: no logout there.
    assert page(client, 90, reverse("status:start")).status_code == 200
    assert "_auth_user_id" in client.session
