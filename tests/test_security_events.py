"""The security log (accounts.SecurityEvent): logins, logouts, permission denials and
exports are recorded with the client address; admins view and export it; it is kept
at least six months (网络安全法 art. 21(3))."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone

from accounts import security
from accounts.models import SecurityEvent
from cases.tasks import SCHEDULES
from tests.helpers import PASSWORD, login, make_case, make_user

ADDRESS = "203.0.113.9"


def kinds():
    return list(SecurityEvent.objects.order_by("at", "pk").values_list("kind", flat=True))


@pytest.mark.django_db
def test_a_login_and_a_logout_are_logged_with_the_address(client):
    user = make_user("xiaowang")
    client.post(
        reverse("login"), {"username": "xiaowang", "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    client.post(reverse("logout"), REMOTE_ADDR=ADDRESS)
    assert kinds() == ["login", "logout"]
    assert {(e.user, e.ip) for e in SecurityEvent.objects.all()} == {(user, ADDRESS)}


@pytest.mark.django_db
def test_the_address_follows_the_configured_proxy_header(client, settings):
    settings.STATUS_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    make_user("xiaowang")
    client.post(
        reverse("login"),
        {"username": "xiaowang", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP=ADDRESS,
    )
    assert SecurityEvent.objects.get().ip == ADDRESS


@pytest.mark.django_db
def test_a_header_that_is_not_an_address_is_not_stored(client, settings):
    settings.STATUS_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    make_user("xiaowang")
    client.post(
        reverse("login"),
        {"username": "xiaowang", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="<script>",
    )
    assert SecurityEvent.objects.get().ip == "127.0.0.1"


@pytest.mark.django_db
def test_opening_another_stations_case_is_a_404_and_a_logged_denial(client, world):
    case = make_case(world.kunming.station)
    volunteer = world.beijing.volunteer
    login(client, volunteer)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 404
    denial = SecurityEvent.objects.get(kind="permission_denied")
    assert denial.user == volunteer and denial.data["case"] == case.number
    assert denial.path == case.get_absolute_url()


@pytest.mark.django_db
def test_a_case_number_that_does_not_exist_is_not_a_denial(client, world):
    login(client, world.beijing.volunteer)
    assert client.get("/cases/110105-2026-99999/").status_code == 404
    assert not SecurityEvent.objects.filter(kind="permission_denied").exists()


@pytest.mark.django_db
def test_a_lawyer_opening_the_triage_board_is_a_logged_denial(client, world):
    lawyer = world.beijing.lawyer.user
    login(client, lawyer)
    assert client.get(reverse("cases:triage")).status_code == 404
    denial = SecurityEvent.objects.get(kind="permission_denied")
    assert denial.user == lawyer and denial.data["check"] == "is_coordinator"


@pytest.mark.django_db
def test_admins_see_the_log_and_export_what_the_filters_show(admin_client):
    user = make_user("xiaowang")
    security.record("login", user=user, ip=ADDRESS)
    security.record("login_failed", username="=cmd|' /C calc'!A0", ip=ADDRESS, reason="password")
    page = admin_client.get(reverse("admin:accounts_securityevent_changelist"))
    assert page.status_code == 200 and "xiaowang" in page.content.decode()
    response = admin_client.get(
        reverse("admin:accounts_securityevent_export") + "?kind__exact=login_failed"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["时间", "事件", "用户名"]
    assert len(rows) == 2 and rows[1][1] == "登录失败"
    # A typed username cannot become a spreadsheet formula.
    assert rows[1][2].startswith("'=")
    export = SecurityEvent.objects.get(kind="export")
    assert export.data == {"what": "security_log", "count": 1}
    assert export.user.username == "admin"


@pytest.mark.django_db
def test_staff_without_the_permission_cannot_read_or_export_the_log(client):
    clerk = make_user("clerk", is_staff=True)
    login(client, clerk)
    # The back office is for superusers only: other staff are sent to its login.
    for name in ("admin:accounts_securityevent_changelist", "admin:accounts_securityevent_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert SecurityEvent.objects.filter(kind="permission_denied", user=clerk).count() == 2


@pytest.mark.django_db
def test_the_log_is_read_only_even_for_superusers(admin_client):
    event = security.record("login", user=make_user())
    url = reverse("admin:accounts_securityevent_change", args=[event.pk])
    assert admin_client.post(url, {"kind": "logout"}).status_code == 403
    delete = reverse("admin:accounts_securityevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk, kind="login").exists()


@pytest.mark.django_db
def test_the_log_keeps_a_year_by_default_and_never_less_than_six_months(settings):
    now = timezone.now()
    for days in (10, 200, 364, 366, 800):
        with time_machine.travel(now - datetime.timedelta(days=days), tick=False):
            security.record("login", username=f"d{days}")
    assert security.purge(now) == 2
    assert sorted(SecurityEvent.objects.values_list("username", flat=True)) == [
        "d10",
        "d200",
        "d364",
    ]
    settings.SECURITY_LOG_RETENTION_DAYS = 30
    assert security.purge(now) == 2  # held at 180 days, not 30: d10 stays
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["d10"]
    assert any(m.id == "yizhan.E010" for m in run_checks())


def test_the_purge_is_a_declared_daily_job():
    job = next(s for s in SCHEDULES if s["name"] == "yizhan:purge_security_log")
    assert job["func"] == "cases.tasks.purge_security_log" and job["schedule_type"] == "D"
