"""Security headers: Content-Security-Policy without inline script, Permissions-Policy,
and no caching of pages with workers' details."""

import re

import pytest
from django.urls import reverse

from cases.status import session
from tests.helpers import delivered_sms, login, make_case, make_case_with_code

PHONE = "+8613912345678"


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def inline_scripts(html: str) -> list[str]:
    """<script> elements without src, and on…= event-handler attributes."""
    found = [m.group() for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", html)]
    found += re.findall(r"<[^>]+\son[a-z]+=", html)
    return found


@pytest.mark.django_db
def test_every_page_has_a_policy_that_allows_no_inline_script(client, world):
    bj = world.beijing
    case, _code = make_case_with_code(bj.station, bj.volunteer, worker={"phone": PHONE})
    login(client, bj.volunteer)
    session_ = client.session
    session_[f"access_code:{case.number}"] = {"code": "12345678", "at": case.created_at.isoformat()}
    session_.save()
    pages = [
        reverse("cases:intake"),
        reverse("cases:detail", args=[case.number]),
        reverse("cases:receipt", args=[case.number]),
        reverse("cases:station_cases"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = csp(response)
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
        assert "unsafe" not in response["Content-Security-Policy"]
        assert inline_scripts(response.content.decode()) == [], url
    client.logout()
    response = client.get(reverse("status:start"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert inline_scripts(response.content.decode()) == []


@pytest.mark.django_db
def test_the_calendar_page_has_no_inline_handlers(client, world):
    login(client, world.beijing.lawyer.user)
    client.post(reverse("cases:calendar_settings"), {"action": "regenerate"})
    response = client.get(reverse("cases:calendar_settings"))
    assert response.status_code == 200 and "data-select-on-click" in response.content.decode()
    assert inline_scripts(response.content.decode()) == []


@pytest.mark.django_db
def test_every_response_has_a_permissions_policy(client, world):
    for response in (client.get(reverse("status:start")), client.get(reverse("login"))):
        policy = response["Permissions-Policy"]
        assert (
            "camera=()" in policy and "geolocation=(self)" in policy and "microphone=()" in policy
        )


@pytest.mark.django_db
def test_staff_case_pages_are_not_kept_in_the_browser_cache(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    login(client, bj.volunteer)
    for url in (case.get_absolute_url(), reverse("cases:station_cases")):
        cache = client.get(url)["Cache-Control"]
        assert "private" in cache and "no-store" in cache, url


@pytest.mark.django_db
def test_the_workers_case_page_is_not_kept_in_the_browser_cache(
    client, world, django_capture_on_commit_callbacks, django_assert_num_queries
):
    make_case(world.beijing.station, worker={"phone": PHONE})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("status:start"), {"phone": PHONE})
    code = re.search(r"\d{6}", delivered_sms(PHONE, "status_code")).group()
    client.post(reverse("status:verify"), {"code": code})
    assert client.cookies[session.STATUS_COOKIE].value
    with django_assert_num_queries(1):  # still one query: the header loads no user
        response = client.get(reverse("status:cases"))
    assert response["Cache-Control"] == "private, no-store"
