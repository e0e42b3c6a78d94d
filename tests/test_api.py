"""The API (/api/v1/): clients and tokens, the error shape in both languages, scope,
the audit, intake with Idempotency-Key, reading, listing and moving cases."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import SecurityEvent
from api import tokens
from api.models import ApiCall, ApiClient
from cases.models import Case, CaseEvent
from tests.helpers import api_call as call
from tests.helpers import api_intake_body as intake_body
from tests.helpers import make_case, make_consent, make_station, make_world

pytestmark = pytest.mark.django_db

ALL = ["intake", "cases:read", "cases:transition", "stats:read", "webhooks"]


def client_for(region="1101", scopes=ALL, name=None, **kwargs):
    name = name or f"热线{ApiClient.objects.count() + 1}"
    return tokens.create_client(name, region_prefix=region, scopes=scopes, **kwargs)


@pytest.fixture
def world():
    make_consent()
    return make_world()


def test_the_command_prints_the_token_alone_on_its_last_line(capsys):
    call_command(
        "create_api_client",
        "12351热线",
        "--region",
        "1101",
        "--scope",
        "intake",
        "--scope",
        "cases:read",
    )
    token = capsys.readouterr().out.strip().splitlines()[-1]
    client = tokens.client_for(token)
    assert client.name == "12351热线"
    assert client.scopes == ["cases:read", "intake"]
    assert token not in client.token_hash and len(client.token_hash) == 64


def test_a_request_without_a_token_is_401_in_the_error_shape(client, world):
    response = call(client, "get", "/cases/")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthorized" and "令牌" in error["message"]
    assert error["fields"] == {}


def test_a_revoked_token_is_401_and_says_so_in_english_when_asked(client, world):
    api_client, token = client_for()
    tokens.revoke(api_client)
    response = call(client, "get", "/cases/", token, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"
    assert response.json()["error"]["message"] == "The token has been revoked."


def test_an_expired_token_is_401(client, world):
    api_client, token = client_for()
    api_client.token_expires_at = timezone.now() - datetime.timedelta(seconds=1)
    api_client.save()
    response = call(client, "get", "/cases/", token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_a_rotated_token_replaces_the_old_one(client, world):
    api_client, old = client_for()
    new = tokens.rotate(api_client)
    assert call(client, "get", "/cases/", old).status_code == 401
    assert call(client, "get", "/cases/", new).status_code == 200


def operations(case, station):
    """Every operation a client's token opens: (method, path, body)."""
    return [
        ("post", "/intake/", intake_body(station)),
        ("get", "/cases/", None),
        ("get", f"/cases/{case.number}", None),
        (
            "post",
            f"/cases/{case.number}/transitions",
            {
                "transition": "withdraw",
                "expected_state": "received",
                "fields": {"worker_request": True, "reason": "来电要求撤回"},
            },
        ),
        ("get", "/statistics/overview?region=110105", None),
        ("post", "/webhooks/", {"url": "http://127.0.0.1:19099/x"}),
        ("get", "/webhooks/", None),
        ("delete", "/webhooks/1", None),
    ]


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown"])
def test_every_operation_refuses_a_revoked_expired_or_unknown_token_with_401(
    client, world, how, regions
):
    api_client, token = client_for()
    if how == "revoked":
        tokens.revoke(api_client)
    elif how == "expired":
        ApiClient.objects.filter(pk=api_client.pk).update(
            token_expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    else:
        token = token[:-4] + "abcd"
    case = make_case(world.beijing.station)
    for method, path, body in operations(case, world.beijing.station):
        response = call(client, method, path, token, body)
        assert response.status_code == 401, (method, path)
        assert response.json()["error"]["code"] == f"token_{how}"
    assert Case.objects.count() == 1 and case.state == "received"


def test_every_operation_with_a_client_of_another_region_is_404(client, world, regions):
    _c, token = client_for(region="530103")
    case = make_case(world.beijing.station)
    for method, path, body in operations(case, world.beijing.station):
        if path.startswith("/webhooks/"):
            continue  # a client's own subscriptions; deliveries are by region (test_api_webhooks)
        response = call(client, method, path, token, body)
        if path == "/cases/":
            assert response.json()["items"] == []  # the list simply holds none of them
            continue
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"
    assert Case.objects.count() == 1


def test_a_missing_scope_is_403(client, world):
    _c, token = client_for(scopes=["intake"])
    case = make_case(world.beijing.station)
    for method, path in [
        ("get", "/cases/"),
        ("get", f"/cases/{case.number}"),
        ("get", "/statistics/overview"),
        ("get", "/webhooks/"),
    ]:
        response = call(client, method, path, token)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "missing_scope"
    response = call(
        client,
        "post",
        f"/cases/{case.number}/transitions",
        token,
        {"transition": "withdraw", "expected_state": "received"},
    )
    assert response.status_code == 403
    _c, reader = client_for(scopes=["cases:read"])
    assert (
        call(client, "post", "/intake/", reader, intake_body(world.beijing.station)).status_code
        == 403
    )


def test_a_case_of_another_region_is_404_and_a_logged_denial(client, world):
    _c, token = client_for(region="1101")
    theirs = make_case(world.kunming.station)
    response = call(client, "get", f"/cases/{theirs.number}", token)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = call(
        client,
        "post",
        f"/cases/{theirs.number}/transitions",
        token,
        {"transition": "withdraw", "expected_state": "received", "fields": {}},
    )
    assert response.status_code == 404
    denial = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERMISSION_DENIED).first()
    assert denial.data["case"] == theirs.number and denial.data["via"] == "api"
    # Nor can it open a case at a station outside its region.
    response = call(client, "post", "/intake/", token, intake_body(world.kunming.station))
    assert response.status_code == 404
    assert "station" in response.json()["error"]["fields"]
    # And the list holds only its own region's cases.
    mine = make_case(world.beijing.station)
    numbers = [c["number"] for c in call(client, "get", "/cases/", token).json()["items"]]
    assert numbers == [mine.number]


def test_every_call_is_recorded_with_client_operation_and_case(client, world):
    api_client, token = client_for()
    case = make_case(world.beijing.station)
    call(client, "get", f"/cases/{case.number}", token)
    call(client, "get", "/cases/", token)
    rows = list(ApiCall.objects.order_by("pk"))
    assert [(r.client, r.case_number, r.status) for r in rows] == [
        (api_client, case.number, 200),
        (api_client, "", 200),
    ]
    assert rows[0].operation == "GET api/v1/cases/<number>"


def test_validation_errors_have_the_same_shape_in_both_languages(client, world):
    _c, token = client_for()
    response = call(client, "post", "/intake/", token, {"station": "x"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["worker"] == ["此项为必填。"]
    response = call(client, "post", "/intake/", token, {"station": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["fields"]["worker"] == ["This field is required."]


def test_intake_runs_the_forms_validation_with_its_messages(client, world):
    _c, token = client_for()
    body = intake_body(
        world.beijing.station,
        worker={"name": "李四", "phone": "12345678901", "platform": "meituan"},
        consent=False,
    )
    response = call(client, "post", "/intake/", token, body)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["worker.phone"] == ["请输入有效的手机号，例如 13800138000"]
    assert "须向劳动者宣读" in fields["consent"][0]


def test_intake_creates_a_case_with_an_access_code(client, world):
    api_client, token = client_for()
    response = call(client, "post", "/intake/", token, intake_body(world.beijing.station))
    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get(number=data["number"])
    assert data["state"] == "received" and len(data["access_code"]) == 8
    assert case.created_by == api_client.user
    assert case.events.get(kind=CaseEvent.Kind.CREATED).actor == api_client.user


def test_a_retried_intake_with_the_same_key_creates_one_case(client, world):
    _c, token = client_for()
    body = intake_body(world.beijing.station)
    first = call(client, "post", "/intake/", token, body, HTTP_IDEMPOTENCY_KEY="call-1")
    again = call(client, "post", "/intake/", token, body, HTTP_IDEMPOTENCY_KEY="call-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert again.json()["replayed"] is True and again.json()["access_code"] is None
    assert Case.objects.count() == 1
    other = dict(body, facts="另一件事。")
    reused = call(client, "post", "/intake/", token, other, HTTP_IDEMPOTENCY_KEY="call-1")
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_a_case_reads_with_timeline_deadlines_documents_and_masked_worker(client, world):
    _c, token = client_for()
    case = make_case(
        world.beijing.station,
        worker={"phone": "+8613800138000", "id_number": "110105199001011234"},
    )
    response = call(client, "get", f"/cases/{case.number}", token)
    assert response.status_code == 200
    data = response.json()
    assert data["worker"]["phone"] == "138****8000"
    assert "1990" not in data["worker"]["id_number"]
    assert data["timeline"][0]["kind"] == "created"
    assert isinstance(data["deadlines"], list) and isinstance(data["documents"], list)
    assert "withdraw" in data["transitions"]


def test_the_list_pages_with_a_cursor_and_filters(client, world):
    _c, token = client_for()
    cases = [make_case(world.beijing.station) for _ in range(5)]
    make_case(world.beijing.station, claims=["wage"])
    seen, cursor = [], None
    while True:
        path = "/cases/?limit=2" + (f"&cursor={cursor}" if cursor else "")
        data = call(client, "get", path, token).json()
        seen += [c["number"] for c in data["items"]]
        cursor = data["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 6 == len(set(seen))
    wage = call(client, "get", "/cases/?claim=wage", token).json()["items"]
    assert len(wage) == 1
    station = call(client, "get", f"/cases/?station={world.beijing.station.code}", token)
    assert len(station.json()["items"]) == 6
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    later = call(client, "get", "/cases/", token, data=None)
    assert later.status_code == 200
    assert (
        call(client, "get", f"/cases/?updated_since={future.replace('+', '%2B')}", token).json()[
            "items"
        ]
        == []
    )
    assert call(client, "get", "/cases/?state=withdrawn", token).json()["items"] == []
    bad = call(client, "get", "/cases/?cursor=garbage", token)
    assert bad.status_code == 422 and "cursor" in bad.json()["error"]["fields"]
    del cases


def test_a_transition_with_the_expected_state_runs_and_a_stale_one_is_409(client, world):
    api_client, token = client_for()
    case = make_case(world.beijing.station)
    body = {
        "transition": "withdraw",
        "expected_state": "accepted",
        "fields": {"worker_request": True, "reason": "劳动者来电要求撤回"},
    }
    stale = call(client, "post", f"/cases/{case.number}/transitions", token, body)
    assert stale.status_code == 409
    assert stale.json()["error"]["message"] == "该案件刚被他人更新，请刷新后重试"
    body["expected_state"] = "received"
    done = call(client, "post", f"/cases/{case.number}/transitions", token, body)
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "withdrawn"
    event = case.events.get(kind=CaseEvent.Kind.TRANSITION)
    assert event.actor == api_client.user and event.note == "劳动者来电要求撤回"


def test_a_transition_runs_the_pages_form_validation(client, world):
    _c, token = client_for()
    case = make_case(world.beijing.station)
    body = {"transition": "withdraw", "expected_state": "received", "fields": {}}
    response = call(client, "post", f"/cases/{case.number}/transitions", token, body)
    assert response.status_code == 422
    assert "worker_request" in response.json()["error"]["fields"]


def test_too_many_calls_get_429_with_retry_after(client, world):
    api_client, token = client_for()
    ApiClient.objects.filter(pk=api_client.pk).update(rate_per_minute=2)
    codes = [call(client, "get", "/cases/", token).status_code for _ in range(3)]
    assert codes[:2] == [200, 200]
    response = call(client, "get", "/cases/", token)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "rate_limited"


def test_answers_to_a_token_are_not_cached(client, world):
    _c, token = client_for()
    assert call(client, "get", "/cases/", token)["Cache-Control"] == "no-store"


def test_the_schema_and_the_docs_page_are_served(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/intake/" in schema["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/api/v1/intake/" in page.content and b"<script" not in page.content
    # Under the site's CSP as it is: no inline script, no CDN.
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_the_command_refuses_a_bad_region_and_sets_the_lifetime(capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_client", "坏", "--region", "9", "--scope", "intake")
    call_command("create_api_client", "短期", "--region", "53", "--scope", "intake", "--days", "30")
    client = ApiClient.objects.get(name="短期")
    assert (client.token_expires_at - client.created_at).days == 30


def test_old_rate_windows_keys_and_calls_are_purged(client, world):
    from api import housekeeping
    from api.models import IdempotencyKey, RateWindow

    api_client, token = client_for()
    call(
        client,
        "post",
        "/intake/",
        token,
        intake_body(world.beijing.station),
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert (
        RateWindow.objects.count(),
        IdempotencyKey.objects.count(),
        ApiCall.objects.count(),
    ) == (
        1,
        1,
        1,
    )
    assert housekeeping.purge() == {"rate_windows": 0, "idempotency_keys": 0, "calls": 0}
    later = timezone.now() + datetime.timedelta(days=400)
    assert housekeeping.purge(later) == {"rate_windows": 1, "idempotency_keys": 1, "calls": 1}


def test_a_transition_the_state_does_not_allow_is_refused_with_the_pages_words(client, world):
    _c, token = client_for()
    case = make_case(world.beijing.station)
    body = {"transition": "reopen", "expected_state": "received", "fields": {"reason": "再看看"}}
    response = call(client, "post", f"/cases/{case.number}/transitions", token, body)
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "refused",
        "message": "当前状态下不能执行此操作。",
        "fields": {},
    }
    unknown = dict(body, transition="assign")  # the router's, not a form's
    response = call(client, "post", f"/cases/{case.number}/transitions", token, unknown)
    assert response.status_code == 422 and "transition" in response.json()["error"]["fields"]


def test_bad_json_an_unknown_path_and_a_wrong_method_answer_in_the_error_shape(client, world):
    _c, token = client_for()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    bad = client.post("/api/v1/intake/", data="{", content_type="application/json", **auth)
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "bad_request")
    missing = client.get("/api/v1/no-such-thing", **auth)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    wrong = client.put("/api/v1/intake/", data="{}", content_type="application/json", **auth)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")
    assert "POST" in wrong["Allow"]


def test_the_schemas_intake_example_opens_a_case(client, world):
    _c, token = client_for(region="110105")
    make_station(code="BJ-110105-001", region_code="110105")
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["IntakeIn"]
    example = schema["examples"][0]
    response = call(client, "post", "/intake/", token, example)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.parties.get().name == "某某配送服务有限公司"
