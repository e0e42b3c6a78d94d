"""One reminder sweep over 1,000,000 open deadlines on PostgreSQL.

As the issue says: about 1% of the deadlines are due within the next 7 days (today
included); 5% are overdue long ago, outside the sweep's catch-up window, which the
sweep must not read; the rest are due later. `--recent-overdue-share` adds deadlines
overdue inside the catch-up window (default none). Every deadline is worker-side on an
in-progress case of one of 200 lawyers (in-app + SMS + one email per lawyer) in one
district with one coordinator (in-app). Goal: one sweep under 30 s on this machine,
growing with the number due, not the number stored; a second sweep (everything
already sent) should be cheap. Both query plans are printed too.

    .venv/bin/python bench/deadline_sweep.py [--deadlines 1000000] [--due-share 0.01]

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/yizhan_bench) names the
server; a scratch database is created, migrated, and dropped afterwards.
"""

import argparse
import datetime
import math
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

parser = argparse.ArgumentParser()
parser.add_argument("--deadlines", type=int, default=1_000_000)
parser.add_argument("--due-share", type=float, default=0.01)
parser.add_argument("--recent-overdue-share", type=float, default=0.0)
parser.add_argument("--cases", type=int, default=100_000)
args = parser.parse_args()

url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yizhan_bench")
os.environ["BENCH_POSTGRES"] = url.rsplit("/", 1)[0]
# Mail goes nowhere; SMS to the outbox table; the queue is the ORM broker on the same
# PostgreSQL unless REDIS_URL is set (delivery tasks are queued, not run).
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ["Q_SYNC"] = "0"

from _django import copy_rows, scratch_django  # noqa: E402

TODAY = datetime.date(2026, 11, 28)
RULES = [
    "labor.suit_after_award",
    "civil.appeal",
    "admin.lawsuit",
    "labor.arbitration_limitation",
    "injury.worker_application",
    "civil.tort_limitation",
    "admin.reconsideration",
    "injury.reappraisal_request",
    "admin.lawsuit_after_reconsideration",
    "civil.enforcement",
    "inspection.complaint",
]
# Deadline i goes to case i % cases with rule i % len(RULES); a (case, rule) pair may
# not repeat (deadline_one_open_without_milestone), so the pairs must not cycle before
# the last deadline: 11 rules × 100,000 cases give 1,100,000 distinct pairs.
if math.lcm(args.cases, len(RULES)) < args.deadlines:
    parser.error(
        "too few --cases for that many --deadlines (a case holds one open deadline per rule)"
    )


def generate(n_deadlines, due_share, recent_overdue_share, n_cases):
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from cases.models import Case, ConsentText, Worker
    from lawyers.models import Lawyer
    from stations.models import Membership, Station, Union

    rng = random.Random(5)
    now = timezone.now()
    union = Union.objects.create(name="朝阳区总工会", region_code="110105")
    station = Station.objects.create(code="B-1", name="朝阳驿站", region_code="110105")
    from django.contrib.auth import get_user_model

    User = get_user_model()
    password = make_password("bench")
    coordinator = User.objects.create(username="coord", password=password, email="c@example.com")
    Membership.objects.create(user=coordinator, role="coordinator", union=union)
    lawyers = []
    for i in range(200):
        user = User.objects.create(username=f"lawyer{i}", password=password)
        lawyers.append(
            Lawyer.objects.create(
                user=user,
                name=f"律师{i}",
                license_number=f"111012018{i:08d}",
                firm="所",
                phone=f"+86139{i:08d}",
                email=f"l{i}@example.com",
            )
        )
    # Shipped by migration 0017; tables built from the models (no migrations) have none.
    consent = ConsentText.current() or ConsentText.objects.create(
        version="bench", text="同意", active=True
    )
    worker = Worker.objects.create(name="王小明", phone="+8613800138000")
    case_cols = [
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
    with connection.cursor() as cur:
        copy_rows(
            Case._meta.db_table,
            case_cols,
            (
                (
                    f"110105-2026-{i:06d}",
                    worker.pk,
                    station.pk,
                    "110105",
                    "wage",
                    "x",
                    "{}",
                    consent.pk,
                    now.isoformat(),
                    coordinator.pk,
                    "h",
                    "in_progress",
                    lawyers[i % len(lawyers)].pk,
                    "exempt_42_3",
                    "",
                    "",
                    "",
                    "",
                    "",
                    coordinator.pk,
                    now.isoformat(),
                    now.isoformat(),
                )
                for i in range(n_cases)
            ),
        )
        cur.execute(f"SELECT min(id) FROM {Case._meta.db_table}")
        first_case = cur.fetchone()[0]

        def due_date(i):
            r = rng.random()
            if r < due_share:  # the next 7 days: today … today + 6
                return TODAY + datetime.timedelta(days=rng.randint(0, 6))
            r -= due_share
            if r < recent_overdue_share:
                return TODAY - datetime.timedelta(days=rng.randint(1, 7))
            r -= recent_overdue_share
            if r < 0.05:
                return TODAY - datetime.timedelta(days=rng.randint(30, 400))
            return TODAY + datetime.timedelta(days=rng.randint(8, 1100))

        cols = [
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
        ]
        copy_rows(
            "cases_deadline",
            cols,
            (
                (
                    first_case + i % n_cases,
                    RULES[i % len(RULES)],
                    "2026-01-01",
                    due_date(i).isoformat(),
                    "worker",
                    "open",
                    "f",
                    "f",
                    "f",
                    "f",
                    "《法》第一条",
                    0,
                    "",
                    now.isoformat(),
                    now.isoformat(),
                )
                for i in range(n_deadlines)
            ),
        )
        cur.execute("ANALYZE")


def explain(cur, queryset):
    sql, params = queryset.query.sql_with_params()
    cur.execute("EXPLAIN " + sql, params)
    return "\n".join("    " + r[0] for r in cur.fetchall())


def main():
    with scratch_django(postgres=True):
        from django.core import mail
        from django.db import connection
        from django.template.loader import get_template
        from django.urls import reverse

        from cases.deadlines import reminders
        from cases.models import Deadline, Notification, Reminder, SmsMessage

        t0 = time.perf_counter()
        generate(args.deadlines, args.due_share, args.recent_overdue_share, args.cases)
        t_gen = time.perf_counter() - t0
        stored = Deadline.objects.count()
        due = reminders.due_deadlines(TODAY).count()
        with connection.cursor() as cur:
            plan = explain(cur, reminders.unsent_deadlines(TODAY).values("pk"))
        # Once per worker process, not per sweep: loading the template engine (which
        # imports every template library, WeasyPrint's included) and the URL
        # resolver. Timed apart so the sweep figures are what a running worker pays.
        t0 = time.perf_counter()
        get_template("emails/deadline_reminder.txt")
        reverse("cases:detail", args=["x"])
        t_warm = time.perf_counter() - t0
        mail.outbox = []
        t0 = time.perf_counter()
        counts = reminders.sweep(TODAY)
        t_sweep = time.perf_counter() - t0
        emails = len(mail.outbox)
        t0 = time.perf_counter()
        again = reminders.sweep(TODAY)
        t_again = time.perf_counter() - t0
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
            plan_again = explain(cur, reminders.unsent_deadlines(TODAY).values("pk"))
        print(f"deadlines stored:           {stored:>10,}  (generated in {t_gen:.1f} s)")
        print(f"due in sweep window:        {due:>10,}  ({100 * due / max(stored, 1):.2f} %)")
        print(f"process warm-up (once):     {t_warm:>10.2f} s  (template engine, URLs)")
        print(f"first sweep:                {t_sweep:>10.2f} s  reminders {counts}")
        print(f"second sweep (all sent):    {t_again:>10.2f} s  reminders {again}")
        print(f"reminder rows written:      {Reminder.objects.count():>10,}")
        print(f"emails sent:                {emails:>10,}  (one per lawyer)")
        print(f"in-app notifications:       {Notification.objects.count():>10,}")
        print(f"SMS queued:                 {SmsMessage.objects.count():>10,}")
        print(f"first sweep per due:        {1000 * t_sweep / max(due, 1):>10.3f} ms")
        print("plan of the unsent read (before the first sweep):")
        print(plan)
        print("plan of the unsent read (after it):")
        print(plan_again)


if __name__ == "__main__":
    main()
