"""The read replica (issue 18): statistics, exports and reports read a real PostgreSQL
streaming replica of the test database (scripts/replica.sh makes it with pg_basebackup;
.ci/run sets DATABASE_REPLICA_URL); what a user just wrote and every permission check
come from the primary; a replica that is behind (replay paused) or unreachable changes
nothing the user sees."""

import os
import time

import dj_database_url
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from config import replica
from stations.models import Membership
from tests.helpers import login, make_case, make_world

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_REPLICA_URL"),
        reason="needs DATABASE_REPLICA_URL: a streaming replica of the test PostgreSQL "
        "(scripts/replica.sh start; .ci/run provides one)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

STATS = "/stats/"


def primary_lsn() -> str:
    return replica.primary_lsn()


def replayed(conn) -> str:
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
        return cursor.fetchone()[0]


def wait_caught_up(conn, timeout=15):
    target = replica._lsn_value(primary_lsn())
    deadline = time.monotonic() + timeout
    while replica._lsn_value(replayed(conn)) < target:
        if time.monotonic() > deadline:
            raise AssertionError("the replica did not catch up")
        time.sleep(0.05)  # waiting for the replica's replay


def point_replica_at(host, port):
    conn = connections["replica"]
    conn.close()
    conn.settings_dict = {
        **connections["default"].settings_dict,
        "HOST": host,
        "PORT": port,
        "OPTIONS": {"connect_timeout": 2},
    }
    replica._down_until = 0.0
    return conn


@pytest.fixture
def replica_conn(regions):
    url = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    conn = point_replica_at(url["HOST"], url["PORT"])
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "DATABASE_REPLICA_URL names a server that is no replica"
    yield conn
    conn = point_replica_at(url["HOST"], url["PORT"])
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    conn.close()
    replica._down_until = 0.0


@pytest.fixture
def paused(replica_conn):
    """The replica stops replaying: it falls behind everything written from now on."""
    wait_caught_up(replica_conn)
    with replica_conn.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    return replica_conn


@pytest.fixture
def world(regions):
    return make_world()


def stats_queries(client, conn):
    with (
        CaptureQueriesContext(conn) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(STATS)
    return response, on_replica, on_primary


def test_the_statistics_figures_are_read_from_the_replica(client, world, replica_conn):
    make_case(world.beijing.station, world.beijing.volunteer)
    wait_caught_up(replica_conn)
    login(client, world.beijing.coordinator)
    response, on_replica, on_primary = stats_queries(client, replica_conn)
    assert response.status_code == 200
    figures = [q["sql"] for q in on_replica if "pg_last_wal_replay_lsn" not in q["sql"]]
    assert figures, "no statistics query reached the replica"
    # The permission checks (who the coordinator is, where) read the primary.
    assert any("stations_membership" in q["sql"] for q in on_primary)
    assert not any("stations_membership" in q["sql"] for q in on_replica)


def test_a_user_who_just_wrote_reads_the_primary_while_the_replica_is_behind(client, world, paused):
    coordinator = world.beijing.coordinator
    login(client, coordinator)
    # The user writes (their language choice, saved on the account) through a request:
    # the session now holds the primary's position, which the paused replica lacks.
    assert client.post("/i18n/setlang/", {"language": "en", "next": STATS}).status_code == 302
    assert replica.SESSION_KEY in client.session
    new = make_case(world.beijing.station, world.beijing.volunteer)
    assert not Case.objects.using("replica").filter(pk=new.pk).exists()  # really behind
    assert replica.read_alias(client_request(client)) == "default"
    response, on_replica, _ = stats_queries(client, paused)
    assert response.status_code == 200
    assert all("pg_last_wal_replay_lsn" in q["sql"] for q in on_replica)


def test_a_reader_without_recent_writes_uses_the_replica_though_it_is_behind(
    client, world, replica_conn
):
    login(client, world.beijing.coordinator)
    wait_caught_up(replica_conn)  # the login's write has reached the replica
    with replica_conn.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    new = make_case(world.beijing.station, world.beijing.volunteer)  # another user's write
    assert not Case.objects.using("replica").filter(pk=new.pk).exists()
    response, on_replica, _ = stats_queries(client, replica_conn)
    assert response.status_code == 200
    assert [q for q in on_replica if "pg_last_wal_replay_lsn" not in q["sql"]]


def test_a_permission_removed_on_the_primary_counts_at_once_though_the_replica_lags(
    client, world, paused
):
    coordinator = world.beijing.coordinator
    login(client, coordinator)
    Membership.objects.filter(user=coordinator).delete()
    assert Membership.objects.using("replica").filter(user=coordinator).exists()
    assert client.get(STATS).status_code in (403, 404)


def test_an_unreachable_replica_falls_back_to_the_primary_and_the_page_is_normal(
    client, world, replica_conn
):
    make_case(world.beijing.station, world.beijing.volunteer)
    login(client, world.beijing.coordinator)
    normal = client.get(STATS)
    point_replica_at("127.0.0.1", 18098)  # nothing listens there
    started = time.monotonic()
    response = client.get(STATS)
    assert response.status_code == 200
    assert strip_tokens(response.content) == strip_tokens(normal.content)
    again = client.get(STATS)  # not tried again for REPLICA_RETRY_SECONDS
    assert again.status_code == 200
    assert time.monotonic() - started < 10


def client_request(client):
    """A stand-in request carrying the client's session, for read_alias()."""
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)

    class Request:
        session = engine.SessionStore(client.cookies["sessionid"].value)

    return Request()


def strip_tokens(content: bytes) -> bytes:
    import re

    return re.sub(rb'(value="|nonce="|X-CSRFToken": ")[^"]+', b"", content)
