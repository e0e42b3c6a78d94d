"""Load test (issue 18): gunicorn with 4 workers on PostgreSQL and Redis, locust headless
on the loopback: volunteers doing intake, lawyers on their queue and case pages,
coordinators on triage and /stats/, workers on the status page; every user also asks
for the bare one-query view, so the floor is measured under the same load. Prints
requests per second, p50/p95/p99 per page and errors, and each page's p95 against the
bare view's (goal: 0 errors, p95 <= 3x the bare view's).

    .venv/bin/python bench/load_test.py --cases 20000           # while iterating
    .venv/bin/python bench/load_test.py                         # 1,000,000 cases, 60 s, 50 users

Environment: BENCH_POSTGRES (server, default postgres://postgres@127.0.0.1:5432),
LOAD_DB (the database it creates and drops, default yizhan_load), LOAD_REDIS
(default redis://127.0.0.1:6379/12), LOAD_PORT (default 18030).
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("LOAD_DB", "yizhan_load")
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379/12")
PORT = int(os.environ.get("LOAD_PORT", "18030"))
VENV = ROOT / ".venv" / "bin"
SECRET = "load-test-secret-key-not-for-production-0123456789abcdefghijk"


def server_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "YIZHAN_ENV_FILE": "",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": SECRET,
        "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA=",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"{SERVER}/{DB}",
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS,
        "STAFF_2FA_REQUIRED": "0",
        "STATUS_IP_LIMIT": "1000000",
        "STATUS_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        "SMS_BACKEND": "outbox",
        "LOG_LEVEL": "WARNING",
        "Q_CLUSTER_NAME": "yizhan_load",
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "yizhan-load-static"),
    }


def fill(cases: int) -> dict:
    """The database: migrations, the standard world, `cases` cases by COPY."""
    os.environ.update(server_env())
    import django

    django.setup()
    from _django import copy_rows
    from django.db import connection
    from django.utils import timezone

    from cases.models import ConsentText
    from cases.statistics import rollup
    from tests.helpers import PASSWORD, make_world

    world = make_world()
    bj = world.beijing
    consent = ConsentText.current() or ConsentText.objects.create(
        version="bench", text="同意", active=True
    )
    workers = max(cases * 2 // 5, 1)
    now = timezone.now().isoformat()
    start = time.perf_counter()
    copy_rows(
        "cases_worker",
        ["id", "name", "phone", "id_number", "platform", "arrangement", "created_at"],
        (
            (i, f"劳动者{i}", f"+86139{i:08d}", "", "meituan", "crowd", now)
            for i in range(1, workers + 1)
        ),
    )
    states = ["received", "accepted", "assigned", "in_progress", "resolved", "closed", "referred"]
    lawyer = bj.lawyer
    columns = [
        "id", "number", "worker_id", "station_id", "region_code", "claims", "facts",
        "evidence", "consent_id", "consent_at", "consent_recorded_by_id", "access_code_hash",
        "state", "lawyer_id", "created_by_id", "created_at", "updated_at",
    ]  # fmt: skip

    def rows():
        for i in range(1, cases + 1):
            state = states[i % len(states)]
            yield (
                i + 1000, f"110105-2025-{i:07d}", (i % workers) + 1, bj.station.pk, "110105",
                "wage", "拖欠工资。", "{}", consent.pk, now, bj.volunteer.pk, "0" * 64, state,
                lawyer.pk if state in ("assigned", "in_progress", "resolved") and i % 50 == 3 else None,
                bj.volunteer.pk, now, now,
            )  # fmt: skip

    copy_rows("cases_case", columns, rows())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [cases + 2000]
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_worker', 'id'), %s)", [workers + 10]
        )
    rollup.reconcile()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from cases.models import Case

    lawyer_cases = list(Case.objects.filter(lawyer=lawyer).values_list("number", flat=True)[:50])
    print(f"data: {cases} cases, {workers} workers ({time.perf_counter() - start:.1f} s to load)")
    return {
        "password": PASSWORD,
        "volunteer": bj.volunteer.username,
        "lawyer": lawyer.user.username,
        "coordinator": bj.coordinator.username,
        "station": bj.station.pk,
        "lawyer_cases": lawyer_cases,
        "worker_phones": [f"139{i:08d}" for i in range(1, min(workers, 500) + 1)],
    }


def percentiles(path: Path) -> list[dict]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    assert args.users <= 200 and args.seconds <= 300, "bounded: at most 200 users, 300 s"
    scratch = Path(tempfile.mkdtemp(prefix="yizhan-load-"))
    subprocess.run(
        ["dropdb", "--if-exists", "--force", f"--maintenance-db={SERVER}/postgres", DB], check=True
    )
    subprocess.run(["createdb", f"--maintenance-db={SERVER}/postgres", DB], check=True)
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    gunicorn = None
    try:
        env = server_env()
        subprocess.run(
            [str(VENV / "python"), "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        subprocess.run(
            [str(VENV / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        config = scratch / "config.json"
        filler = subprocess.run(
            [str(VENV / "python"), "-c", f"import sys, json; sys.argv=['x']; sys.path.insert(0, 'bench'); "
             f"import load_test; print(json.dumps(load_test.fill({args.cases})))"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        lines = filler.stdout.strip().splitlines()
        print("\n".join(lines[:-1]))
        config.write_text(lines[-1])
        # The units' command (deploy/systemd/yizhan-web.service) with the bench's app module.
        gunicorn = subprocess.Popen(
            [str(VENV / "gunicorn"), "bench.load_wsgi", "--workers", "4", "--bind", f"127.0.0.1:{PORT}",
             "--timeout", "60", "--graceful-timeout", "30", "--no-control-socket"],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=open(scratch / "gunicorn.log", "wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        import urllib.request

        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5)
                break
            except Exception:  # noqa: BLE001 — not up yet
                time.sleep(0.5)  # waiting for gunicorn
        print(
            f"gunicorn: 4 workers on 127.0.0.1:{PORT}; locust: {args.users} users for {args.seconds} s"
        )
        subprocess.run(
            [str(VENV / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(max(args.users // 5, 1)), "-t", f"{args.seconds}s",
             "--host", f"http://127.0.0.1:{PORT}", "--csv", str(scratch / "load"), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "LOAD_CONFIG": str(config)}, check=False,
            stdout=subprocess.DEVNULL, stderr=open(scratch / "locust.log", "wb"),
        )  # fmt: skip
        stats = percentiles(scratch / "load_stats.csv")
        report(stats, args)
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=40)
        subprocess.run(
            ["dropdb", "--if-exists", "--force", f"--maintenance-db={SERVER}/postgres", DB]
        )
        subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], capture_output=True)
    return 0


def report(stats: list[dict], args) -> None:
    by_name = {row["Name"]: row for row in stats}
    bare = by_name.get("bare view")
    bare_p95 = float(bare["95%"]) if bare else None
    print(
        f"\n{'page':<16}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'p95/bare':>10}"
    )
    worst = 0.0
    for row in stats:
        ratio = float(row["95%"]) / bare_p95 if bare_p95 and row["Name"] != "Aggregated" else None
        if ratio and row["Name"] not in ("bare view", "login", "login form"):
            worst = max(worst, ratio)
        print(
            f"{row['Name']:<16}{row['Request Count']:>9}{row['Failure Count']:>8}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
            f"{(f'{ratio:.1f}x' if ratio else ''):>10}"
        )
    errors = sum(int(r["Failure Count"]) for r in stats if r["Name"] != "Aggregated")
    print(f"\n{args.cases} cases, {args.users} users, {args.seconds} s: {errors} errors; "
          f"worst page p95 = {worst:.1f}x the bare view's (goal <= 3x) {'OK' if worst <= 3 and not errors else 'OVER'}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
