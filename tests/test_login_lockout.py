"""Staff login protection (django-axes, accounts/lockout.py): a username is locked at
one address after a few failures, colleagues behind the same address are not, one
address has a ceiling against password spraying, the message says nothing about
whether the account exists, the admin login is covered, and an admin unlocks."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import SecurityEvent
from tests.helpers import PASSWORD, login, make_user

STATION_NAT = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
LOCKED_TEXT = "登录失败次数过多，这个用户名在本网络已暂时锁定"
CEILING_TEXT = "这个网络地址的登录失败次数过多"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_LOCKOUT_FAILURES = settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_LOCKOUT_MINUTES = 15
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    settings.LOGIN_IP_CEILING = 12
    settings.LOGIN_IP_WINDOW_MINUTES = 60


def attempt(client, username, password, ip=STATION_NAT, url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password, "next": "/"},
        REMOTE_ADDR=ip,
    )


def main_text(html: str) -> str:
    """The page's main part without the per-response CSRF token."""
    main = html.split("<main")[1].split("</main>")[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def signed_in(response) -> bool:
    return response.status_code == 302


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_and_then_the_right_one_is_refused(client):
    make_user("xiaowang")
    for _ in range(4):
        response = attempt(client, "xiaowang", "wrong-password-1")
        assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    response = attempt(client, "xiaowang", "wrong-password-1")
    assert response.status_code == 429 and LOCKED_TEXT in response.content.decode()
    response = attempt(client, "xiaowang", PASSWORD)
    assert response.status_code == 429 and LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_colleague_behind_the_same_station_address_still_signs_in(client):
    make_user("xiaowang")
    make_user("laoli")
    for _ in range(6):
        attempt(client, "xiaowang", "wrong-password-1")
    assert signed_in(attempt(client, "laoli", PASSWORD))


@pytest.mark.django_db
def test_the_locked_username_still_signs_in_from_another_address(client):
    make_user("xiaowang")
    for _ in range(6):
        attempt(client, "xiaowang", "wrong-password-1", ip=ELSEWHERE)
    assert signed_in(attempt(client, "xiaowang", PASSWORD, ip=STATION_NAT))


@pytest.mark.django_db
def test_the_lockout_page_is_the_same_whether_or_not_the_account_exists(client):
    make_user("xiaowang")
    pages = {}
    for username in ("xiaowang", "nobody-here"):
        for _ in range(5):
            response = attempt(client, username, "wrong-password-1")
        pages[username] = (response.status_code, response.content.decode().replace(username, "U"))
    assert pages["xiaowang"][0] == pages["nobody-here"][0] == 429
    # The same words, and the username typed is kept in the field for either.
    assert pages["xiaowang"][1].count(LOCKED_TEXT) == 1
    assert main_text(pages["xiaowang"][1]) == main_text(pages["nobody-here"][1])


@pytest.mark.django_db
def test_the_lock_lifts_by_itself_after_the_cool_off(client):
    make_user("xiaowang")
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client, "xiaowang", "wrong-password-1")
        assert attempt(client, "xiaowang", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert attempt(client, "xiaowang", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert signed_in(attempt(client, "xiaowang", PASSWORD))


@pytest.mark.django_db
def test_password_spraying_from_one_address_hits_the_ceiling(client):
    """One wrong password on each of many usernames never locks a username; the
    address's ceiling (12 here, 50 by default) stops it, for every username there,
    while other addresses carry on."""
    make_user("laoli")
    for n in range(12):
        response = attempt(client, f"staff{n}", "Summer2026")
        assert response.status_code == 200
    response = attempt(client, "laoli", PASSWORD)
    assert response.status_code == 429 and CEILING_TEXT in response.content.decode()
    assert signed_in(attempt(client, "laoli", PASSWORD, ip=ELSEWHERE))
    lockouts = SecurityEvent.objects.filter(kind="lockout", data__reason="ip_ceiling")
    assert lockouts.count() == 1 and lockouts.get().ip == STATION_NAT


@pytest.mark.django_db
def test_the_ceiling_counts_only_the_last_hour(client):
    make_user("laoli")
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for n in range(11):
            attempt(client, f"staff{n}", "Summer2026")
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        attempt(client, "staff-late", "Summer2026")
        assert signed_in(attempt(client, "laoli", PASSWORD))


@pytest.mark.django_db
def test_the_admin_login_is_locked_out_the_same_way(client):
    make_user("root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        response = attempt(client, "root", "wrong-password-1", url=url)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_TEXT in html and 'id="login-form"' in html
    assert attempt(client, "root", PASSWORD, url=url).status_code == 429


@pytest.mark.django_db
def test_an_admin_unlocks_a_username_and_the_unlock_is_logged(client, admin_client):
    make_user("xiaowang")
    for _ in range(5):
        attempt(client, "xiaowang", "wrong-password-1")
    assert attempt(client, "xiaowang", PASSWORD).status_code == 429
    response = admin_client.post(
        reverse("admin:axes_accessattempt_unlock"), {"username": "xiaowang", "ip": ""}
    )
    assert response.status_code == 302
    assert signed_in(attempt(client, "xiaowang", PASSWORD))
    unlock = SecurityEvent.objects.get(kind="unlock")
    assert unlock.username == "xiaowang" and unlock.actor.username == "admin"


@pytest.mark.django_db
def test_an_admin_unlocks_an_address_that_hit_the_ceiling(client, admin_client):
    make_user("laoli")
    for n in range(12):
        attempt(client, f"staff{n}", "Summer2026")
    assert attempt(client, "laoli", PASSWORD).status_code == 429
    page = admin_client.post(reverse("admin:axes_accessattempt_unlock"), {"ip": "not-an-ip"})
    assert "请输入正确的 IP 地址" in page.content.decode()
    admin_client.post(reverse("admin:axes_accessattempt_unlock"), {"ip": STATION_NAT})
    assert signed_in(attempt(client, "laoli", PASSWORD))


@pytest.mark.django_db
def test_the_unlock_page_is_refused_to_staff_without_the_permission(client):
    clerk = make_user("clerk", is_staff=True)
    login(client, clerk)
    response = client.get(reverse("admin:axes_accessattempt_unlock"))
    # The back office is for superusers only: other staff are sent to its login.
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert SecurityEvent.objects.filter(kind="permission_denied", user=clerk).exists()


@pytest.mark.django_db
def test_failed_logins_and_the_lockout_are_in_the_security_log(client):
    make_user("xiaowang")
    for _ in range(6):
        attempt(client, "xiaowang", "wrong-password-1")
    failures = SecurityEvent.objects.filter(kind="login_failed", username="xiaowang")
    assert [e.data["reason"] for e in failures.order_by("at", "pk")] == ["password"] * 5 + [
        "locked"
    ]
    assert {e.ip for e in failures} == {STATION_NAT}
    lockout = SecurityEvent.objects.get(kind="lockout")
    assert lockout.username == "xiaowang" and lockout.data["reason"] == "pair"
    assert "wrong-password-1" not in str(list(SecurityEvent.objects.values()))
