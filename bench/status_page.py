"""The worker's status page (step 3) at 1,000,000 cases on PostgreSQL, next to a bare
Django view doing one indexed query, in the same run. Goal: ratio ≤ 1.5.

    .venv/bin/python bench/status_page.py                  # 1,000,000 cases
    .venv/bin/python bench/status_page.py --cases 100000   # while iterating
    .venv/bin/python bench/status_page.py --profile        # and a cProfile of step 3

A scratch PostgreSQL database (bench/_django.py) is created from the current models,
filled with COPY and dropped at the end. Both pages
go through the full middleware stack via Django's test Client; the figure is the
median server time of N requests after a warm-up.
"""

import datetime
import os
import time

from _django import copy_rows, mount, print_profile, scratch_django, timed_pair

CASES = int(os.environ.get("BENCH_CASES", 1_000_000))
WORKERS = CASES * 2 // 5  # 2.5 cases per phone on average (set again from --cases)
STATIONS = 200
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 1000))
PROFILE = False


def fill():
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from cases.models import ConsentText
    from lawyers.models import Lawyer
    from stations.models import Station, Union

    user = get_user_model().objects.create_user("bench", password="x")
    union = Union.objects.create(name="盘龙区总工会", region_code="530103")
    stations = Station.objects.bulk_create(
        Station(
            code=f"B{i:05d}",
            name=f"驿站{i}",
            region_code="530103",
            union=union,
            phone="0871-6000000",
        )
        for i in range(STATIONS)
    )
    lawyer = Lawyer.objects.create(
        user=user,
        name="张律师",
        license_number="15301201810000001",
        firm="云南测试律师事务所",
        phone="+8613900000000",
    )
    # Shipped by migration 0017; tables built from the models (no migrations) have none.
    consent = ConsentText.current() or ConsentText.objects.create(
        version="bench", text="同意", active=True
    )
    now = timezone.now().isoformat()
    first_station = stations[0].pk

    t = time.perf_counter()
    copy_rows(
        "cases_worker",
        ["id", "name", "phone", "id_number", "platform", "arrangement", "created_at"],
        (
            (i, f"劳动者{i}", f"+86139{i:08d}", "", "meituan", "crowd", now)
            for i in range(1, WORKERS + 1)
        ),
    )
    states = ["received", "accepted", "assigned", "in_progress", "resolved", "closed", "referred"]
    columns = [
        "id",
        "number",
        "worker_id",
        "station_id",
        "region_code",
        "claims",
        "facts",
        "evidence",
        "consent_id",
        "consent_at",
        "consent_recorded_by_id",
        "access_code_hash",
        "state",
        "lawyer_id",
        "eligibility",
        "eligibility_note",
        "referred_to",
        "referral_reason",
        "outcome",
        "outcome_note",
        "created_by_id",
        "created_at",
        "updated_at",
    ]

    def cases():
        for i in range(1, CASES + 1):
            state = states[i % len(states)]
            yield (
                i,
                f"530103-2026-{i:07d}",
                (i % WORKERS) + 1,
                first_station + i % STATIONS,
                "530103",
                "injury",
                "送餐途中摔伤。",
                "{}",
                consent.pk,
                now,
                user.pk,
                "0" * 64,
                state,
                lawyer.pk if state in ("assigned", "in_progress", "resolved", "closed") else None,
                "undecided",
                "",
                "区人社局" if state == "referred" else "",
                "",
                "",
                "",
                user.pk,
                now,
                now,
            )

    copy_rows("cases_case", columns, cases())
    due = datetime.date(2027, 3, 1)

    def deadlines():
        for i in range(1, CASES + 1, 4):
            yield (
                i,
                i,
                "injury.worker_application",
                "2026-11-02",
                due + datetime.timedelta(days=i % 300),
                "worker",
                "open",
                False,
                False,
                False,
                False,
                "工伤保险条例第十七条",
                0,
                "",
                now,
                now,
            )

    copy_rows(
        "cases_deadline",
        [
            "id",
            "case_id",
            "rule",
            "trigger_date",
            "due_date",
            "binds",
            "status",
            "extended",
            "provisional",
            "rolled_over",
            "makeup_workday",
            "citation",
            "suspended_days",
            "reason",
            "created_at",
            "updated_at",
        ],
        deadlines(),
    )
    with connection.cursor() as cursor:
        for table in ("cases_worker", "cases_case", "cases_deadline"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - t


def bare_view(request):
    """One indexed query and a plain response: the floor for any page."""
    from django.http import HttpResponse

    from cases.models import Case

    worker = int(request.GET["w"])
    numbers = list(Case.objects.filter(worker_id=worker).values_list("number", flat=True))
    return HttpResponse(" ".join(numbers))


def main():
    import argparse

    global CASES, WORKERS, REQUESTS, PROFILE
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=CASES)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    CASES, REQUESTS, PROFILE = args.cases, args.requests, args.profile
    WORKERS = CASES * 2 // 5
    with scratch_django(postgres=True, from_models=True, q_sync=True):
        measure()


def measure():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from cases.models import Case, Worker
    from cases.status import lookup, page, session

    load = fill()
    print(f"cases: {CASES:,}  workers (phones): {WORKERS:,}  load: {load:.1f} s")
    options = connection.settings_dict["OPTIONS"]
    prepared = options.get("server_side_binding") and options.get("prepare_threshold")
    print(
        f"prepared statements: after {options['prepare_threshold']} runs"
        if prepared
        else "prepared statements: off (DB_PREPARED_STATEMENTS=0)"
    )
    mount("bench_status_urls", bare_view)
    phone = f"+86139{WORKERS // 2:08d}"  # a worker in the middle with 2–3 cases
    worker_ids = list(Worker.objects.filter(phone=phone).values_list("pk", flat=True))
    n_cases = Case.objects.filter(worker_id__in=worker_ids).count()

    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client()
        # The status session as the verify step leaves it: a signed cookie.
        verified = lookup.Verified(outcome="code_ok", worker_ids=worker_ids)
        client.cookies[session.STATUS_COOKIE] = session.session_cookie(verified, phone)

        with CaptureQueriesContext(connection) as queries:
            response = client.get("/status/cases/")
        assert response.status_code == 200 and b"530103-2026-" in response.content
        print(
            f"step-3 page for {phone[:6]}****{phone[-4:]}: {n_cases} cases, {len(queries)} queries"
        )
        with connection.cursor() as cursor:
            sql, params = page.case_rows_query(worker_ids, page.MAX_SHOWN + 1)
            cursor.execute("EXPLAIN " + sql, params)
            plan = " / ".join(r[0].strip() for r in cursor.fetchall() if "Scan" in r[0])
            print(f"EXPLAIN cases query: {plan}")

        bare, step3 = timed_pair(
            client, f"/bench/bare/?w={worker_ids[0]}", "/status/cases/", REQUESTS, warmup=20
        )
        print(f"bare view, one indexed query: {bare * 1000:.2f} ms (median of {REQUESTS})")
        print(f"status step-3 page:           {step3 * 1000:.2f} ms (median of {REQUESTS})")
        print(f"ratio: {step3 / bare:.2f} (goal ≤ 1.5)")
        if PROFILE:
            print_profile(client, "/status/cases/", 100)


if __name__ == "__main__":
    main()
