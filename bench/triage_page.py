"""The coordinator's triage board (待审案件) with a full page of received cases, next to
a bare Django view that runs one indexed query, in the same run on PostgreSQL.
Prints both (and, with --profile, where the time goes).

    .venv/bin/python bench/triage_page.py [--cases 20] [--runs 50] [--profile]

A scratch PostgreSQL database is created from the current models and dropped afterwards
(bench/_django.py; BENCH_POSTGRES names the server).
"""

import argparse
import time

from _django import mount, print_profile, scratch_django, timed_pair


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
    with scratch_django(postgres=True, from_models=True):
        run(args)


def run(args):
    mount("bench_triage_urls", bare)
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
    page, bare_view = timed_pair(client, "/cases/triage/", "/bench/bare/", args.runs)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/triage/")
    rows = response.content.decode().count('class="card triage-card"')
    print(f"triage board, {rows} rows: {page * 1000:.1f} ms (median of {args.runs})")
    print(f"bare view, one indexed query: {bare_view * 1000:.1f} ms (median of {args.runs})")
    print(f"ratio: {page / bare_view:.2f}; queries per board: {len(queries)}")
    if args.profile:
        print_profile(client, "/cases/triage/", args.runs)


if __name__ == "__main__":
    main()
