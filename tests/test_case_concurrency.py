"""Races: two people acting on one case, many volunteers registering at once.

Real threads, each with its own database connection, in transactional tests. On
PostgreSQL (.ci/run) the row locks decide; on a file SQLite database IMMEDIATE
transactions serialise the writers. An in-memory SQLite test database is shared between
threads through SQLite's shared cache, whose table locks fail at once instead of
waiting ("database table is locked"), so the racing part is skipped there only.
Run locally on SQLite with SQLITE_TEST_NAME=/tmp/yizhan-race.sqlite3.
"""

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from cases.intake import create_case
from cases.models import Case, CaseEvent
from cases.workflow import CaseChanged, apply_transition
from tests.helpers import make_case, make_consent, make_world

CSRF = "k" * 32  # an unmasked CSRF secret, sent as cookie and as form field

pytestmark = [pytest.mark.db_sensitive, pytest.mark.django_db(transaction=True)]


def skip_if_threads_cannot_race():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "in-memory SQLite shares one cache between threads and fails on lock "
            "instead of waiting; set SQLITE_TEST_NAME or use PostgreSQL"
        )


def in_thread(fn):
    """Run fn on a fresh connection of this thread and always close it."""

    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return run


def test_two_coordinators_racing_on_one_case_give_exactly_one_success(world):
    skip_if_threads_cannot_race()
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, claims=["wage"])
    barrier = threading.Barrier(2)

    @in_thread
    def act(name, kwargs):
        mine = Case.objects.get(pk=case.pk)
        barrier.wait(timeout=10)
        try:
            apply_transition(mine, name, bj.coordinator, expected_state="received", **kwargs)
            return "ok"
        except CaseChanged as exc:
            return str(exc)

    attempts = [
        ("accept_for_aid", {"eligibility": Case.Eligibility.EXEMPT_42_3}),
        ("refer", {"to": "区劳动保障监察大队", "reason": "属监察受理范围"}),
    ]
    for trial in range(3):
        case = make_case(bj.station, bj.volunteer, claims=["wage"])
        barrier.reset()
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda a: act(*a), attempts))
        assert sorted(results) == ["ok", "该案件刚被他人更新，请刷新后重试"], (trial, results)
        case.refresh_from_db()
        assert case.state in (Case.State.ACCEPTED, Case.State.REFERRED)
        assert CaseEvent.objects.filter(case=case, kind="transition").count() == 1


def test_the_same_transition_raced_twice_succeeds_once(world):
    skip_if_threads_cannot_race()
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, claims=["wage"])
    barrier = threading.Barrier(2)

    @in_thread
    def accept(user):
        mine = Case.objects.get(pk=case.pk)
        barrier.wait(timeout=10)
        try:
            apply_transition(
                mine, "accept_for_aid", user, expected_state="received", eligibility="exempt_42_3"
            )
            return "ok"
        except CaseChanged:
            return "changed"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(accept, [bj.coordinator, world.admin]))
    assert sorted(results) == ["changed", "ok"]
    assert CaseEvent.objects.filter(case=case, transition="accept_for_aid").count() == 1


def test_fifty_concurrent_intakes_in_one_district_get_fifty_distinct_numbers(world):
    skip_if_threads_cannot_race()
    bj = world.beijing
    consent = make_consent()
    barrier = threading.Barrier(10)

    @in_thread
    def register(i):
        if i < 10:
            barrier.wait(timeout=10)  # the first ten start together: the sequence row is new
        case, _code = create_case(
            station=bj.station,
            user=bj.volunteer,
            worker={"name": f"骑手{i}", "phone": f"+86137{i:08d}"},
            case={"claims": ["wage"], "facts": "站点拖欠工资。"},
            consent=consent,
        )
        return case.number

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(register, range(50)))
    assert len(set(numbers)) == 50
    assert all(n.startswith("110105-") for n in numbers)
    assert Case.objects.filter(station=bj.station).count() == 50
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequence == list(range(1, 51))  # no gaps either, when nothing rolled back


def test_stale_posts_of_one_transition_to_a_threaded_server_give_one_success_and_409s(
    live_server,
):
    """Sixteen coordinators' pages, all loaded while the case was received, post the same
    transition at once to a threaded server (Django's live server, like gunicorn with
    threads): one wins, the rest are told the case changed (409), none gets a 500."""
    skip_if_threads_cannot_race()
    world = make_world()
    bj = world.beijing
    session = Client()
    session.force_login(bj.coordinator)
    cookie = f"sessionid={session.cookies['sessionid'].value}; csrftoken={CSRF}"
    address = urlsplit(live_server.url)
    rounds, threads = 5, 16
    statuses = []
    for _round in range(rounds):
        case = make_case(bj.station, bj.volunteer, claims=["wage"])
        body = urlencode(
            {
                "csrfmiddlewaretoken": CSRF,
                "accept_for_aid-expected_state": "received",
                "accept_for_aid-eligibility": Case.Eligibility.EXEMPT_42_3,
            }
        )
        path = reverse("cases:transition", args=[case.number, "accept_for_aid"])
        barrier = threading.Barrier(threads)

        def post(_i, path=path, body=body, barrier=barrier):
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
            try:
                headers = {
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                }
                barrier.wait(timeout=30)
                connection.request("POST", path, body, headers)
                return connection.getresponse().status
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=threads) as pool:
            answers = list(pool.map(post, range(threads)))
        statuses += answers
        assert sorted(answers) == [302] + [409] * (threads - 1), answers
        case.refresh_from_db()
        assert case.state == Case.State.ACCEPTED
        assert CaseEvent.objects.filter(case=case, kind="transition").count() == 1
    print(
        f"\n{rounds * threads} stale posts: "
        + ", ".join(f"{statuses.count(code)} × {code}" for code in sorted(set(statuses)))
    )
