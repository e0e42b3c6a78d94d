"""The worker's status through the API (a mini-program): phone + code → a worker token
→ only that worker's cases, with the /status/ page's wording and limits."""

import re

import pytest
import time_machine
from django.utils import timezone

from cases.status import lookup, session
from tests.helpers import delivered_sms, make_case, make_case_with_code, make_world

pytestmark = pytest.mark.django_db

PHONE = "+8613912345678"
OTHER = "+8613700001111"


def sms_code(phone):
    return re.search(r"\d{6}", delivered_sms(phone, "status_code")).group()


def token_for(worker_post, phone=PHONE):
    assert worker_post("/code", {"phone": phone[3:]}).status_code == 200
    response = worker_post("/token", {"phone": phone[3:], "code": sms_code(phone)})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_code_then_a_token_shows_the_workers_cases_in_the_status_pages_words(client, worker_post):
    world = make_world()
    case = make_case(world.beijing.station, worker={"phone": PHONE})
    response = worker_post("/code", {"phone": "139 1234 5678"})
    assert response.json()["message"].startswith("如果该号码登记过求助，验证码已发送")
    response = worker_post("/token", {"phone": PHONE, "code": sms_code(PHONE)})
    token = response.json()["token"]
    data = client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=token).json()
    assert [c["number"] for c in data["items"]] == [case.number]
    assert data["items"][0]["next_step"].startswith("工会会尽快审核您的求助")
    assert data["minutes_left"] == 15
    one = client.get(f"/api/v1/worker/cases/{case.number}", HTTP_X_WORKER_TOKEN=token)
    assert one.status_code == 200


def test_a_worker_token_cannot_read_another_workers_case(client, worker_post):
    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})
    theirs = make_case(world.beijing.station, worker={"phone": OTHER, "name": "赵六"})
    token = token_for(worker_post)
    response = client.get(f"/api/v1/worker/cases/{theirs.number}", HTTP_X_WORKER_TOKEN=token)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    listed = client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=token).json()["items"]
    assert theirs.number not in [c["number"] for c in listed]


def test_the_receipt_code_opens_only_its_workers_cases(client, worker_post):
    world = make_world()
    mine, code = make_case_with_code(world.beijing.station, worker={"phone": PHONE})
    # Someone else registered with the same phone (a relative's number).
    other = make_case(world.beijing.station, worker={"phone": PHONE, "name": "王大"})
    response = worker_post("/token", {"phone": PHONE, "code": code})
    token = response.json()["token"]
    listed = client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=token).json()["items"]
    assert [c["number"] for c in listed] == [mine.number]
    assert (
        client.get(f"/api/v1/worker/cases/{other.number}", HTTP_X_WORKER_TOKEN=token).status_code
        == 404
    )


def test_wrong_codes_get_the_status_pages_words_and_its_lock(client, worker_post):
    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})
    worker_post("/code", {"phone": PHONE})
    answers = [worker_post("/token", {"phone": PHONE, "code": "000000"}) for _ in range(5)]
    assert answers[0].json()["error"]["message"] == "验证码或查询码不正确，还可以再试 4 次。"
    assert [a.status_code for a in answers] == [422] * 5
    assert "错误次数太多" in answers[-1].json()["error"]["message"]
    locked = worker_post("/token", {"phone": PHONE, "code": "000000"})
    assert locked.status_code == 429 and "错误次数太多" in locked.json()["error"]["message"]
    again = worker_post("/code", {"phone": PHONE})
    assert again.status_code == 429


def test_a_second_code_within_the_cooldown_is_refused_as_on_the_page(client, worker_post):
    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})
    worker_post("/code", {"phone": PHONE})
    response = worker_post("/code", {"phone": PHONE})
    assert response.status_code == 429
    assert "验证码刚刚发过" in response.json()["error"]["message"]


def test_the_worker_token_expires_after_the_status_sessions_fifteen_minutes(client, worker_post):
    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})
    token = token_for(worker_post)
    later = timezone.now() + session.SESSION_TTL + lookup.RESEND_COOLDOWN
    with time_machine.travel(later):
        response = client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    assert client.get("/api/v1/worker/cases").status_code == 401
    forged = client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=token[:-2] + "xx")
    assert forged.status_code == 401


def test_a_bad_phone_is_a_field_error(client, worker_post):
    response = worker_post("/code", {"phone": "12345"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["phone"]


def test_the_worker_status_operation_runs_one_query(client, worker_post, django_assert_num_queries):
    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})
    token = token_for(worker_post)
    with django_assert_num_queries(1):
        assert client.get("/api/v1/worker/cases", HTTP_X_WORKER_TOKEN=token).status_code == 200
