"""The cases behind a figure: for a coordinator, each count on the statistics pages
links here, and this is the same definition in SQL as rollup.case_facts in Python
(tests/test_statistics.py follows every link on the pages and compares the counts).

Counts of cases (received, stage, decision, outcome …) list exactly their cases;
counts of events (offers, deadlines) list the cases they happened on, each once.
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.models import Case, CaseEvent, Deadline, Party
from cases.statistics import rollup
from cases.statistics.periods import Period, add_months

PER_CASE = frozenset(
    {
        rollup.RECEIVED,
        rollup.PLATFORM,
        rollup.ARRANGEMENT,
        rollup.STAGE,
        rollup.DECISION,
        rollup.OUTCOME,
        rollup.RESOLVED,
        rollup.WITHDRAWN,
        rollup.RESPONDENT,
    }
)
METRICS = PER_CASE | {rollup.DEADLINE, rollup.OFFER}
ADVICE = Case.Outcome.ADVICE


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def between(field: str, first: datetime.date, end: datetime.date) -> Q:
    return Q(**{f"{field}__gte": _moment(first), f"{field}__lt": _moment(end)})


def stage_q(stage: str) -> Q:
    """rollup.stage_of as a filter."""
    advice = Q(outcome=ADVICE)
    after_referral = Q(state="closed") & ~Q(referred_to="") & Q(outcome="")
    if stage in ("received", "withdrawn"):
        return Q(state=stage)
    if stage == "intake":
        return advice & ~Q(state__in=["received", "withdrawn"])
    if stage == "referred":
        return ~advice & (Q(state="referred") | after_referral)
    if stage == "closed":
        return Q(state="closed") & ~advice & ~after_referral
    return Q(state=stage) & ~advice


def _event(names, first, end, **extra) -> Exists:
    return Exists(
        CaseEvent.objects.filter(
            case=OuterRef("pk"),
            kind=CaseEvent.Kind.TRANSITION,
            transition__in=names,
            **extra,
        ).filter(between("at", first, end))
    )


def cases_behind(cases, period: Period, metric: str, key: str = "", sub: str = "", month=None):
    """`cases` (already narrowed to the user's view and the scope) behind one figure;
    None for a metric that has no list."""
    first, end = period.first, period.end
    if month is not None:
        first, end = month, add_months(month, 1)
    created = between("created_at", first, end)
    resolved = (
        between("resolved_at", first, end) & Q(state__in=["resolved", "closed"]) & ~Q(outcome="")
    )
    claim = Q(claims__startswith=key) if key else Q()
    if metric == rollup.RECEIVED:
        return cases.filter(created, claim)
    if metric == rollup.PLATFORM:
        return cases.filter(created, worker__platform=key)
    if metric == rollup.ARRANGEMENT:
        return cases.filter(created, worker__arrangement=key)
    if metric == rollup.STAGE:
        return cases.filter(created, stage_q(key))
    if metric == rollup.RESPONDENT:
        parties = Party.objects.filter(case=OuterRef("pk"), kind__in=rollup.ORG_KINDS, name_key=key)
        return cases.filter(created, Exists(parties), Q(claims__startswith=sub) if sub else Q())
    if metric == rollup.DECISION:
        if key == "accepted":
            return cases.filter(between("accepted_at", first, end))
        if key == "intake":
            return cases.filter(between("resolved_at", first, end), outcome=ADVICE)
        kind = key.removeprefix("referral:")
        referred = cases.filter(_event(["refer"], first, end))
        ids = [
            pk
            for pk, destination in referred.values_list("pk", "referred_to")
            if rollup.referral_kind(destination) == kind
        ]
        return cases.filter(pk__in=ids)
    if metric == rollup.OUTCOME:
        return cases.filter(resolved, Q(outcome=key) if key else Q())
    if metric == rollup.RESOLVED:
        return cases.filter(resolved, claim)
    if metric == rollup.WITHDRAWN:
        return cases.filter(
            _event(["withdraw"], first, end, **({"source_state": key} if key else {}))
        )
    if metric == rollup.DEADLINE:
        deadlines = Deadline.objects.filter(case=OuterRef("pk"), status=sub).filter(
            between("closed_at", first, end)
        )
        if key == "statutory":
            deadlines = deadlines.exclude(rule__startswith="sla.")
        else:
            deadlines = deadlines.filter(rule=key)
        return cases.filter(Exists(deadlines))
    if metric == rollup.OFFER:
        names = {
            "made": ["assign", "reassign"],
            "accepted": ["accept"],
            "declined": ["decline"],
            "expired": ["expire"],
        }.get(key)
        return cases.filter(_event(names, first, end)) if names else None
    return None
