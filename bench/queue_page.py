"""The lawyer's queue page at 200 open cases, next to a bare Django view that runs one
indexed query, in the same run on PostgreSQL (goal: ratio <= 3). Prints both.

    .venv/bin/python bench/queue_page.py [--cases 200] [--runs 100] [--profile]

A scratch PostgreSQL database is created from the current models and dropped afterwards
(bench/_django.py; BENCH_POSTGRES names the server).
"""

import argparse
import datetime
import time

from _django import mount, print_profile, scratch_django, timed_pair


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of the queue page"
    )
    args = parser.parse_args()
    # Notices queue in the ORM broker; nothing runs them.
    with scratch_django(postgres=True, from_models=True):
        run(args)


def run(args):
    mount("bench_queue_urls", bare)
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
        print_profile(client, "/cases/queue/", args.runs)


if __name__ == "__main__":
    main()
