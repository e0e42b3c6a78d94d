"""Statistics (issue 15): the rollup stays right, who sees what, small cells stay
hidden from analysts, bad input, fixed query counts, exports equal the dashboard."""

import csv
import datetime
import io
import itertools
import random
import re
import subprocess
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cases.deadlines import bookkeeping
from cases.models import Case, CaseEvent, Deadline, ExportJob, ExportLog, StatCell
from cases.routing.offers import AssignmentRefused
from cases.statistics import rollup
from cases.statistics.suppression import Cell, Partition, protect
from cases.workflow import CaseChanged, TransitionRefused, apply_transition
from stations.models import Membership
from tests.helpers import (
    login,
    make_analyst,
    make_case,
    make_coordinator,
    make_document,
    make_lawyer,
    make_station,
    make_union,
    make_user,
    make_volunteer,
)

# Region names: a transactional test run earlier in the same worker flushes the rows the
# data migration loaded.
pytestmark = pytest.mark.usefixtures("regions")

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=TZ)


def at(month, day=10, hour=10):
    return time_machine.travel(datetime.datetime(2026, month, day, hour, tzinfo=TZ), tick=False)


def stored_cells() -> dict:
    return {
        (c.month, c.depth, c.area, c.station, c.metric, c.key, c.sub): [c.n, c.claimed, c.recovered]
        for c in StatCell.objects.all()
        if c.n or c.claimed or c.recovered
    }


def expected() -> dict:
    return {k: list(v) for k, v in rollup.expected_cells().items() if any(v)}


# ---------------------------------------------------------------------------
# The rollup


PLATFORMS = ["meituan", "eleme", "sf", "didi"]
CLAIMS = [["injury"], ["wage"], ["wage", "labor"], ["tort"], ["consult"], ["occupational", "tort"]]
PARTIES = [
    "北京三快在线科技有限公司",
    "北京三快在线科技（有限公司）",
    "某某劳务派遣有限公司",
    "平安保险",
]


def _random_case(rng, world, month):
    region = rng.choice([world.beijing, world.kunming])
    with at(month, rng.randint(1, 25)):
        return make_case(
            region.station,
            region.volunteer,
            claims=rng.choice(CLAIMS),
            amount_claimed=Decimal(rng.randint(1, 400) * 100),
            worker={"platform": rng.choice(PLATFORMS)},
            parties=[
                {"kind": rng.choice(["platform", "agency", "insurer", "other_driver"]), "name": n}
                for n in rng.sample(PARTIES, rng.randint(0, 2))
            ],
        )


def _random_step(rng, case, world):
    """One random thing that can happen to a case, through the real write paths."""
    admin, case = world.admin, Case.objects.get(pk=case.pk)
    region = world.beijing if case.region_code.startswith("11") else world.kunming
    lawyers = [region.lawyer, make_lawyer(regions=[case.region_code])]
    moves = {
        "received": [
            ("accept_for_aid", {"eligibility": Case.Eligibility.EXEMPT_42_3}),
            (
                "refer",
                {
                    "to": rng.choice(["区劳动保障监察大队", "区人民法院", "某调解委员会"]),
                    "reason": "x",
                },
            ),
            ("resolve_at_intake", {"advice": "已解答"}),
        ],
        "accepted": [("assign", {"lawyer": rng.choice(lawyers)})],
        "assigned": [("accept", {}), ("accept", {}), ("decline", {"reason": "太忙"})],
        "in_progress": [
            (
                "resolve",
                {
                    "outcome": rng.choice(["settlement", "paid", "unsuccessful"]),
                    "amount_recovered": Decimal(rng.randint(0, 300) * 100),
                },
            ),
            ("reassign", {"lawyer": rng.choice(lawyers)}),
        ],
        "resolved": [("reopen", {"reason": "再审"}), ("close", {})],
        "referred": [("close", {})],
    }.get(case.state, [])
    if not moves:
        return
    name, kwargs = rng.choice(moves)
    if case.state in Case.OPEN_STATES and rng.random() < 0.08:
        name, kwargs = "withdraw", {"reason": "本人要求"}
    user = admin
    if name in ("accept", "decline"):
        user = case.lawyer.user
    if name == "close":
        make_document(case, kind="closing_report")
    if name == "decline":
        kwargs["note"] = "太忙"
    if name == "reassign":
        kwargs["note"] = "改派"
    try:
        apply_transition(case, name, user, **kwargs)
    except (TransitionRefused, CaseChanged, AssignmentRefused):
        return
    if case.state == "in_progress" and rng.random() < 0.5:
        for deadline in Deadline.objects.filter(case=case, status="open")[:1]:
            bookkeeping.close_deadline(
                deadline, status=rng.choice(["done", "waived"]), reason="x", user=admin
            )


@pytest.mark.django_db
def test_the_rollup_equals_a_direct_count_after_random_transitions(world):
    rng = random.Random(1515)
    cases = [_random_case(rng, world, month) for month in (7, 8, 9, 10) for _ in range(4)]
    for month, day in itertools.product((8, 9, 10, 11), (12, 24)):
        with at(month, day):
            for case in cases:
                for _ in range(rng.randint(1, 3)):
                    _random_step(rng, case, world)
    # 1. What the write paths added equals every case's facts recomputed from scratch …
    assert stored_cells() == expected()
    assert rollup.reconcile()["cells_fixed"] == 0
    # 2. … and the national figures equal counts made directly on the case tables.
    national = defaultdict(int)
    amounts = defaultdict(Decimal)
    for cell in StatCell.objects.filter(depth=0):
        national[(cell.metric, cell.key, cell.sub)] += cell.n
        amounts[(cell.metric, cell.key)] += cell.recovered
    everything = Case.objects.all()
    assert (
        sum(v for (m, _k, _s), v in national.items() if m == rollup.RECEIVED) == everything.count()
    )
    for code in ("injury", "wage", "tort", "consult", "occupational", "labor"):
        assert (
            national[(rollup.RECEIVED, code, "")]
            == everything.filter(claims__startswith=code).count()
        )
    for platform in PLATFORMS:
        assert (
            national[(rollup.PLATFORM, platform, "")]
            == everything.filter(worker__platform=platform).count()
        )
    for state in ("received", "withdrawn", "in_progress", "assigned"):
        assert national[(rollup.STAGE, state, "")] == everything.filter(state=state).count()
    resolved = everything.filter(state__in=["resolved", "closed"]).exclude(outcome="")
    for outcome in ("settlement", "paid", "unsuccessful", "advice"):
        subset = resolved.filter(outcome=outcome)
        assert national[(rollup.OUTCOME, outcome, "")] == subset.count()
        assert amounts[(rollup.OUTCOME, outcome)] == sum(
            (c.amount_recovered or 0 for c in subset), Decimal(0)
        )
    assert (
        national[(rollup.DECISION, "accepted", "")] == everything.exclude(accepted_at=None).count()
    )
    events = CaseEvent.objects
    assert (
        national[(rollup.OFFER, "made", "")]
        == events.filter(transition__in=["assign", "reassign"]).count()
    )
    assert national[(rollup.OFFER, "declined", "")] == events.filter(transition="decline").count()
    for (metric, rule, status), n in national.items():
        if metric == rollup.DEADLINE:
            assert n == Deadline.objects.filter(rule=rule, status=status).count()
    assert (
        national[(rollup.OFFER, "made", "")] > 0
        and national[(rollup.STAGE, "resolved", "")] + national[(rollup.STAGE, "closed", "")] > 0
    )


@pytest.mark.django_db
def test_a_decline_routed_onward_is_counted_once(world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.ASSIGNED, lawyer=bj.lawyer)
    make_lawyer(regions=["110105"])  # the router's next candidate
    apply_transition(case, "decline", bj.lawyer.user, reason="利益冲突")
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED  # routed onward inside the decline
    assert stored_cells() == expected()
    offers = {c.key: c.n for c in StatCell.objects.filter(depth=0, metric=rollup.OFFER)}
    assert offers == {"made": 2, "declined": 1}


@pytest.mark.django_db
def test_the_nightly_reconcile_repairs_drift(world):
    bj = world.beijing
    make_case(bj.station, bj.volunteer, worker={"platform": "meituan"})
    case = make_case(bj.station, bj.volunteer, worker={"platform": "meituan"})
    # A platform corrected in the back office does not pass through a write path.
    type(case.worker).objects.filter(pk=case.worker_id).update(platform="eleme")
    StatCell.objects.filter(metric=rollup.STAGE).update(n=99)
    assert stored_cells() != expected()
    assert rollup.reconcile()["cells_fixed"] > 0
    assert stored_cells() == expected()
    platforms = {c.key: c.n for c in StatCell.objects.filter(depth=0, metric=rollup.PLATFORM)}
    assert platforms == {"meituan": 1, "eleme": 1}


def test_respondents_are_matched_like_the_conflict_check():
    assert (
        rollup.respondent_key("北京三快在线科技有限公司")
        == rollup.respondent_key("北京三快在线科技（有限公司）")
        == rollup.respondent_key("  北京三快在线科技有限公司 ")
    )
    assert rollup.referral_kind("朝阳区人力资源和社会保障局劳动保障监察大队") == "inspection"
    assert rollup.referral_kind("劳动人事争议仲裁委员会") == "arbitration"


# ---------------------------------------------------------------------------
# Suppression: nothing under 5 can be worked out


def feasible_values(cells, total) -> dict:
    """For a partition as an analyst reads it — visible numbers, "<5" (0–4), "—" (5 or
    more), the total or its mark — every value each hidden cell can take given that the
    cells sum to the total. Exhaustive over sums (independent of suppression.py)."""
    top = 400

    def values(shown):
        if shown == "<5":
            return set(range(0, 5))
        if shown == "—":
            return set(range(5, top))
        return {int(shown)}

    totals = values(total) if total in ("<5", "—") else {int(total)}
    hidden = [i for i, c in enumerate(cells) if c in ("<5", "—")]
    fixed = sum(int(c) for c in cells if c not in ("<5", "—"))

    def sums(indices):
        reachable = {0}
        for i in indices:
            reachable = {s + v for s in reachable for v in values(cells[i]) if s + v < top}
        return reachable

    found = {}
    for i in hidden:
        rest = sums([j for j in hidden if j != i])
        found[i] = {v for v in values(cells[i]) if any(fixed + v + r in totals for r in rest)}
    return defaultdict(set, found)


def assert_nothing_small_is_learned(cells, total, where=""):
    found = feasible_values(cells, total)
    for i, shown in enumerate(cells):
        if shown == "<5":
            assert found[i] == {0, 1, 2, 3, 4} or len(found[i]) >= 2, (
                where,
                cells,
                total,
                i,
                found[i],
            )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6))
def test_a_protected_partition_hides_every_small_cell(counts):
    total = Cell("total", n=sum(counts))
    part = Partition("p", total, [Cell(str(i), n=n) for i, n in enumerate(counts)])
    protect([part])
    shown = [c.mark or str(c.n) for c in part.cells]
    for cell, count in zip(part.cells, counts, strict=True):
        if count < 5:
            assert cell.hidden  # rule 1
    found = feasible_values(shown, total.mark or str(total.n))
    for i, cell in enumerate(part.cells):
        if cell.hidden == "small" and not total.hidden:
            assert found[i] == {0, 1, 2, 3, 4}, (counts, shown)  # the full range
        elif cell.hidden == "small":
            assert len(found[i]) >= 2, (counts, shown)


def test_partitions_sharing_a_total_hide_it_together():
    total = Cell("t", n=7)
    a = Partition("a", total, [Cell("x", n=3), Cell("y", n=4)])  # cannot be protected
    b = Partition("b", total, [Cell("u", n=7), Cell("v", n=0)])
    protect([a, b])
    assert total.hidden and all(c.hidden for c in a.cells + b.cells)


class Tables(HTMLParser):
    """The analyst's page as numbers: each statistics table's rows (data-value) by
    partition, its total, its subtotals; and every other number in a table cell."""

    def __init__(self):
        super().__init__()
        self.partitions = defaultdict(list)
        self.current = None
        self.row = None
        self.subtotals = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-partition" in attrs:
            self.current = attrs["data-partition"]
            self.partitions[self.current].append({"cells": {}, "total": None})
        if tag == "tr" and "data-partition" in attrs:  # a row that is a partition (mixes)
            self.current = attrs["data-partition"]
            self.partitions[self.current].append({"cells": {}, "total": None})
        if tag == "tr":
            self.row = attrs.get("data-key"), attrs.get("data-subtotal")
        if tag == "td" and "data-value" in attrs and self.current:
            key = attrs.get("data-key") or (self.row[0] if self.row else None)
            table = self.partitions[self.current][-1]
            if key == "__total__":
                table["total"] = attrs["data-value"]
            elif key:
                table["cells"][key] = attrs["data-value"]
        if tag == "td" and "data-value" in attrs and self.row and self.row[1]:
            self.subtotals.append((self.row[1], attrs["data-value"]))

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None


def small_district(world):
    """朝阳区 with a handful of cases: most figures under 5."""
    bj = world.beijing
    other = make_station(region_code="110105", name="第二驿站")
    volunteer = make_volunteer(other)
    states = (
        [Case.State.RESOLVED] * 6
        + [Case.State.REFERRED] * 2
        + [Case.State.WITHDRAWN, Case.State.ACCEPTED]
    )
    platforms = ["meituan"] * 7 + ["eleme"] * 2 + ["sf"]
    with at(10):
        for i, (state, platform) in enumerate(zip(states, platforms, strict=True)):
            make_case(
                bj.station if i % 3 else other,
                bj.volunteer if i % 3 else volunteer,
                state=state,
                claims=[["wage"], ["injury"], ["wage"], ["injury", "tort"]][i % 4],
                amount_claimed=Decimal(1000 + 300 * i),
                worker={"platform": platform},
                parties=[{"kind": "platform", "name": "北京三快在线科技有限公司"}],
                lawyer=bj.lawyer,
            )


SECTIONS = ["overview", "sources", "flow", "outcomes", "lawyers"]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_analyst_cannot_learn_a_cell_under_5_from_any_page(client, world):
    small_district(world)
    login(client, make_analyst("11"))
    for region in ("110000", "110105"):
        for section in SECTIONS:
            html = client.get(
                reverse(f"statistics:{section}"),
                {"region": region, "from": "2026-10", "to": "2026-10"},
            ).content.decode()
            assert "<5" in html or section == "lawyers"
            tables = Tables()
            tables.feed(html)
            for name, copies in tables.partitions.items():
                # The same partition reads the same wherever it is drawn …
                assert all(c == copies[0] for c in copies), name
                table = copies[0]
                if table["total"] is None:
                    continue
                # … and its equation leaves every "<5" cell anywhere in 0–4.
                assert_nothing_small_is_learned(
                    list(table["cells"].values()), table["total"], f"{section} {region} {name}"
                )
            # Partitions of one total (cases received) agree on it.
            received = {
                copies[0]["total"]
                for name, copies in tables.partitions.items()
                if name in ("month", "claim", "platform", "arrangement", "stage", "children")
            }
            assert len(received) <= 1
            # No number the analyst reads in a table is a small count: only marks below 5
            # (years and amounts aside, every figure in a data-value is a count).
            for copies in tables.partitions.values():
                for value in list(copies[0]["cells"].values()) + [copies[0]["total"]]:
                    assert value in ("<5", "—", None) or int(value) >= 5
            for _key, value in tables.subtotals:
                assert value in ("<5", "—") or int(value) >= 5


# ---------------------------------------------------------------------------
# Who sees what


@pytest.mark.django_db
def test_scopes_outside_are_a_404_and_analysts_never_reach_a_case(client, world):
    bj, km = world.beijing, world.kunming
    case = make_case(bj.station, bj.volunteer)
    yunnan = make_analyst("53")
    login(client, yunnan)
    assert client.get(reverse("statistics:overview")).status_code == 200
    assert client.get(reverse("statistics:overview"), {"region": "530103"}).status_code == 200
    assert client.get(reverse("statistics:overview"), {"region": "110105"}).status_code == 404
    assert client.get(reverse("statistics:overview"), {"region": "110000"}).status_code == 404
    assert client.get(reverse("statistics:overview"), {"region": ""}).status_code == 404
    assert (
        client.get(reverse("statistics:overview"), {"station": bj.station.code}).status_code == 404
    )
    assert (
        client.get(
            reverse("statistics:cases"), {"region": "530103", "metric": "received"}
        ).status_code
        == 404
    )
    assert client.get(reverse("statistics:ledger_csv"), {"region": "530103"}).status_code == 404
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("cases:station_cases")).status_code == 404
    assert client.get(reverse("home")).url == reverse("statistics:overview")

    login(client, bj.coordinator)
    assert client.get(reverse("statistics:overview"), {"region": "530103"}).status_code == 404
    assert (
        client.get(reverse("statistics:overview"), {"station": km.station.code}).status_code == 404
    )
    assert client.get(reverse("statistics:overview"), {"region": "110000"}).status_code == 404
    page = client.get(reverse("statistics:overview"))
    assert page.status_code == 200 and page.context["scope"].code == "110105"
    assert not page.context["page"].suppressed

    for user in (bj.volunteer, bj.lawyer.user, make_user()):
        login(client, user)
        assert client.get(reverse("statistics:overview")).status_code == 404
    client.logout()
    assert client.get(reverse("statistics:overview")).status_code == 302


@pytest.mark.django_db
def test_an_analyst_membership_gives_no_case_scope(world):
    union = make_union(region_code="110105", name="朝阳区总工会（统计）")
    user = make_user()
    Membership.objects.create(user=user, role=Membership.Role.ANALYST, union=union, scope="11")
    make_case(world.beijing.station, world.beijing.volunteer)
    assert not Case.objects.visible_to(user).exists()


BAD = [
    ({"from": "2026-09", "to": "2026-03"}, "起始月份不能晚于截止月份"),
    ({"from": "2010-01", "to": "2026-10"}, "统计期间不能超过 10 年"),
    ({"to": "2027-01"}, "截止月份不能晚于本月"),
    ({"from": "2026-13"}, "请按“年-月”填写月份"),
    ({"from": "去年"}, "请按“年-月”填写月份"),
    ({"from": "1999-12"}, "统计从 2000 年开始"),
    ({"from": "2026-02-30"}, "请按“年-月”填写月份"),
    ({"region": "11010"}, "请填写 6 位行政区划代码"),
    ({"region": "abcdef"}, "请填写 6 位行政区划代码"),
    ({"from": "9" * 400}, "请按“年-月”填写月份"),
]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("params, message", BAD)
def test_bad_input_gets_a_clear_message_and_keeps_the_rest(client, world, params, message):
    login(client, make_analyst(""))
    for section in ("overview", "flow"):
        response = client.get(reverse(f"statistics:{section}"), {"region": "110105", **params})
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        for value in params.values():
            if len(value) < 20:
                assert f'value="{value}"' in html  # what was typed is kept


@pytest.mark.django_db
@pytest.mark.parametrize("region", ["110199", "990000", "110100"])
def test_unknown_regions_are_a_404(client, world, region):
    login(client, make_analyst(""))
    assert client.get(reverse("statistics:overview"), {"region": region}).status_code in (400, 404)
    assert client.get(reverse("statistics:overview"), {"station": "NO-SUCH"}).status_code == 404


# ---------------------------------------------------------------------------
# Fixed query counts


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_each_page_runs_a_fixed_number_of_queries_whatever_the_case_count(client, world):
    bj = world.beijing
    analyst = make_analyst("")
    counts = {}
    for round_ in (1, 2):
        with at(10):
            for i in range(4 * round_):
                make_case(
                    bj.station,
                    bj.volunteer,
                    state=[Case.State.RESOLVED, Case.State.REFERRED][i % 2],
                    lawyer=bj.lawyer,
                    parties=[{"kind": "agency", "name": f"劳务公司{round_}{i}"}],
                )
        for user, region in ((analyst, ""), (analyst, "110105"), (bj.coordinator, "110105")):
            login(client, user)
            for section in SECTIONS:
                key = (user.pk, region, section)
                counts.setdefault(key, []).append(
                    _queries(client, reverse(f"statistics:{section}"), {"region": region})
                )
    for key, (first, second) in counts.items():
        assert first == second, key
        assert first <= 12, key


# ---------------------------------------------------------------------------
# The coordinator's figures lead to their cases


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and "/stats/cases/" in href:
            self._href = href

    def handle_data(self, data):
        if self._href and data.strip().isdigit():
            self.links.append((self._href, int(data.strip())))
            self._href = None


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_every_figure_links_to_exactly_its_cases(client, world):
    small_district(world)
    login(client, world.beijing.coordinator)
    checked = 0
    for section in ("overview", "outcomes", "flow", "sources"):
        html = client.get(
            reverse(f"statistics:{section}"), {"from": "2026-10", "to": "2026-11"}
        ).content.decode()
        parser = Links()
        parser.feed(html.replace("&amp;", "&"))
        for href, n in parser.links:
            listing = client.get(href)
            assert listing.status_code == 200, href
            if "metric=deadline" in href or "metric=offer" in href:
                assert listing.context["page"].paginator.count <= n, href
            else:
                assert listing.context["page"].paginator.count == n, href
            checked += 1
    assert checked > 20
    listing = client.get(
        reverse("statistics:cases"), {"metric": "received", "from": "2026-10", "to": "2026-10"}
    ).content.decode()
    assert "****" in listing  # phones masked as in every list


# ---------------------------------------------------------------------------
# Exports


def _xlsx_rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_export_totals_equal_the_dashboard_and_every_export_is_logged(client, world):
    small_district(world)
    bj = world.beijing
    login(client, bj.coordinator)
    params = {"region": "110105", "from": "2026-10", "to": "2026-10"}
    page = client.get(reverse("statistics:overview"), params).context["page"]
    received = page.totals["received"]
    assert received.n == 10

    ledger = _xlsx_rows(client.get(reverse("statistics:ledger_xlsx"), params).content)
    header, rows = ledger[0], ledger[1:]
    assert len(rows) == received.n
    claimed = sum(Decimal(str(r[header.index("请求金额（元）")] or 0)) for r in rows)
    assert claimed == received.claimed
    assert all(
        "****" in r[header.index("手机号")] and "*" in r[header.index("劳动者")] for r in rows
    )

    response = client.get(reverse("statistics:ledger_csv"), params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) - 1 == received.n

    report = _xlsx_rows(
        client.get(
            reverse("statistics:report_xlsx"), {"region": "110105", "month": "2026-10"}
        ).content
    )
    flat = {r[0]: r[1:] for r in report if r and r[0]}
    assert flat["收到求助"][0] == received.n
    resolved = page.totals["resolved"]
    assert flat["办结案件"][0] == resolved.n
    assert ExportLog.objects.filter(user=bj.coordinator).count() == 3
    log = ExportLog.objects.get(kind=ExportLog.Kind.LEDGER_XLSX)
    assert log.rows == 10 and log.scope == "110105"


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_analysts_monthly_report_is_suppressed_like_the_page(client, world):
    small_district(world)
    login(client, make_analyst(""))
    rows = _xlsx_rows(
        client.get(
            reverse("statistics:report_xlsx"), {"region": "110105", "month": "2026-10"}
        ).content
    )
    values = [v for r in rows for v in r[1:2] if v is not None]
    assert "<5" in values and not any(isinstance(v, int) and v < 5 for v in values)
    assert ExportLog.objects.get().suppressed


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_monthly_pdf_has_the_figures_and_embedded_fonts(client, world, tmp_path):
    small_district(world)
    login(client, world.beijing.coordinator)
    response = client.get(
        reverse("statistics:report_pdf"), {"region": "110105", "month": "2026-10"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert "朝阳区 法律援助统计月报" in text and "按求助类型" in text
    assert re.search(r"收到求助\s+10\b", text)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Noto" in fonts and " no " not in fonts.split("\n", 2)[2].replace("yes yes", "")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_large_ledger_runs_as_a_task_with_a_progress_page(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    from cases.statistics import exports

    small_district(world)
    monkeypatch.setattr(exports, "LEDGER_INLINE_MAX", 3)
    login(client, world.beijing.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            reverse("statistics:ledger_xlsx"), {"from": "2026-10", "to": "2026-10"}
        )
    job = ExportJob.objects.get()
    assert response.url == reverse("statistics:export_progress", args=[job.pk])
    assert job.status == ExportJob.Status.DONE and job.processed == 10
    page = client.get(response.url).content.decode()
    assert "下载台账" in page
    download = client.get(reverse("statistics:export_download", args=[job.pk]))
    rows = _xlsx_rows(b"".join(download.streaming_content))
    assert len(rows) == 11
    login(client, make_coordinator(world.beijing.union))
    assert client.get(reverse("statistics:export_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_the_operator_can_reconcile_now_from_the_command_line(world):
    bj = world.beijing
    make_case(bj.station, bj.volunteer, worker={"platform": "meituan"})
    StatCell.objects.filter(metric=rollup.STAGE).update(n=99)
    out = io.StringIO()
    call_command("reconcile_statistics", stdout=out)
    assert stored_cells() == expected()
    assert "修复统计格" in out.getvalue() and "修复统计格 0 个" not in out.getvalue()
    out = io.StringIO()
    call_command("reconcile_statistics", stdout=out)
    assert "修复统计格 0 个" in out.getvalue()


@pytest.mark.django_db
def test_the_lawyers_page_lists_the_scopes_latest_declines_and_no_others(client, world):
    bj, km = world.beijing, world.kunming
    with at(10):
        here = make_case(bj.station, bj.volunteer, state=Case.State.ASSIGNED, lawyer=bj.lawyer)
        there = make_case(km.station, km.volunteer, state=Case.State.ASSIGNED, lawyer=km.lawyer)
        apply_transition(
            here, "decline", bj.lawyer.user, reason="利益冲突", note="与对方有代理关系"
        )
        apply_transition(there, "decline", km.lawyer.user, reason="太忙", note="本月案件已满")
    with at(3):
        earlier = make_case(bj.station, bj.volunteer, state=Case.State.ASSIGNED, lawyer=bj.lawyer)
        apply_transition(earlier, "decline", bj.lawyer.user, reason="太忙", note="三月出差")
    login(client, bj.coordinator)
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            reverse("statistics:lawyers"), {"region": "110105", "from": "2026-10", "to": "2026-11"}
        ).text
    assert "与对方有代理关系" in page and here.number in page
    assert "本月案件已满" not in page  # another region
    assert "三月出差" not in page  # before the period


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_lawyers_page_shows_each_lawyers_open_cases_against_capacity(client, world):
    bj = world.beijing
    bj.lawyer.capacity = 8
    bj.lawyer.save(update_fields=["capacity"])
    for state in (Case.State.ASSIGNED, Case.State.IN_PROGRESS, Case.State.IN_PROGRESS):
        make_case(bj.station, bj.volunteer, state=state, lawyer=bj.lawyer)
    make_case(bj.station, bj.volunteer, state=Case.State.CLOSED, lawyer=bj.lawyer)  # not open
    idle = make_lawyer(regions=["110105"], capacity=5)
    login(client, bj.coordinator)
    page = client.get(reverse("statistics:lawyers"), {"region": "110105"}).text
    row = re.search(rf"{bj.lawyer.name} <span[^>]*>[^<]*</span></th><td[^>]*>([^<]+)<", page)
    assert row.group(1) == "3/8"
    row = re.search(rf"{idle.name} <span[^>]*>[^<]*</span></th><td[^>]*>([^<]+)<", page)
    assert row.group(1) == "0/5"
