"""The API under attack: what a hostile or careless client, worker or integrator sends,
and the safe answer each must get. Cross-region reads by every operation and filter,
crafted cursors, malformed and stale tokens, missing scopes, analyst clients reaching
for cases, worker tokens reused, oversized and malformed bodies, webhook targets that
point inside the network, and the one error shape for whatever comes in. The parallel
bursts are at the end (db_sensitive: run them on PostgreSQL with DATABASE_URL)."""

import base64
import datetime
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from api import tokens, webhooks
from api.models import ApiCall, ApiClient, IdempotencyKey, WebhookDelivery
from cases.models import Case, SmsMessage, StatusChallenge
from cases.privacy.anonymise import erase_on_request
from cases.workflow import apply_transition
from tests.helpers import (
    DELIVERED,
    WebhookReceiver,
    delivered_sms,
    make_case,
    make_consent,
    make_world,
)
from tests.helpers import api_call as call
from tests.helpers import api_intake_body as intake_body
from tests.test_case_concurrency import skip_if_threads_cannot_race

pytestmark = pytest.mark.django_db

ALL = ["intake", "cases:read", "cases:transition", "stats:read", "webhooks"]
PHONE = "+8613912345678"
OTHER = "+8613700001111"


def new_client(region="11", scopes=ALL, name=None, **kwargs):
    name = name or f"客户端{ApiClient.objects.count() + 1}"
    return tokens.create_client(name, region_prefix=region, scopes=scopes, **kwargs)


def assert_shape(response, status=None):
    """Every answer that is not a success is the one error shape, never a 500."""
    assert response.status_code < 500, response.content[:300]
    if status is not None:
        assert response.status_code == status, response.content[:300]
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert isinstance(error["code"], str) and error["message"]
        assert isinstance(error["fields"], dict)
    return response


def cursor_for(at, pk):
    raw = json.dumps([at.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
def world():
    make_consent()
    return make_world()


# ---------------------------------------------------------------------------
# 1. Cross-region and cross-client


def test_a_region_11_client_reaches_no_region_53_case_by_any_operation_or_filter(client, world):
    _c, token = new_client(region="11")
    theirs = make_case(world.kunming.station)
    mine = make_case(world.beijing.station)
    number = theirs.number
    for method, path, body in [
        ("get", f"/cases/{number}", None),
        ("get", f"/cases/{number.lower()}", None),
        ("get", f"/cases/{number}%20", None),
        ("get", f"/cases/%20{number}", None),
        (
            "post",
            f"/cases/{number}/transitions",
            {"transition": "withdraw", "expected_state": "received", "fields": {}},
        ),
        (
            "post",
            f"/cases/{number}/transitions",
            {"transition": "accept", "expected_state": "received", "fields": {}},
        ),
    ]:
        response = assert_shape(call(client, method, path, token, body), 404)
        assert number not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.state == "received"
    for query in [
        "",
        f"?station={world.kunming.station.code}",
        "?state=received",
        "?claim=wage",
        "?updated_since=2000-01-01T00:00:00Z",
        f"?cursor={cursor_for(timezone.now() + datetime.timedelta(days=1), theirs.pk + 1)}",
        "?limit=200",
    ]:
        response = assert_shape(call(client, "get", f"/cases/{query}", token), 200)
        numbers = [c["number"] for c in response.json()["items"]]
        assert number not in numbers and "530103" not in response.content.decode(), query
        if "station=" in query or "claim=" in query:
            assert numbers == []  # another region's station; the cases here are injury
        elif "cursor" not in query:
            assert numbers == [mine.number], query


def test_a_cursor_from_another_clients_list_yields_only_the_readers_own_cases(client, world):
    _a, token_11 = new_client(region="11")
    _b, token_53 = new_client(region="53")
    ours = [make_case(world.kunming.station) for _ in range(3)]
    mine = make_case(world.beijing.station)
    page = call(client, "get", "/cases/?limit=1", token_53).json()
    assert page["next_cursor"]
    stolen = page["next_cursor"]
    response = assert_shape(call(client, "get", f"/cases/?cursor={stolen}", token_11), 200)
    numbers = [c["number"] for c in response.json()["items"]]
    assert set(numbers) <= {mine.number}
    assert not {c.number for c in ours} & set(numbers)


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        "x" * 200,
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'["2026-01-01T00:00:00", "1 OR 1=1"]').decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["2026-13-45T99:00:00", 1]').decode(),
        base64.urlsafe_b64encode(b'["2026-01-01T00:00:00", 1, 2]').decode(),
        base64.urlsafe_b64encode(b'["2026-01-01T00:00:00", 99999999999999999999999]').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
        base64.urlsafe_b64encode(b"[" * 5000).decode()[:200],
    ],
)
def test_a_tampered_cursor_is_a_field_error_never_a_500(client, world, cursor):
    _c, token = new_client(region="11")
    make_case(world.kunming.station)
    response = call(client, "get", f"/cases/?cursor={cursor}", token)
    assert_shape(response)
    if response.status_code == 200:
        assert response.json()["items"] == []
    else:
        assert response.status_code == 422


def test_guessing_case_numbers_of_another_region_reveals_nothing_and_is_logged(client, world):
    api_client, token = new_client(region="11")
    theirs = make_case(world.kunming.station)
    real = assert_shape(call(client, "get", f"/cases/{theirs.number}", token), 404)
    ghost_number = theirs.number[:-5] + "99999"
    ghost = assert_shape(call(client, "get", f"/cases/{ghost_number}", token), 404)
    # An existing case of another region and a number that exists nowhere look the same.
    assert real.json() == ghost.json()
    assert real.headers.keys() == ghost.headers.keys()
    calls = ApiCall.objects.filter(client=api_client).order_by("pk")
    assert [(c.case_number, c.status) for c in calls] == [
        (theirs.number, 404),
        (ghost_number, 404),
    ]


def test_a_station_of_another_region_is_404_for_intake_and_empty_for_the_list(client, world):
    _c, token = new_client(region="11")
    response = assert_shape(
        call(client, "post", "/intake/", token, intake_body(world.kunming.station)), 404
    )
    assert "station" in response.json()["error"]["fields"]
    assert Case.objects.count() == 0


def test_a_region_53_client_reads_its_own_but_not_region_11s(client, world):
    _c, token = new_client(region="53")
    theirs = make_case(world.beijing.station)
    ours = make_case(world.kunming.station)
    assert_shape(call(client, "get", f"/cases/{theirs.number}", token), 404)
    assert call(client, "get", f"/cases/{ours.number}", token).status_code == 200
    numbers = [c["number"] for c in call(client, "get", "/cases/", token).json()["items"]]
    assert numbers == [ours.number]


# ---------------------------------------------------------------------------
# 2. Tokens


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "bearer",
        "Basic dXNlcjpwYXNz",
        "Token {token}",
        "{token}",
        "Bearer  {token}",
        "Bearer {token} ",
        "Bearer {token} extra",
        "Bearer {token}\x00",
        "Bearer yz_\x00_abc",
        "Bearer yz__",
        "Bearer yz_{prefix}_",
        "Bearer yz_{prefix}",
        "Bearer yz_{prefix}_wrong",
        "Bearer yz_{prefix}_{secret}_",
        "Bearer yz_" + "a" * 10000 + "_" + "b" * 10000,
        "Bearer " + "x" * 100000,
        "Bearer yz_中文_令牌",
        "Bearer yz_{prefix}_令牌",
        "Bearer ＹＺ_{prefix}_{secret}",
        "Bearer yz_%_%",
        "Bearer yz_{prefix_upper}_{secret}",
    ],
)
def test_a_malformed_authorization_header_is_401_never_data(client, world, header):
    api_client, token = new_client(region="11")
    make_case(world.beijing.station)
    _yz, prefix, secret = token.split("_", 2)
    value = header.format(token=token, prefix=prefix, secret=secret, prefix_upper=prefix.upper())
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=value)
    assert_shape(response, 400 if "\x00" in value else 401)
    assert "items" not in response.json()


def test_a_token_in_the_query_string_or_a_cookie_is_ignored(client, world):
    _c, token = new_client(region="11")
    make_case(world.beijing.station)
    for path in [f"/api/v1/cases/?token={token}", f"/api/v1/cases/?access_token={token}"]:
        assert_shape(client.get(path), 401)
    client.cookies["Authorization"] = f"Bearer {token}"
    client.cookies["token"] = token
    assert_shape(client.get("/api/v1/cases/"), 401)


def test_a_revoked_expired_or_rotated_out_token_reads_nothing_anywhere(client, world):
    case = make_case(world.beijing.station)
    revoked, revoked_token = new_client(region="11")
    tokens.revoke(revoked)
    expired, expired_token = new_client(region="11")
    ApiClient.objects.filter(pk=expired.pk).update(
        token_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    rotated, old_token = new_client(region="11")
    new_token = tokens.rotate(rotated)
    for token, code in [
        (revoked_token, "token_revoked"),
        (expired_token, "token_expired"),
        (old_token, "token_unknown"),
    ]:
        for path in ["/cases/", f"/cases/{case.number}", "/webhooks/", "/statistics/overview"]:
            response = assert_shape(call(client, "get", path, token), 401)
            assert response.json()["error"]["code"] == code
    assert call(client, "get", f"/cases/{case.number}", new_token).status_code == 200
    # A revoked client made whole again by a rotation gets a new token; the old stays dead.
    fresh = tokens.rotate(revoked)
    assert call(client, "get", "/cases/", revoked_token).status_code == 401
    assert call(client, "get", "/cases/", fresh).status_code == 200


def test_a_token_of_one_client_with_the_prefix_of_another_is_refused(client, world):
    _a, token_a = new_client(region="11")
    _b, token_b = new_client(region="53")
    _yz, prefix_b, _s = token_b.split("_", 2)
    _yz, _p, secret_a = token_a.split("_", 2)
    assert_shape(call(client, "get", "/cases/", f"yz_{prefix_b}_{secret_a}"), 401)


def test_the_token_is_compared_in_constant_time(monkeypatch, world):
    """The stored hash is compared with hmac.compare_digest, never with ==."""
    import hmac

    seen = []
    real = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    api_client, token = new_client(region="11")
    assert tokens.client_for(token) == api_client
    with pytest.raises(tokens.BadToken):
        tokens.client_for(token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert len(seen) == 2 and all(a == api_client.token_hash for a, _b in seen)


# ---------------------------------------------------------------------------
# 3. Scopes and analyst clients


def test_each_operation_without_its_scope_is_403_and_touches_nothing(client, world):
    case = make_case(world.beijing.station)
    operations = {
        "intake": ("post", "/intake/", intake_body(world.beijing.station)),
        "cases:read": ("get", f"/cases/{case.number}", None),
        "cases:transition": (
            "post",
            f"/cases/{case.number}/transitions",
            {
                "transition": "withdraw",
                "expected_state": "received",
                "fields": {"worker_request": True, "reason": "来电要求撤回"},
            },
        ),
        "stats:read": ("get", "/statistics/overview", None),
        "webhooks": ("post", "/webhooks/", {"url": "https://example.org/hook"}),
    }
    for scope, (method, path, body) in operations.items():
        others = [s for s in ALL if s != scope]
        _c, token = new_client(region="11", scopes=others)
        response = assert_shape(call(client, method, path, token, body), 403)
        assert response.json()["error"]["code"] == "missing_scope", scope
    _c, token = new_client(region="11", scopes=["intake"])
    assert_shape(call(client, "get", "/cases/", token), 403)
    assert_shape(call(client, "get", "/webhooks/", token), 403)
    assert_shape(call(client, "delete", "/webhooks/1", token), 403)
    case.refresh_from_db()
    assert case.state == "received" and Case.objects.count() == 1


def test_an_analyst_client_with_every_scope_reaches_no_case_and_no_personal_field(client, world):
    case = make_case(world.beijing.station)
    _c, token = new_client(region="11", scopes=ALL, kind=ApiClient.Kind.ANALYST)
    assert_shape(call(client, "get", f"/cases/{case.number}", token), 404)
    assert call(client, "get", "/cases/", token).json()["items"] == []
    assert (
        call(client, "get", f"/cases/?station={world.beijing.station.code}", token).json()["items"]
        == []
    )
    assert_shape(
        call(
            client,
            "post",
            f"/cases/{case.number}/transitions",
            token,
            {
                "transition": "withdraw",
                "expected_state": "received",
                "fields": {"worker_request": True, "reason": "x"},
            },
        ),
        404,
    )
    response = call(client, "post", "/intake/", token, intake_body(world.beijing.station))
    assert_shape(response, 404)
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.state == "received"
    stats = call(client, "get", "/statistics/overview", token).content.decode()
    assert case.worker.name not in stats and case.number not in stats
    assert "13912345678" not in stats


def test_analyst_statistics_hide_small_cells_and_every_complement(client, world):
    make_case(world.kunming.station, claims=["wage"])
    make_case(world.kunming.station, claims=["wage"])
    make_case(world.kunming.station, claims=["injury"])
    for _ in range(6):
        make_case(world.kunming.station, claims=["wage"])
    _c, token = new_client(region="53", scopes=["stats:read"], kind=ApiClient.Kind.ANALYST)
    for section in ["overview"]:
        response = call(client, "get", f"/statistics/{section}", token)
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["suppressed"] is True
        cells = data["totals"] + [c for p in data["partitions"] for c in p["cells"]]
        assert all(c["n"] is None or c["n"] == 0 or c["n"] >= 5 for c in cells)
        for partition in data["partitions"]:
            shown = [c for c in partition["cells"] if c["n"] is not None]
            hidden = [c for c in partition["cells"] if c["n"] is None]
            total = partition["total"]["n"]
            if total is not None and len(hidden) == 1:
                pytest.fail(f"{partition['name']}: one hidden cell is total minus the shown")
            if total is not None and hidden:
                assert total - sum(c["n"] for c in shown) >= 5 or len(hidden) >= 2
    # Out of its scope: nothing at all.
    assert_shape(call(client, "get", "/statistics/overview?region=110105", token), 404)
    assert_shape(call(client, "get", "/statistics/overview?region=", token))


def test_statistics_of_another_region_or_the_country_are_404(client, world):
    _c, token = new_client(region="11")
    for region in ["530103", "53", "000000", "0", "5", "1", "11%25", "11'", "110105x"]:
        response = call(client, "get", f"/statistics/overview?region={region}", token)
        assert_shape(response)
        assert response.status_code in (404, 422), region
    assert_shape(call(client, "get", "/statistics/nosuchsection", token), 404)


# ---------------------------------------------------------------------------
# 4. Worker tokens


def worker_token(worker_post, phone=PHONE):
    assert worker_post("/code", {"phone": phone[3:]}).status_code == 200
    code = re.search(r"\d{6}", delivered_sms(phone, "status_code")).group()
    response = worker_post("/token", {"phone": phone[3:], "code": code})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_worker_a_cannot_read_worker_bs_case_by_number_or_list(client, worker_post, world):
    mine = make_case(world.beijing.station, worker={"phone": PHONE})
    theirs = make_case(world.beijing.station, worker={"phone": OTHER})
    token = worker_token(worker_post)
    headers = {"HTTP_X_WORKER_TOKEN": token}
    assert_shape(client.get(f"/api/v1/worker/cases/{theirs.number}", **headers), 404)
    listed = client.get("/api/v1/worker/cases", **headers).json()["items"]
    assert [c["number"] for c in listed] == [mine.number]
    # A worker token is not a client token, and a client token is not a worker token.
    assert_shape(call(client, "get", f"/cases/{mine.number}", token), 401)
    _c, client_token = new_client(region="11")
    assert_shape(client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=client_token), 401)


@pytest.mark.parametrize(
    "value",
    ["", "garbage", "a:b:c", "\x00", "x" * 20000, "eyJ3IjpbMV19:1abc:sig", "中文"],
)
def test_a_forged_worker_token_is_401(client, world, value):
    make_case(world.beijing.station, worker={"phone": PHONE})
    response = client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=value)
    assert_shape(response, 400 if "\x00" in value else 401)


def test_a_worker_token_signed_for_another_purpose_is_refused(client, world):
    from django.core import signing

    case = make_case(world.beijing.station, worker={"phone": PHONE})
    forged = signing.dumps({"h": "x", "w": [case.worker_id]}, compress=True)  # no salt
    assert_shape(client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=forged), 401)


def test_an_expired_worker_token_is_401(client, worker_post, world, time_machine):
    make_case(world.beijing.station, worker={"phone": PHONE})
    token = worker_token(worker_post)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=16))
    response = assert_shape(client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=token), 401)
    assert response.json()["error"]["code"] == "token_expired"


def test_a_worker_token_replayed_after_erasure_shows_nothing(client, worker_post, world):
    case = make_case(world.beijing.station, worker={"phone": PHONE})
    token = worker_token(worker_post)
    headers = {"HTTP_X_WORKER_TOKEN": token}
    assert len(client.get("/api/v1/worker/cases", **headers).json()["items"]) == 1
    apply_transition(
        case,
        "withdraw",
        world.beijing.coordinator,
        expected_state="received",
        reason="劳动者要求撤回",
    )
    erase_on_request(case.worker, world.beijing.coordinator)
    assert client.get("/api/v1/worker/cases", **headers).json()["items"] == []
    assert_shape(client.get(f"/api/v1/worker/cases/{case.number}", **headers), 404)


# ---------------------------------------------------------------------------
# 5. Intake


def test_an_oversized_body_is_refused_in_the_error_shape(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    _c, token = new_client(region="11")
    body = intake_body(world.beijing.station, facts="工" * 200_000)
    response = call(client, "post", "/intake/", token, body)
    assert_shape(response)
    assert response.status_code in (400, 413, 422)
    assert Case.objects.count() == 0


@pytest.mark.parametrize("depth", [50, 1_000, 100_000])
def test_deeply_nested_json_is_refused_in_the_error_shape(client, world, depth):
    _c, token = new_client(region="11")
    body = "[" * depth + "]" * depth
    for path in ["/intake/", "/webhooks/", "/worker/code"]:
        response = client.post(
            f"/api/v1{path}",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert_shape(response)
        assert response.status_code in (400, 422)
    nested = {"a": None}
    for _ in range(min(depth, 300)):
        nested = {"a": nested}
    response = call(
        client,
        "post",
        f"/cases/{make_case(world.beijing.station).number}/transitions",
        token,
        {"transition": "withdraw", "expected_state": "received", "fields": nested},
    )
    assert_shape(response)


@pytest.mark.parametrize(
    "over",
    [
        {"station": 12},
        {"station": None},
        {"station": ["x"]},
        {"worker": "李四"},
        {"worker": {"name": 1, "phone": 13912345678, "platform": None}},
        {"claims": "wage"},
        {"claims": [{"x": 1}]},
        {"claims": ["wage"] * 11},
        {"claims": ["x" * 10000]},
        {"consent": "yes"},
        {"consent": False},
        {"amount_claimed": "NaN"},
        {"amount_claimed": "Infinity"},
        {"amount_claimed": -1},
        {"amount_claimed": 1e308},
        {"amount_claimed": "1e1000000"},
        {"incident_date": "2026-02-30"},
        {"incident_date": "9999-12-31"},
        {"incident_date": 12},
        {"facts": "x" * 5001},
        {"facts": "\x00"},
        {"facts": "工\x00资"},
        {"station": "\x00"},
        {"station": "BJ\x00"},
        {"worker": {"name": "李\x00四", "phone": "13912345678", "platform": "meituan"}},
        {"worker": {"name": "李四", "phone": "139\x0012345678", "platform": "meituan"}},
        {"worker": {"name": "李四", "phone": "13912345678", "platform": "\x00"}},
        {"evidence": ["\x00"]},
        {"parties": [{"kind": "employer", "name": "某\x00公司"}]},
        {"parties": [{"kind": "\x00", "name": "x"}] * 8},
        {"parties": [{}] * 9},
        {
            "worker": {
                "name": "李四",
                "phone": "13912345678",
                "platform": "meituan",
                "id_number": "x" * 21,
            }
        },
        {"extra": {"deep": [1, 2, 3]}},
    ],
)
def test_wrong_types_huge_strings_and_nul_bytes_are_field_errors_not_cases(client, world, over):
    _c, token = new_client(region="11")
    body = intake_body(world.beijing.station)
    body.update(over)
    response = call(client, "post", "/intake/", token, body)
    assert_shape(response)
    if "extra" in over:
        assert response.status_code == 201  # unknown keys are ignored
        return
    expected = (
        (400,)
        if "\x00" in json.dumps(over, ensure_ascii=False).encode().decode("unicode_escape")
        else (404, 422)
    )
    assert response.status_code in expected, response.content[:300]
    assert Case.objects.count() == 0


def test_a_full_width_id_number_is_read_like_the_page_does(client, world):
    _c, token = new_client(region="11")
    full_width = "１１０１０５１９９０１００１１２３４"  # 110105199010011234 in full width
    body = intake_body(
        world.beijing.station,
        worker={
            "name": "李四",
            "phone": "１３９１２３４５６７８",
            "platform": "meituan",
            "id_number": full_width,
        },
    )
    response = call(client, "post", "/intake/", token, body)
    assert_shape(response)
    if response.status_code == 201:
        case = Case.objects.get()
        assert case.worker.id_number.isascii() and case.worker.phone.as_e164.isascii()
        detail = call(client, "get", f"/cases/{case.number}", token).json()
        assert "1990" not in detail["worker"]["id_number"]
        assert "1234" not in detail["worker"]["phone"][3:7]
    else:
        assert response.status_code == 422


def test_an_idempotency_key_reused_with_another_body_returns_no_case(client, world):
    _c, token = new_client(region="11")
    key = {"HTTP_IDEMPOTENCY_KEY": "call-1"}
    first = call(client, "post", "/intake/", token, intake_body(world.beijing.station), **key)
    assert first.status_code == 201
    other = intake_body(
        world.beijing.station,
        worker={"name": "张三", "phone": "13700001111", "platform": "eleme"},
    )
    response = assert_shape(call(client, "post", "/intake/", token, other, **key), 422)
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert first.json()["number"] not in response.content.decode()
    assert Case.objects.count() == 1


def test_an_idempotency_key_never_collides_across_clients(client, world):
    _a, token_a = new_client(region="11")
    _b, token_b = new_client(region="11")
    key = {"HTTP_IDEMPOTENCY_KEY": "shared-key"}
    body = intake_body(world.beijing.station)
    a = call(client, "post", "/intake/", token_a, body, **key)
    b = call(client, "post", "/intake/", token_b, body, **key)
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["number"] != b.json()["number"]
    assert b.json()["access_code"]  # b's own first answer, not a's replay
    assert IdempotencyKey.objects.count() == 2


@pytest.mark.parametrize("key", ["k\x00", "x" * 10000, "键", " ", "\t"])
def test_odd_idempotency_keys_never_500(client, world, key):
    _c, token = new_client(region="11")
    response = call(
        client,
        "post",
        "/intake/",
        token,
        intake_body(world.beijing.station),
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert_shape(response)
    assert response.status_code == (400 if "\x00" in key else 201)


# ---------------------------------------------------------------------------
# 6. Webhooks


PRIVATE_TARGETS = [
    "http://127.0.0.1/hook",
    "http://127.1/hook",
    "http://2130706433/hook",
    "http://0x7f.1/hook",
    "http://0.0.0.0/hook",
    "http://localhost/hook",
    "http://10.0.0.1/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/hook",
    "http://[::1]/hook",
    "http://[::]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:7f00:1]/hook",
    "http://[::127.0.0.1]/hook",
    "http://[64:ff9b::7f00:1]/hook",
    "http://[2002:7f00:1::]/hook",
    "http://[2001:0000:4136:e378:8000:63bf:80ff:fffe]/hook",
]


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_in_production_a_private_target_is_refused_when_subscribing_and_delivering(
    client, world, settings, url
):
    settings.API_WEBHOOK_ALLOW_PRIVATE = False
    assert webhooks.public_address(url) is False
    _c, token = new_client(region="11")
    response = assert_shape(call(client, "post", "/webhooks/", token, {"url": url}), 422)
    assert "url" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
        "ftp://example.org/",
        "http://",
        "//x",
        "http://exa mple.org/",
        "http://example.org\x00.evil/",
        "javascript:alert(1)",
    ],
)
def test_a_target_that_is_not_an_http_url_is_refused(client, world, url):
    _c, token = new_client(region="11")
    response = call(client, "post", "/webhooks/", token, {"url": url})
    assert_shape(response, 400 if "\x00" in url else 422)


def test_a_delivery_never_follows_a_redirect(world, settings):
    """A public receiver answering 30x to an internal address must not make the server
    worker_post there: redirects are not followed (the try counts as failed)."""
    settings.API_WEBHOOK_ALLOW_PRIVATE = True  # the receivers here are on loopback
    api_client, _t = new_client(region="11")
    with WebhookReceiver(19162, 303, "http://127.0.0.1:19163/internal") as internal:
        with WebhookReceiver(19161, 303, "http://127.0.0.1:19162/internal") as public:
            sub = api_client.subscriptions.create(
                url="http://127.0.0.1:19161/hook", secret=webhooks.new_secret()
            )
            case = make_case(world.beijing.station)
            apply_transition(
                case,
                "withdraw",
                world.beijing.coordinator,
                expected_state="received",
                reason="x",
            )
            delivery = WebhookDelivery.objects.get(subscription=sub)
            assert webhooks.deliver(delivery.pk) == "failed"
    assert public.hits == ["/hook"] and internal.hits == []
    delivery.refresh_from_db()
    assert "303" in delivery.last_response


def test_a_signed_delivery_verifies_with_standardwebhooks_and_a_tampered_one_does_not(world):
    from standardwebhooks import Webhook
    from standardwebhooks.webhooks import WebhookVerificationError

    secret = webhooks.new_secret()
    body = json.dumps({"type": "case.state_changed", "data": {"case": "x"}})
    now = int(timezone.now().timestamp())
    headers = {
        "webhook-id": "evt_1",
        "webhook-timestamp": str(now),
        "webhook-signature": webhooks.sign(secret, "evt_1", now, body),
    }
    assert Webhook(secret).verify(body, headers)["data"]["case"] == "x"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace('"x"', '"y"'), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "evt_2"})


def test_a_subscription_hears_only_of_cases_in_its_clients_region(world, settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    c11, _t = new_client(region="11")
    c53, _t = new_client(region="53")
    c1101, _t = new_client(region="1101", scopes=["cases:read"])  # no webhooks scope
    analyst, _t = new_client(region="11", kind=ApiClient.Kind.ANALYST)
    revoked, _t = new_client(region="11")
    tokens.revoke(revoked)
    subs = {
        c.pk: c.subscriptions.create(url="http://127.0.0.1:19169/", secret=webhooks.new_secret())
        for c in (c11, c53, c1101, analyst, revoked)
    }
    beijing = make_case(world.beijing.station)
    apply_transition(
        beijing,
        "withdraw",
        world.beijing.coordinator,
        expected_state="received",
        reason="x",
    )
    kunming = make_case(world.kunming.station)
    apply_transition(
        kunming,
        "withdraw",
        world.kunming.coordinator,
        expected_state="received",
        reason="x",
    )
    got = {
        pk: sorted(d.payload["data"]["case"] for d in sub.deliveries.all())
        for pk, sub in subs.items()
    }
    assert got == {
        c11.pk: [beijing.number],
        c53.pk: [kunming.number],
        c1101.pk: [],
        analyst.pk: [],
        revoked.pk: [],
    }
    for delivery in WebhookDelivery.objects.all():
        text = json.dumps(delivery.payload, ensure_ascii=False)
        assert "李四" not in text and "1391234" not in text  # no personal data in events


def test_a_client_whose_token_expired_hears_of_no_more_transitions(world, settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    expired, _t = new_client(region="11")
    ApiClient.objects.filter(pk=expired.pk).update(
        token_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    sub = expired.subscriptions.create(url="http://127.0.0.1:19169/", secret="whsec_AA==")
    case = make_case(world.beijing.station)
    apply_transition(
        case, "withdraw", world.beijing.coordinator, expected_state="received", reason="x"
    )
    assert sub.deliveries.count() == 0


def test_a_client_cannot_see_or_delete_another_clients_subscription(client, world):
    a, token_a = new_client(region="11")
    _b, token_b = new_client(region="53")
    sub = a.subscriptions.create(url="https://example.org/a", secret=webhooks.new_secret())
    listed = call(client, "get", "/webhooks/", token_b).json()
    assert listed == []
    assert_shape(call(client, "delete", f"/webhooks/{sub.pk}", token_b), 404)
    assert a.subscriptions.count() == 1
    listed = call(client, "get", "/webhooks/", token_a).json()
    assert [s["secret"] for s in listed] == [None]  # the secret is shown once only


# ---------------------------------------------------------------------------
# 7. One error shape, never a 500


@pytest.mark.parametrize(
    "method,path,content_type,data",
    [
        ("get", "/nowhere", None, None),
        ("get", "/cases/a/b/c", None, None),
        ("get", "/cases/" + "x" * 5000, None, None),
        ("get", "/cases/%00", None, None),
        ("get", "/cases/?station=%00", None, None),
        ("get", "/cases/?claim=%00", None, None),
        ("get", "/cases/?state=nonsense", None, None),
        ("get", "/cases/?limit=0", None, None),
        ("get", "/cases/?limit=100000000000000000000000", None, None),
        ("get", "/cases/?updated_since=yesterday", None, None),
        ("get", "/cases/?updated_since=9999-99-99", None, None),
        ("get", "/cases/?station=" + "x" * 5000, None, None),
        ("get", "/statistics/overview?from=2026-13", None, None),
        ("get", "/statistics/overview?region=%00", None, None),
        ("get", "/statistics/%00", None, None),
        ("get", "/stations/?lat=nan&lng=nan", None, None),
        ("get", "/stations/?lat=1e999&lng=1", None, None),
        ("get", "/stations/?region=%00", None, None),
        ("get", "/worker/cases/%00", None, None),
        ("delete", "/webhooks/99999999999999999999999", None, None),
        ("delete", "/webhooks/-1", None, None),
        ("delete", "/webhooks/abc", None, None),
        ("put", "/cases/", "application/json", "{}"),
        ("patch", "/intake/", "application/json", "{}"),
        ("delete", "/cases/", None, None),
        ("options", "/cases/", None, None),
        ("trace", "/cases/", None, None),
        ("post", "/intake/", "text/plain", "hello"),
        ("post", "/intake/", "application/xml", "<a/>"),
        ("post", "/intake/", "application/x-www-form-urlencoded", "station=x"),
        ("post", "/intake/", "multipart/form-data; boundary=zz", "--zz--"),
        ("post", "/intake/", "application/json", ""),
        ("post", "/intake/", "application/json", "null"),
        ("post", "/intake/", "application/json", "[]"),
        ("post", "/intake/", "application/json", '"x"'),
        ("post", "/intake/", "application/json", "{"),
        ("post", "/intake/", "application/json", "\xff\xfe"),
        ("post", "/intake/", "application/json", '{"station": "\\ud800"}'),
        ("post", "/intake/", "application/json; charset=latin-1", '{"a": "\xe9"}'),
        ("post", "/intake/", "application/json", "NaN"),
        ("post", "/webhooks/", "application/json", '{"url": 1}'),
        ("post", "/webhooks/", "application/json", '{"url": "' + "a" * 100000 + '"}'),
        ("post", "/worker/code", "application/json", '{"phone": "\\u0000"}'),
        ("post", "/worker/code", "application/json", '{"phone": 13912345678}'),
        (
            "post",
            "/worker/token",
            "application/json",
            '{"phone": "13912345678", "code": "\\u0000"}',
        ),
        (
            "post",
            "/worker/token",
            "application/json",
            '{"phone": "13912345678", "code": "１２３４５６"}',
        ),
    ],
)
def test_garbage_gets_the_one_error_shape_and_never_a_500(
    client, world, method, path, content_type, data
):
    _c, token = new_client(region="11")
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if content_type is not None:
        kwargs["content_type"] = content_type
    if data is not None:
        kwargs["data"] = data
    response = getattr(client, method)(f"/api/v1{path}", **kwargs)
    assert_shape(response)
    if method == "options":
        return
    assert response.status_code < 500


def test_a_transition_with_garbage_fields_is_refused_in_shape(client, world):
    _c, token = new_client(region="11")
    case = make_case(world.beijing.station)
    for body in [
        {"transition": "withdraw", "expected_state": "received", "fields": {"reason": ["x"]}},
        {"transition": "withdraw", "expected_state": "received", "fields": {"reason": "\x00"}},
        {"transition": "withdraw", "expected_state": "received", "fields": {"\x00": "x"}},
        {"transition": "withdraw", "expected_state": "received", "fields": []},
        {"transition": "__class__", "expected_state": "received"},
        {"transition": "timeout", "expected_state": "received"},
        {"transition": "withdraw", "expected_state": "\x00"},
        {"transition": "withdraw", "expected_state": "x" * 10000},
        {"transition": "withdraw"},
    ]:
        response = call(client, "post", f"/cases/{case.number}/transitions", token, body)
        assert_shape(response)
        assert response.status_code in (400, 409, 422), (body, response.content)
    case.refresh_from_db()
    assert case.state == "received"


# ---------------------------------------------------------------------------
# 8. Personal data and the audit


def test_personal_data_is_masked_in_the_detail_and_absent_from_the_list(client, world):
    _c, token = new_client(region="11")
    case = make_case(
        world.beijing.station,
        worker={"phone": PHONE, "id_number": "110105199001011237", "name": "王小明"},
    )
    listing = call(client, "get", "/cases/", token).content.decode()
    for secret in ["13912345678", "110105199001011237", "王小明", "5678"[:0] or "1237"]:
        assert secret not in listing
    detail = call(client, "get", f"/cases/{case.number}", token)
    worker = detail.json()["worker"]
    assert "13912345678" not in detail.content.decode()
    assert "110105199001011237" not in detail.content.decode()
    assert "*" in worker["phone"] and "*" in worker["id_number"]
    assert worker["phone"].startswith("139") and "1234" not in worker["phone"]


def test_every_call_is_audited_including_refusals(client, world):
    api_client, token = new_client(region="11", scopes=["cases:read"])
    theirs = make_case(world.kunming.station)
    call(client, "get", f"/cases/{theirs.number}", token)  # 404, another region
    call(client, "get", "/webhooks/", token)  # 403, no scope
    call(client, "post", "/intake/", token, {"x": 1})  # 403 before validation
    call(client, "get", "/cases/?limit=0", token)  # 422
    call(client, "get", "/cases/", "yz_nobody_x")  # 401, no client to name
    rows = list(ApiCall.objects.filter(client=api_client).order_by("pk"))
    assert [r.status for r in rows] == [404, 403, 403, 422]
    assert rows[0].case_number == theirs.number
    # A revoked client's attempts are on its record too.
    tokens.revoke(api_client)
    call(client, "get", "/cases/", token)
    last = ApiCall.objects.order_by("-pk").first()
    assert (last.client, last.status) == (api_client, 401)


# ---------------------------------------------------------------------------
# Bursts (real threads; on PostgreSQL in .ci/run)


def burst(fn, n):
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait(timeout=30)
            return fn(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_a_parallel_burst_of_mixed_clients_never_leaks_a_case_across_regions():
    skip_if_threads_cannot_race()
    make_consent()
    world = make_world()
    north = {make_case(world.beijing.station).number for _ in range(3)}
    south = {make_case(world.kunming.station).number for _ in range(3)}
    _a, token_11 = tokens.create_client("北", region_prefix="11", scopes=ALL)
    _b, token_53 = tokens.create_client("南", region_prefix="53", scopes=ALL)
    _c, analyst = tokens.create_client(
        "研", region_prefix="11", scopes=ALL, kind=ApiClient.Kind.ANALYST
    )
    plan = []
    for token, own, other in [
        (token_11, north, south),
        (token_53, south, north),
        (analyst, set(), north | south),
    ]:
        plan.append((token, "/cases/", own, other))
        for number in sorted(north | south):
            plan.append((token, f"/cases/{number}", own, other))
    plan = plan * 2

    def send(i):
        token, path, own, other = plan[i]
        response = Client().get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {token}")
        text = response.content.decode()
        leaked = [n for n in other if n in text]
        return path, response.status_code, leaked, own

    results = burst(send, len(plan))
    print(f"\n{len(plan)} parallel reads by three clients")
    for path, status, leaked, own in results:
        assert not leaked, (path, leaked)
        if path.startswith("/cases/") and path != "/cases/":
            number = path.rsplit("/", 1)[1]
            assert status == (200 if number in own else 404), (path, status)


@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_code_requests_through_the_api_send_exactly_one_code():
    skip_if_threads_cannot_race()
    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})
    DELIVERED.clear()

    def send(i):
        response = Client(REMOTE_ADDR=f"192.0.2.{i + 1}").post(
            "/api/v1/worker/code",
            data=json.dumps({"phone": PHONE[3:]}),
            content_type="application/json",
        )
        return response.status_code

    statuses = burst(send, 20)
    print(f"\n20 parallel code requests through the API: {sorted(statuses)}")
    assert StatusChallenge.objects.count() == 1
    assert SmsMessage.objects.filter(template="status_code").count() == 1
    assert sorted(statuses) == [200] + [429] * 19


@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_wrong_sms_codes_through_the_api_are_counted_then_locked():
    from cases.models import StatusLookup
    from cases.status import lookup

    skip_if_threads_cannot_race()
    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})
    DELIVERED.clear()
    lookup.request_code(PHONE, "192.0.2.200")
    right = re.search(r"\d{6}", delivered_sms(PHONE, "status_code")).group()
    wrong = [f"{(int(right) + 1 + i) % 10**6:06d}" for i in range(20)]

    def send(i):
        response = Client(REMOTE_ADDR=f"192.0.2.{i + 1}").post(
            "/api/v1/worker/token",
            data=json.dumps({"phone": PHONE[3:], "code": wrong[i]}),
            content_type="application/json",
        )
        return response.status_code

    statuses = burst(send, 20)
    counted = StatusLookup.objects.filter(outcome=StatusLookup.Outcome.CODE_WRONG).count()
    print(f"\n20 parallel wrong codes through the API: {counted} counted, {sorted(statuses)}")
    assert 200 not in statuses
    assert counted == lookup.MAX_ATTEMPTS
    assert statuses.count(422) == lookup.MAX_ATTEMPTS
    assert statuses.count(429) == 20 - lookup.MAX_ATTEMPTS
    # And the right code is refused now too: the phone is locked.
    response = Client().post(
        "/api/v1/worker/token",
        data=json.dumps({"phone": PHONE[3:], "code": right}),
        content_type="application/json",
    )
    assert response.status_code == 429


@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_one_idempotency_key_sent_in_parallel_by_two_clients_opens_one_case_each():
    skip_if_threads_cannot_race()
    make_consent()
    world = make_world()
    tokens_ = [
        tokens.create_client(f"热线{i}", region_prefix="11", scopes=["intake"])[1] for i in range(2)
    ]
    body = json.dumps(intake_body(world.beijing.station))

    def send(i):
        response = Client().post(
            "/api/v1/intake/",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens_[i % 2]}",
            HTTP_IDEMPOTENCY_KEY="same-key",
        )
        return i % 2, response.status_code, response.json().get("number")

    results = burst(send, 8)
    print(f"\n8 parallel intakes, one key, two clients: {sorted(results)}")
    assert Case.objects.count() == 2
    for who in (0, 1):
        mine = [(status, number) for w, status, number in results if w == who]
        assert sorted(s for s, _n in mine) == [200, 200, 200, 201]
        assert len({n for _s, n in mine}) == 1
    assert len({n for _w, _s, n in results}) == 2


def test_a_refusal_before_any_view_is_in_the_requests_language(client, world):
    english = client.get("/api/v1/cases/?x=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert_shape(english, 400)
    assert english.json()["error"]["message"].startswith("The request cannot be processed")
    chinese = client.get("/api/v1/cases/?x=%00", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json()["error"]["message"].startswith("请求无法处理")
