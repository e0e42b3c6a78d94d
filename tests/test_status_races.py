"""The status page's limits under a burst: real threads, each on its own database
connection, released together by a barrier. On PostgreSQL (.ci/run) the row locks on
StatusAddress and StatusPhone decide; on a file SQLite database IMMEDIATE transactions
serialise the writers. Skipped on in-memory SQLite (see tests/test_case_concurrency.py);
run locally with SQLITE_TEST_NAME=/tmp/yizhan-race.sqlite3.

Before the limits were taken under a lock, 20 requests at once for one number issued
up to 11 codes on SQLite and 2–8 on PostgreSQL, and an address limit of 30 let 33 by.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from cases.models import SmsMessage, StatusChallenge, StatusLookup, StatusPhone
from cases.status import lookup
from tests.helpers import DELIVERED, make_case, make_case_with_code, make_world
from tests.test_case_concurrency import skip_if_threads_cannot_race

pytestmark = [pytest.mark.db_sensitive, pytest.mark.django_db(transaction=True)]

PHONE = "+8613912345678"
BURST = 20


def burst(fn, n=BURST):
    """Run fn(i) for i in range(n) in n threads released together; return the results
    ("ok" or the refusal's message)."""
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait(timeout=30)
            fn(i)
            return "ok"
        except lookup.Refused as refusal:
            return refusal.message
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_twenty_requests_at_once_for_one_number_send_exactly_one_code():
    skip_if_threads_cannot_race()
    world = make_world()
    make_case(world.beijing.station, worker={"phone": PHONE})

    # Each from its own address, so only the number's limits apply.
    results = burst(lambda i: lookup.request_code(PHONE, f"192.0.2.{i + 1}"))
    codes = StatusChallenge.objects.count()
    sent = SmsMessage.objects.filter(template="status_code").count()
    delivered = sum(1 for _to, name, _body in DELIVERED if name == "status_code")
    print(f"\n{BURST} requests for one number: {codes} codes issued, {sent} SMS sent")
    assert (codes, sent, delivered) == (1, 1, 1)
    assert results.count("ok") == 1
    assert all("验证码刚刚发过" in r for r in results if r != "ok")
    counted = StatusLookup.objects.filter(outcome=StatusLookup.Outcome.CODE_SENT).count()
    assert counted == 1 and StatusLookup.objects.count() == BURST  # refusals logged too


def test_the_address_limit_is_exact_under_a_burst(settings):
    skip_if_threads_cannot_race()
    settings.STATUS_IP_LIMIT = 5
    make_world()

    results = burst(lambda i: lookup.request_code(f"+86139000001{i:02d}", "198.51.100.7"))
    passed = results.count("ok")
    print(f"\n{BURST} requests from one address, limit 5: {passed} let through")
    assert passed == 5
    assert StatusChallenge.objects.count() == 5
    assert all("这个网络的查询次数太多" in r for r in results if r != "ok")


def test_wrong_receipt_codes_at_once_are_each_counted_and_then_locked():
    skip_if_threads_cannot_race()
    world = make_world()
    _case, code = make_case_with_code(world.beijing.station, worker={"phone": PHONE})
    wrong = [f"{(int(code) + 1 + i) % 10**8:08d}" for i in range(BURST)]

    results = burst(lambda i: lookup.verify(PHONE, wrong[i], f"192.0.2.{i + 1}"))
    counted = StatusLookup.objects.filter(outcome=StatusLookup.Outcome.RECEIPT_WRONG).count()
    print(f"\n{BURST} wrong receipt codes at once: {counted} counted before the lock")
    assert counted == lookup.RECEIPT_MAX_ATTEMPTS
    assert StatusLookup.objects.filter(outcome=StatusLookup.Outcome.LOCKED).count() == (
        BURST - lookup.RECEIPT_MAX_ATTEMPTS
    )
    assert StatusPhone.objects.get().receipt_locked_until is not None
    assert "ok" not in results
