"""Intake's Idempotency-Key under a burst: the same request sent by several threads
at once (a hotline system retrying on a timeout) creates exactly one case. The
unique constraint on (client, key) decides; the losers answer with the winner's
case. On PostgreSQL (.ci/run) the second insert waits for the first to commit."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from api import tokens
from cases.models import Case
from tests.helpers import make_consent, make_world
from tests.test_case_concurrency import skip_if_threads_cannot_race

pytestmark = [pytest.mark.db_sensitive, pytest.mark.django_db(transaction=True)]

BURST = 8


def test_parallel_retries_with_one_idempotency_key_create_one_case():
    skip_if_threads_cannot_race()
    make_consent()
    world = make_world()
    _client, token = tokens.create_client("热线", region_prefix="1101", scopes=["intake"])
    body = json.dumps(
        {
            "station": world.beijing.station.code,
            "worker": {"name": "李四", "phone": "13912345678", "platform": "meituan"},
            "claims": ["wage"],
            "facts": "站点拖欠两个月工资。",
            "consent": True,
        }
    )
    barrier = threading.Barrier(BURST)

    def send(_i):
        try:
            barrier.wait(timeout=30)
            response = Client().post(
                "/api/v1/intake/",
                data=body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY="call-2026-12-01-0001",
            )
            return response.status_code, response.json().get("number")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        results = list(pool.map(send, range(BURST)))
    print(f"\n{BURST} parallel retries: {results}")
    assert Case.objects.count() == 1
    number = Case.objects.get().number
    assert sorted(code for code, _n in results) == [200] * (BURST - 1) + [201]
    assert {n for _c, n in results} == {number}
