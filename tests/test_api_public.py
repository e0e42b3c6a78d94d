"""The API's stations (public, the finder's rules) and statistics (the dashboard's
figures within the client's scope; small cells hidden for analyst clients)."""

import pytest

from api import tokens
from api.models import ApiClient
from tests.helpers import make_case, make_station, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]


def test_stations_by_region_and_nearest_need_no_token(client):
    near = make_station(
        name="望京驿站", region_code="110105", lng=116.4807, lat=39.9965, legal=True
    )
    make_station(name="盘龙驿站", region_code="530103", lng=102.7195, lat=25.0530, legal=True)
    data = client.get("/api/v1/stations/?region=11").json()
    assert [s["name"] for s in data["items"]] == ["望京驿站"]
    data = client.get("/api/v1/stations/?lat=39.99&lng=116.48").json()
    assert data["items"][0]["code"] == near.code and data["items"][0]["km"] < 2
    bad = client.get("/api/v1/stations/?region=99").json()
    assert bad["errors"] == ["地区代码不正确，请从下面的列表选择地区。"]


def test_statistics_within_scope_in_full_for_a_partner(client):
    world = make_world()
    for _ in range(2):
        make_case(world.beijing.station)
    _c, token = tokens.create_client("平台", region_prefix="110105", scopes=["stats:read"])
    response = client.get("/api/v1/statistics/overview", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["suppressed"] is False and data["region"] == "110105"
    assert any(c["n"] == 2 for c in data["totals"])
    outside = client.get(
        "/api/v1/statistics/overview?region=530103", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert outside.status_code == 404


def test_statistics_for_an_analyst_client_hide_small_cells(client):
    world = make_world()
    for _ in range(2):
        make_case(world.beijing.station)
    _c, token = tokens.create_client(
        "研究", region_prefix="11", scopes=["stats:read"], kind=ApiClient.Kind.ANALYST
    )
    data = client.get("/api/v1/statistics/overview", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert data["suppressed"] is True
    cells = data["totals"] + [c for p in data["partitions"] for c in p["cells"]]
    assert all(c["n"] is None or c["n"] == 0 or c["n"] >= 5 for c in cells)
    assert any(c["mark"] == "<5" and c["n"] is None for c in cells)


def test_an_analyst_client_reads_no_case(client):
    world = make_world()
    case = make_case(world.beijing.station)
    _c, token = tokens.create_client(
        "研究", region_prefix="11", scopes=["cases:read"], kind=ApiClient.Kind.ANALYST
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/v1/cases/{case.number}", **auth).status_code == 404
    assert client.get("/api/v1/cases/", **auth).json()["items"] == []
