"""The hotline flow end to end: the 12351 hotline's system opens a case through the
API (over HTTP, against the live server), reads it back, and the coordinator finds it
on the triage board in a real browser."""

import json
import urllib.request

import pytest

from api import tokens
from tests.conftest import DESKTOP
from tests.helpers import browser_login, make_consent, make_world

pytestmark = pytest.mark.browser


def api(base, method, path, token, body=None, **headers):
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


@pytest.mark.django_db(transaction=True)
def test_a_hotline_case_opened_through_the_api_is_on_the_coordinators_triage_board(
    new_page, live_server, regions
):
    make_consent()
    world = make_world()
    bj = world.beijing
    _client, token = tokens.create_client(
        "12351热线", region_prefix="110105", scopes=["intake", "cases:read"]
    )
    body = {
        "station": bj.station.code,
        "worker": {"name": "陈骑手", "phone": "13922223333", "platform": "eleme"},
        "claims": ["wage"],
        "facts": "12351 来电：站点拖欠两个月工资约 9000 元。",
        "amount_claimed": "9000",
        "consent": True,
    }
    status, opened = api(
        live_server.url, "POST", "/intake/", token, body, **{"Idempotency-Key": "12351-0001"}
    )
    assert status == 201 and len(opened["access_code"]) == 8
    # The hotline's retry after a timeout: the same case.
    status, again = api(
        live_server.url, "POST", "/intake/", token, body, **{"Idempotency-Key": "12351-0001"}
    )
    assert (status, again["number"]) == (200, opened["number"])
    status, case = api(live_server.url, "GET", f"/cases/{opened['number']}", token)
    assert case["worker"]["phone"] == "139****3333" and case["state"] == "received"

    page = new_page(DESKTOP)
    browser_login(page, bj.coordinator.username)
    page.goto("/cases/triage/")
    row = page.locator(f"#case-{opened['number']}")
    assert row.count() == 1
    assert "陈骑手" in row.inner_text()
