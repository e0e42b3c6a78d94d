"""The statistics rollup: what each case contributes, and keeping the sums right.

One definition: `case_facts(snapshot)` says which facts a case contributes, each dated
to a month: received (by main claim, with the amount claimed), its platform and work
arrangement, the stage it has reached (counted in its intake month), the decision on
it, its lawyer offers and their answers, how long each step took, its closed deadlines,
its outcome and amounts, its respondents. Everything else follows from that function:

- the write paths (intake, `workflow.apply_transition`, deadline closures) take the
  case's facts before and after their change and add the difference to `StatCell`, in
  their own transaction (`record_change`), so the rollup is current the moment a change
  commits, today's included: no page needs a live count;
- the nightly task (`reconcile`) recomputes every case's facts from the source tables
  and repairs whatever differs (a worker's platform corrected in the back office, a row
  changed by hand), reporting how many cells it fixed.

A case counts once per partition: under its main claim (the first in ClaimType order,
the most serious: 工伤 before 职业伤害 before 欠薪 …), its platform, its arrangement, its
stage. Respondents are organisations (employer, platform, agency, insurer) matched by
`lawyers.routing.normalize_org`, as in the conflict check; a case counts once for each.

Each fact is added at every level of the case's region: the country, its province, city
and district, and (for STATION_METRICS only) its station.
"""

import datetime
import functools
import io
import math
import threading
import zoneinfo
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction

from cases.models import Case, CaseEvent, Deadline, Party, Respondent, StatCell, StatChange
from lawyers.models import ClaimType
from lawyers.routing import normalize_org

ZERO = Decimal("0")

# Metrics (keys and subs in the comments).
RECEIVED = "received"  # main claim; claimed
PLATFORM = "platform"  # Worker.Platform
ARRANGEMENT = "arrangement"  # Worker.Arrangement
STAGE = "stage"  # STAGES, counted in the intake month
DECISION = "decision"  # accepted | intake | referral:<REFERRAL kind>
OUTCOME = "outcome"  # Case.Outcome; recovered
RESOLVED = "resolved"  # main claim; claimed, recovered
CLAIMED_HIST = "claimed_hist"  # main claim / amount bucket
RECOVERED_HIST = "recovered_hist"  # main claim / amount bucket
DURATION = "duration"  # STEPS / days (DAYS_CAP and more counted as DAYS_CAP)
DEADLINE = "deadline"  # rule / done | missed | waived
OFFER = "offer"  # made | accepted | declined | expired
LAWYER = "lawyer"  # lawyer id / made | accepted | declined | expired
RESPONDENT = "respondent"  # normalised name / main claim; claimed
WITHDRAWN = "withdrawn"  # the state it was withdrawn from

# A station's page shows these (respondents: how many stations one appears at); the
# rest is kept from the district up, so that rows stay few.
STATION_METRICS = frozenset(
    {RECEIVED, PLATFORM, ARRANGEMENT, STAGE, DECISION, OUTCOME, RESOLVED, WITHDRAWN, RESPONDENT}
)
# Per-lawyer rows only for cities and districts: a national list of every lawyer is
# neither readable nor cheap.
LAWYER_DEPTHS = (2, 3)

# Where a case received in the period is now (a partition: each case in one stage).
STAGES = (
    "received",  # waiting for the coordinator's decision
    "intake",  # resolved at intake by advice
    "referred",
    "accepted",  # accepted for aid, no lawyer yet
    "assigned",  # offered to a lawyer, not yet accepted
    "in_progress",
    "resolved",
    "closed",
    "withdrawn",
)
STEPS = ("decision", "assignment", "lawyer_accept", "first_contact")
DAYS_CAP = 60

# Where referrals go, by words in the free-text destination (first match wins): the
# destination itself is never shown to analysts (free text), its kind is.
REFERRALS = (
    ("inspection", ("监察",)),
    ("arbitration", ("仲裁",)),
    ("court", ("法院",)),
    ("legal_aid", ("法律援助",)),
    ("hrss", ("人社", "人力资源和社会保障", "社会保障", "社保", "社会保险", "鉴定")),
    ("police", ("交警", "公安", "派出所")),
    ("mediation", ("调解",)),
    ("union", ("工会",)),
)
REFERRAL_OTHER = "other"

# Respondents are organisations; the other driver and "other" may be private persons.
ORG_KINDS = (
    Party.Kind.EMPLOYER,
    Party.Kind.PLATFORM,
    Party.Kind.AGENCY,
    Party.Kind.INSURER,
)

# Amounts go into log-scale buckets (each 25% wider than the last) for the medians.
BUCKET_RATIO = 1.25
BUCKET_CAP = 90


def referral_kind(destination: str) -> str:
    for kind, words in REFERRALS:
        if any(word in (destination or "") for word in words):
            return kind
    return REFERRAL_OTHER


def main_claim(claims: str) -> str:
    """The first claim in ClaimType order (the stored form is already in that order)."""
    codes = (claims or "").split()
    return codes[0] if codes else ClaimType.CONSULT


def amount_bucket(amount) -> str:
    value = float(amount or 0)
    if value < 1:
        return "0"
    return str(min(BUCKET_CAP, 1 + int(math.log(value, BUCKET_RATIO))))


def bucket_bounds(bucket: str) -> tuple[float, float]:
    index = int(bucket)
    if index == 0:
        return 0.0, 1.0
    return BUCKET_RATIO ** (index - 1), BUCKET_RATIO**index


@functools.cache
def _zone():
    # The site's zone, looked up once: timezone.localdate() asks a context-local for it
    # on every call, which was most of the nightly reconcile's time.
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local(moment) -> datetime.date:
    return moment.astimezone(_zone()).date() if isinstance(moment, datetime.datetime) else moment


def month_of(moment) -> datetime.date:
    return _local(moment).replace(day=1)


def _days(start, end) -> str:
    return str(max(0, min(DAYS_CAP, (_local(end) - _local(start)).days)))


# ---------------------------------------------------------------------------
# One case


@dataclass
class Snapshot:
    """What the facts of one case depend on, loaded in bulk or for one case."""

    region_code: str
    station_id: int
    created_at: datetime.datetime
    claims: str
    platform: str
    arrangement: str
    amount_claimed: Decimal | None
    state: str
    outcome: str
    amount_recovered: Decimal | None
    accepted_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    referred_to: str
    respondents: list[str] = field(default_factory=list)
    # (name, at, lawyer_id, previous_lawyer_id, source_state), in order
    transitions: list[tuple] = field(default_factory=list)
    # (rule, status, trigger_date, closed_at) of closed deadlines
    deadlines: list[tuple] = field(default_factory=list)


def stage_of(s: Snapshot) -> str:
    if s.state in ("received", "withdrawn"):
        return s.state
    if s.outcome == Case.Outcome.ADVICE:
        return "intake"
    if s.state == "referred" or (s.state == "closed" and s.referred_to and not s.outcome):
        return "referred"
    return s.state


def case_facts(s: Snapshot) -> dict:
    """{(month, metric, key, sub): [n, claimed, recovered]} for one case."""
    facts: dict = defaultdict(lambda: [0, ZERO, ZERO])

    def add(moment, metric, key, sub="", claimed=None, recovered=None):
        cell = facts[(month_of(moment), metric, str(key), sub)]
        cell[0] += 1
        cell[1] += claimed or ZERO
        cell[2] += recovered or ZERO

    claim = main_claim(s.claims)
    born = s.created_at
    add(born, RECEIVED, claim, claimed=s.amount_claimed)
    add(born, PLATFORM, s.platform)
    add(born, ARRANGEMENT, s.arrangement)
    add(born, STAGE, stage_of(s))
    for key in sorted(set(s.respondents)):
        add(born, RESPONDENT, key, claim, claimed=s.amount_claimed)

    if s.accepted_at:
        add(s.accepted_at, DECISION, "accepted")
        add(s.accepted_at, DURATION, "decision", _days(born, s.accepted_at))
    if s.outcome == Case.Outcome.ADVICE and s.resolved_at:
        add(s.resolved_at, DECISION, "intake")

    offered_at, lawyer_id, first_assignment = None, None, True
    for name, at, lawyer, previous, source in s.transitions:
        if name == "refer":
            add(at, DECISION, f"referral:{referral_kind(s.referred_to)}")
            add(at, DURATION, "decision", _days(born, at))
        elif name == "withdraw":
            add(at, WITHDRAWN, source)
        elif name in ("assign", "reassign"):
            offered_at, lawyer_id = at, lawyer
            add(at, OFFER, "made")
            add(at, LAWYER, lawyer, "made")
            if name == "assign" and first_assignment and s.accepted_at:
                add(at, DURATION, "assignment", _days(s.accepted_at, at))
            first_assignment = False
        elif name in ("accept", "decline", "expire"):
            status = {"accept": "accepted", "decline": "declined", "expire": "expired"}[name]
            who = previous if name != "accept" else lawyer_id
            add(at, OFFER, status)
            if who:
                add(at, LAWYER, who, status)
            if name == "accept" and offered_at:
                add(at, DURATION, "lawyer_accept", _days(offered_at, at))

    for rule, status, trigger_date, closed_at in s.deadlines:
        add(closed_at, DEADLINE, rule, status)
        if rule == "sla.first_contact" and status == Deadline.Status.DONE:
            add(closed_at, DURATION, "first_contact", _days(trigger_date, closed_at))

    if s.resolved_at and s.state in ("resolved", "closed") and s.outcome:
        add(s.resolved_at, OUTCOME, s.outcome, recovered=s.amount_recovered)
        add(
            s.resolved_at,
            RESOLVED,
            claim,
            claimed=s.amount_claimed,
            recovered=s.amount_recovered,
        )
        if s.amount_claimed is not None:
            add(s.resolved_at, CLAIMED_HIST, claim, amount_bucket(s.amount_claimed))
        if s.amount_recovered is not None:
            add(s.resolved_at, RECOVERED_HIST, claim, amount_bucket(s.amount_recovered))
    return dict(facts)


def areas(region_code: str, station_id: int, metric: str):
    """(depth, area, station) rows a fact of this metric is added to."""
    if metric == LAWYER:
        return [(d, region_code[: (0, 2, 4, 6)[d]], 0) for d in LAWYER_DEPTHS]
    rows = [(0, "", 0), (1, region_code[:2], 0), (2, region_code[:4], 0), (3, region_code, 0)]
    if metric in STATION_METRICS:
        rows.append((4, region_code, station_id))
    return rows


def expand(facts: dict, region_code: str, station_id: int, into=None) -> dict:
    """Case facts → rollup cells {(month, depth, area, station, metric, key, sub): [n, c, r]}."""
    cells = into if into is not None else defaultdict(lambda: [0, ZERO, ZERO])
    for (month, metric, key, sub), (n, claimed, recovered) in facts.items():
        for depth, area, station in areas(region_code, station_id, metric):
            cell = cells[(month, depth, area, station, metric, key, sub)]
            cell[0] += n
            cell[1] += claimed
            cell[2] += recovered
    return cells


# ---------------------------------------------------------------------------
# Loading snapshots


CASE_FIELDS = (
    "pk",
    "region_code",
    "station_id",
    "created_at",
    "claims",
    "worker__platform",
    "worker__arrangement",
    "amount_claimed",
    "state",
    "outcome",
    "amount_recovered",
    "accepted_at",
    "resolved_at",
    "referred_to",
)
FACT_TRANSITIONS = ("refer", "withdraw", "assign", "reassign", "accept", "decline", "expire")


def _snapshots(rows, case_ids) -> dict[int, Snapshot]:
    """Snapshots of these case rows (CASE_FIELDS values), with three more queries."""
    snaps = {
        row[0]: Snapshot(
            region_code=row[1],
            station_id=row[2],
            created_at=row[3],
            claims=row[4],
            platform=row[5],
            arrangement=row[6],
            amount_claimed=row[7],
            state=row[8],
            outcome=row[9],
            amount_recovered=row[10],
            accepted_at=row[11],
            resolved_at=row[12],
            referred_to=row[13],
        )
        for row in rows
    }
    for case_id, key in Party.objects.filter(
        case_id__in=case_ids, kind__in=ORG_KINDS, name_key__gt=""
    ).values_list("case_id", "name_key"):
        snaps[case_id].respondents.append(key)
    events = (
        CaseEvent.objects.filter(
            case_id__in=case_ids,
            kind=CaseEvent.Kind.TRANSITION,
            transition__in=FACT_TRANSITIONS,
        )
        .order_by("at", "pk")
        .values_list("case_id", "transition", "at", "data", "source_state")
    )
    for case_id, name, at, data, source in events:
        data = data or {}
        snaps[case_id].transitions.append(
            (name, at, data.get("lawyer_id"), data.get("previous_lawyer_id"), source)
        )
    for case_id, *deadline in (
        Deadline.objects.filter(case_id__in=case_ids, closed_at__isnull=False)
        .exclude(status=Deadline.Status.OPEN)
        .order_by("pk")
        .values_list("case_id", "rule", "status", "trigger_date", "closed_at")
    ):
        snaps[case_id].deadlines.append(tuple(deadline))
    return snaps


def snapshot(case) -> Snapshot:
    row = Case.objects.filter(pk=case.pk).values_list(*CASE_FIELDS).get()
    return _snapshots([row], [case.pk])[case.pk]


NOTHING: dict = {}


def facts_of(case) -> dict:
    """The case's facts as the database has them now (inside the caller's transaction)."""
    return case_facts(snapshot(case))


class Baseline:
    """A case's facts as the rollup last counted them, while a change is under way."""

    def __init__(self, case_pk: int, facts: dict):
        self.case_pk = case_pk
        self.facts = facts


_open = threading.local()


def _baselines(case_pk: int) -> list:
    if not hasattr(_open, "by_case"):
        _open.by_case = {}
    return _open.by_case.setdefault(case_pk, [])


@contextmanager
def tracking(case):
    """Count in the rollup what the block changes in the case's facts.

    A change may run another one on the same case inside it (a decline routes the case
    onward, which assigns it): the inner one adds its own difference, and every
    baseline still open for the case takes that difference as counted, so the outer one
    adds only the rest. Nothing is counted if the block raises."""
    baseline = Baseline(case.pk, facts_of(case))
    stack = _baselines(case.pk)
    stack.append(baseline)
    try:
        yield
        record_change(case, baseline)
    finally:
        stack.remove(baseline)
        if not stack:
            _open.by_case.pop(case.pk, None)


# ---------------------------------------------------------------------------
# Writing


def difference(after: dict, before: dict) -> dict:
    delta = {}
    for key in after.keys() | before.keys():
        a = after.get(key, (0, ZERO, ZERO))
        b = before.get(key, (0, ZERO, ZERO))
        change = [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
        if any(change):
            delta[key] = change
    return delta


UPSERT_BATCH = 80  # rows per statement (10 parameters each)


def add_cells(cells: dict) -> None:
    """Add these amounts to the rollup: one INSERT … ON CONFLICT per batch (SQLite and
    PostgreSQL both take it), so concurrent writers add rather than overwrite."""
    items = [(k, v) for k, v in cells.items() if any(v)]
    table = StatCell._meta.db_table
    columns = "month, depth, area, station, metric, key, sub, n, claimed, recovered"
    conflict = "depth, area, station, month, metric, key, sub"
    qn = connection.ops.quote_name
    for start in range(0, len(items), UPSERT_BATCH):
        batch = items[start : start + UPSERT_BATCH]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
        params = []
        for (month, depth, area, station, metric, key, sub), (n, claimed, recovered) in batch:
            params += [month, depth, area, station, metric, key, sub, n, claimed, recovered]
        sql = (
            f"INSERT INTO {qn(table)} ({columns.replace('key', qn('key'))}) VALUES {values} "
            f"ON CONFLICT ({conflict.replace('key', qn('key'))}) DO UPDATE SET "
            f"n = {qn(table)}.n + excluded.n, "
            f"claimed = {qn(table)}.claimed + excluded.claimed, "
            f"recovered = {qn(table)}.recovered + excluded.recovered"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def record_change(case, before) -> None:
    """Add to the rollup what changed in this case's facts since `before` (a Baseline,
    or NOTHING for a new case). Call inside the transaction that made the change."""
    after = facts_of(case)
    delta = difference(after, before.facts if isinstance(before, Baseline) else before)
    if delta:
        add_cells(expand(delta, case.region_code, case.station_id))
        mark_changed(case.region_code, case.station_id)
    # The rollup now counts this delta: every other open baseline of the case (an outer
    # change still under way) counts it as already added.
    for baseline in getattr(_open, "by_case", {}).get(case.pk, ()):
        if baseline is not before:
            baseline.facts = _plus(baseline.facts, delta)


def _plus(facts: dict, delta: dict) -> dict:
    out = {k: list(v) for k, v in facts.items()}
    for key, (n, claimed, recovered) in delta.items():
        cell = out.setdefault(key, [0, ZERO, ZERO])
        cell[0] += n
        cell[1] += claimed
        cell[2] += recovered
    return out


def record_intake(case, worker, parties) -> None:
    """A new case's facts, from what intake has in hand (no reads): it has no decision,
    offer, closed deadline or outcome yet."""
    snap = Snapshot(
        region_code=case.region_code,
        station_id=case.station_id,
        created_at=case.created_at,
        claims=case.claims,
        platform=worker.platform,
        arrangement=worker.arrangement,
        amount_claimed=case.amount_claimed,
        state=case.state,
        outcome=case.outcome,
        amount_recovered=case.amount_recovered,
        accepted_at=None,
        resolved_at=None,
        referred_to="",
        respondents=[p.name_key for p in parties if p.kind in ORG_KINDS and p.name_key],
    )
    add_cells(expand(case_facts(snap), case.region_code, case.station_id))
    mark_changed(case.region_code, case.station_id)
    remember_respondents(parties)


def mark_changed(region_code: str, station_id: int) -> None:
    """Tell the cached statistics pages of this station's areas that they are out of
    date (an insert, in the writer's transaction: seen when it commits, never waited on)."""
    StatChange.objects.create(region_code=region_code, station=station_id or 0)


def remember_respondents(parties) -> None:
    """How each new respondent key is shown (the first name seen wins)."""
    rows = {}
    for party in parties:
        if party.kind in ORG_KINDS and party.name_key and party.name_key not in rows:
            rows[party.name_key] = Respondent(
                key=party.name_key, name=party.name[:100], kind=party.kind
            )
    if rows:
        Respondent.objects.bulk_create(rows.values(), ignore_conflicts=True)


def respondent_key(name: str) -> str:
    return normalize_org(name)[:100]


# ---------------------------------------------------------------------------
# The nightly reconcile


def expected_cells(case_filter=None, *, chunk: int = 2000) -> dict:
    """Every cell as the source tables say it should be, for the cases matching
    `case_filter` (a dict of filter arguments), computed in chunks of cases."""
    cells = defaultdict(lambda: [0, ZERO, ZERO])
    cases = Case.objects.filter(**(case_filter or {}))
    # The ids first, then the rows chunk by chunk: asking for "the next 2,000 of this
    # province after id N" made the database walk the province again for every chunk
    # (the reconcile grew with the square of the cases: 16 s at 20,000, 164 s at 40,000).
    ids = sorted(cases.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        some = ids[start : start + chunk]
        rows = list(Case.objects.filter(pk__in=some).values_list(*CASE_FIELDS))
        for snap in _snapshots(rows, some).values():
            expand(case_facts(snap), snap.region_code, snap.station_id, into=cells)
    return cells


STORED = ("month", "depth", "area", "station", "metric", "key", "sub")


def _stored(queryset) -> dict:
    """{cell key: (pk, n, claimed, recovered)} — tuples, not model instances: the reconcile
    reads every cell of a province."""
    return {
        row[1:8]: (row[0], *row[8:])
        for row in queryset.values_list("pk", *STORED, "n", "claimed", "recovered").iterator(
            chunk_size=5000
        )
    }


def _insert(rows: list) -> None:
    """New cells: COPY on PostgreSQL when there are many (the first build of a large
    rollup), bulk_create otherwise."""
    if connection.vendor == "postgresql" and len(rows) > 5000:
        table = StatCell._meta.db_table
        columns = ", ".join(
            connection.ops.quote_name(c) for c in (*STORED, "n", "claimed", "recovered")
        )
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            buffer = io.StringIO()
            for n, row in enumerate(rows, 1):
                buffer.write("\t".join(str(v) for v in row) + "\n")
                if n % 50_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        return
    StatCell.objects.bulk_create(
        [
            StatCell(**dict(zip((*STORED, "n", "claimed", "recovered"), row, strict=True)))
            for row in rows
        ],
        batch_size=5000,
    )


def _update(cells: list) -> None:
    """Write new figures into existing cells. Many on PostgreSQL: COPY them into a
    temporary table and UPDATE … FROM it, in one pass (bulk_update's CASE WHEN grows with
    the square of its batch: the reconcile after adding 20,000 cases to 20,000 took 200 s
    in it)."""
    if connection.vendor != "postgresql" or len(cells) <= 5000:
        StatCell.objects.bulk_update(cells, ["n", "claimed", "recovered"], batch_size=2000)
        return
    table = StatCell._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE statcell_fix (id bigint, n integer, claimed numeric, "
            "recovered numeric) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY statcell_fix (id, n, claimed, recovered) FROM STDIN") as copy:
            for cell in cells:
                copy.write_row((cell.pk, cell.n, cell.claimed, cell.recovered))
        cursor.execute(
            f"UPDATE {table} AS c SET n = f.n, claimed = f.claimed, recovered = f.recovered "
            "FROM statcell_fix AS f WHERE c.id = f.id"
        )
        cursor.execute("DROP TABLE statcell_fix")


def _repair(expected: dict, stored: dict) -> int:
    """Make the stored cells equal the expected ones; returns how many were wrong."""
    create, update = [], []
    for key, (n, claimed, recovered) in expected.items():
        cell = stored.pop(key, None)
        if cell is None:
            if n or claimed or recovered:
                create.append((*key, n, claimed, recovered))
        elif tuple(cell[1:]) != (n, claimed, recovered):
            update.append(StatCell(pk=cell[0], n=n, claimed=claimed, recovered=recovered))
    delete = [cell[0] for cell in stored.values()]
    # Cells a decrement brought to zero are harmless leftovers, not drift.
    wrong = [c for c in stored.values() if any(c[1:])]
    _insert(create)
    _update(update)
    for start in range(0, len(delete), 5000):
        StatCell.objects.filter(pk__in=delete[start : start + 5000]).delete()
    return len(create) + len(update) + len(wrong)


def _lock() -> None:
    """Writers wait while the reconcile runs (readers do not): a change committed between
    its reading and its writing would otherwise be lost until the next night."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {StatCell._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def reconcile() -> dict:
    """Recompute the rollup from the source tables and repair it; province by province
    so that memory stays bounded, then the national rows. Safe to run twice."""
    fixed = 0
    provinces = sorted(
        {code[:2] for code in Case.objects.values_list("region_code", flat=True).distinct()}
    )
    with transaction.atomic():
        _lock()
        national = defaultdict(lambda: [0, ZERO, ZERO])
        for province in provinces:
            expected = expected_cells({"region_code__startswith": province})
            for key, value in expected.items():
                if key[1] == 0:
                    cell = national[key]
                    cell[0] += value[0]
                    cell[1] += value[1]
                    cell[2] += value[2]
            expected = {k: v for k, v in expected.items() if k[1] > 0}
            stored = _stored(StatCell.objects.filter(depth__gt=0, area__startswith=province))
            fixed += _repair(expected, stored)
        # Rows of provinces without cases any more.
        stale = StatCell.objects.filter(depth__gt=0)
        for province in provinces:
            stale = stale.exclude(area__startswith=province)
        fixed += stale.exclude(n=0, claimed=0, recovered=0).count()
        stale.delete()
        fixed += _repair(national, _stored(StatCell.objects.filter(depth=0)))
        _restart_marks()
    return {"provinces": len(provinces), "cells_fixed": fixed}


def _restart_marks() -> None:
    """Keep the change marks few: one new mark replaces them all. Every cached page then
    differs from the marks (the oldest kept is new), so repaired figures show at once."""
    newest = StatChange.objects.create(region_code="", station=0)
    StatChange.objects.filter(pk__lt=newest.pk).delete()
