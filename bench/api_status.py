"""The API's worker status (GET /api/v1/worker/cases, what a mini-program calls) at
1,000,000 cases on PostgreSQL, next to a bare Django view doing one indexed query, in
the same run. Goal: ratio ≤ 1.5. The data and the bare view are bench/status_page.py's.

    .venv/bin/python bench/api_status.py                  # 1,000,000 cases
    .venv/bin/python bench/api_status.py --cases 100000   # while iterating
    .venv/bin/python bench/api_status.py --profile

Both go through the full middleware stack via Django's test Client; the figure is the
median server time of N requests after a warm-up. The worker token is step 3's signed
session (cases.status.session), so the operation reads no token row: one query.
"""

import status_page
from _django import mount, print_profile, scratch_django, timed_pair


def main():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=status_page.CASES)
    parser.add_argument("--requests", type=int, default=status_page.REQUESTS)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    status_page.CASES, status_page.WORKERS = args.cases, args.cases * 2 // 5
    with scratch_django(postgres=True, from_models=True, q_sync=True):
        measure(args.requests, args.profile)


def measure(requests: int, profile: bool):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from cases.models import Case, Worker
    from cases.status import lookup, session

    load = status_page.fill()
    print(f"cases: {status_page.CASES:,}  workers: {status_page.WORKERS:,}  load: {load:.1f} s")
    mount("bench_api_status_urls", status_page.bare_view)
    phone = f"+86139{status_page.WORKERS // 2:08d}"
    worker_ids = list(Worker.objects.filter(phone=phone).values_list("pk", flat=True))
    n_cases = Case.objects.filter(worker_id__in=worker_ids).count()
    verified = lookup.Verified(outcome="code_ok", worker_ids=worker_ids)
    token = session.session_cookie(verified, phone)

    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client(headers={"X-Worker-Token": token})
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/worker/cases")
        assert response.status_code == 200 and b"530103-2026-" in response.content
        print(f"API worker status: {n_cases} cases, {len(queries)} queries")
        bare, api = timed_pair(
            client, f"/bench/bare/?w={worker_ids[0]}", "/api/v1/worker/cases", requests, warmup=20
        )
        print(f"bare view, one indexed query: {bare * 1000:.2f} ms (median of {requests})")
        print(f"API worker status:            {api * 1000:.2f} ms (median of {requests})")
        print(f"ratio: {api / bare:.2f} (goal ≤ 1.5)")
        if profile:
            print_profile(client, "/api/v1/worker/cases", 100)


if __name__ == "__main__":
    main()
