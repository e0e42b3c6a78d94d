"""The coordinator's triage board (待审案件) with a full page of received cases, next to
a bare Django view that runs one indexed query, in the same run on PostgreSQL.
Prints both (and, with --profile, where the time goes).

    .venv/bin/python bench/triage_page.py [--cases 20] [--runs 50] [--profile]

DATABASE_URL names the server and scratch database (default
postgres://postgres@127.0.0.1:5432/yizhan_bench_triage); the database is created from
the current models and dropped afterwards.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queue_page import timed, timed_pair  # noqa: E402 — same timing for every page bench

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yizhan_bench_triage"


def bare(request):
    """One indexed query (cases_case (state)) and a tiny response."""
    from django.http import HttpResponse

    from cases.models import Case

    numbers = list(Case.objects.filter(state="received").values_list("number", flat=True)[:20])
    return HttpResponse(" ".join(numbers))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
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
    os.environ["Q_SYNC"] = "0"
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args):
    import types

    import django
    from django.apps import apps
    from django.conf import settings

    django.setup()
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from django.urls import include, path

    urls = types.ModuleType("bench_triage_urls")
    urls.urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
    sys.modules["bench_triage_urls"] = urls
    settings.ROOT_URLCONF = "bench_triage_urls"

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.helpers import PASSWORD, make_case, make_world

    world = make_world()
    bj = world.beijing
    claims = [["wage"], ["injury"], ["tort"], ["consult"], ["labor", "wage"]]
    start = time.perf_counter()
    for i in range(args.cases):
        make_case(
            bj.station,
            bj.volunteer,
            claims=claims[i % len(claims)],
            parties=[{"kind": "employer", "name": f"某某物流{i}有限公司"}],
        )
    print(f"data: {args.cases} received cases ({time.perf_counter() - start:.1f} s to build)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    assert client.login(username=bj.coordinator.username, password=PASSWORD)
    for url in ("/cases/triage/", "/bench/bare/"):
        timed(client, url, 5)  # warm up
    page, bare_view = timed_pair(client, "/cases/triage/", "/bench/bare/", args.runs)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/triage/")
    rows = response.content.decode().count('class="card triage-card"')
    print(f"triage board, {rows} rows: {page * 1000:.1f} ms (median of {args.runs})")
    print(f"bare view, one indexed query: {bare_view * 1000:.1f} ms (median of {args.runs})")
    print(f"ratio: {page / bare_view:.2f}; queries per board: {len(queries)}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            client.get("/cases/triage/")
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(20)
        if os.environ.get("BENCH_PROFILE_OUT"):
            stats.dump_stats(os.environ["BENCH_PROFILE_OUT"])


if __name__ == "__main__":
    main()
