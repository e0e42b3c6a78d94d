"""The lawyer's queue page at 200 open cases, next to a bare Django view that runs one
indexed query, in the same run on PostgreSQL (issue 4 goal: ratio <= 3). Prints both.

    .venv/bin/python bench/queue_page.py [--cases 200] [--runs 100] [--profile]

DATABASE_URL names the server and scratch database (default
postgres://postgres@127.0.0.1:5432/yizhan_bench_queue); the database is created from the
current models and dropped afterwards.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yizhan_bench_queue"


def bare(request):
    """One indexed query (cases_case (lawyer_id, state)) and a tiny response."""
    from django.http import HttpResponse

    from cases.models import Case

    numbers = list(
        Case.objects.filter(lawyer=request.user.lawyer, state="in_progress").values_list(
            "number", flat=True
        )[:30]
    )
    return HttpResponse(" ".join(numbers))


def urlpatterns_for_bench():
    from django.urls import include, path

    return [path("bench/bare/", bare), path("", include("config.urls"))]


def timed(client, url, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples)


def timed_pair(client, url, other, runs):
    samples, other_samples = [], []
    for _ in range(runs):
        for target, into in ((url, samples), (other, other_samples)):
            start = time.perf_counter()
            response = client.get(target)
            into.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
    return statistics.median(samples), statistics.median(other_samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of the queue page"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    server, name = url.rsplit("/", 1)
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["Q_SYNC"] = "0"  # notices queue in the ORM broker; nothing runs them
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args):
    import django
    from django.apps import apps
    from django.conf import settings

    django.setup()
    # Tables straight from the current models (as the tests do), not the migration history.
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)

    import types

    urls = types.ModuleType("bench_queue_urls")
    urls.urlpatterns = urlpatterns_for_bench()
    sys.modules["bench_queue_urls"] = urls
    settings.ROOT_URLCONF = "bench_queue_urls"

    from django.test import Client
    from django.utils import timezone

    from cases.models import Case, Deadline
    from tests.helpers import PASSWORD, make_case, make_lawyer, make_world

    world = make_world()
    lawyer = make_lawyer(capacity=args.cases + 10)
    station = world.beijing.station
    today = timezone.localdate()
    start = time.perf_counter()
    for i in range(args.cases):
        state = Case.State.ASSIGNED if i % 10 == 0 else Case.State.IN_PROGRESS
        case = make_case(station, world.beijing.volunteer, state=state, lawyer=lawyer)
        if i % 2:
            Deadline.objects.create(
                case=case,
                rule=f"bench.{i}",
                trigger_date=today,
                due_date=today + datetime.timedelta(days=i % 40 - 5),
                binds=Deadline.Binds.WORKER,
                citation="bench",
            )
    print(
        f"data: {args.cases} open cases for one lawyer ({time.perf_counter() - start:.1f} s to build)"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    assert client.login(username=lawyer.user.username, password=PASSWORD)
    for url in ("/cases/queue/", "/bench/bare/"):
        timed(client, url, 5)  # warm up
    # Interleaved, one request of each in turn: on a shared machine the load changes
    # from second to second, and both figures should see the same load.
    queue, bare_view = timed_pair(client, "/cases/queue/", "/bench/bare/", args.runs)
    print(f"queue page, {args.cases} open cases: {queue * 1000:.1f} ms (median of {args.runs})")
    print(f"bare view, one indexed query:      {bare_view * 1000:.1f} ms (median of {args.runs})")
    ratio = queue / bare_view
    print(f"ratio: {ratio:.2f} (goal <= 3) {'OK' if ratio <= 3 else 'OVER'}")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/cases/queue/")
    print(f"queries per queue page: {len(queries)}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            client.get("/cases/queue/")
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
