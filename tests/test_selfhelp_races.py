"""Self-help under parallel requests: one form sent twice at once makes one case, and
a burst of requests from one phone stops at the daily cap. Real threads with their own
connections (see tests/test_case_concurrency.py); run on PostgreSQL by .ci/run."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from cases.models import Case, SelfHelpRequest
from cases.selfhelp import submission
from cases.status import lookup
from tests.helpers import make_consent, make_station
from tests.test_case_concurrency import in_thread, skip_if_threads_cannot_race

pytestmark = [pytest.mark.db_sensitive, pytest.mark.django_db(transaction=True)]

PHONE = "+8613912345678"
DATA = {
    "problem": "wage",
    "incident_date": None,
    "employer": "",
    "amount": None,
    "facts": "工资没发。",
    "name": "赵师傅",
}


def send(station, token, barrier):
    barrier.wait()
    try:
        done = submission.submit(
            station=station,
            phone=PHONE,
            token=token,
            data=DATA,
            photos=[],
            consent=make_consent(),
        )
    except submission.Refused:
        return "refused"
    return "first" if done.first else "again"


def test_one_form_sent_twice_at_once_makes_one_case():
    skip_if_threads_cannot_race()
    station = make_station()
    make_consent()
    token = SelfHelpRequest.objects.create(
        station=station, phone_hash=lookup.phone_hash(PHONE)
    ).token
    barrier = threading.Barrier(2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(in_thread(send), [station] * 2, [token] * 2, [barrier] * 2))
    assert sorted(results) == ["again", "first"]
    assert Case.objects.count() == 1


def test_a_burst_from_one_phone_stops_at_the_daily_cap():
    skip_if_threads_cannot_race()
    station = make_station()
    make_consent()
    n = submission.DAILY_CAP + 3
    tokens = [
        SelfHelpRequest.objects.create(station=station, phone_hash=lookup.phone_hash(PHONE)).token
        for _ in range(n)
    ]
    barrier = threading.Barrier(n)
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(in_thread(send), [station] * n, tokens, [barrier] * n))
    assert results.count("first") == submission.DAILY_CAP
    assert results.count("refused") == 3
    assert Case.objects.count() == submission.DAILY_CAP
