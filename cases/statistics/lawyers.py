"""The coordinator's per-lawyer figures for a city or a district: open cases against
capacity (live: the lawyer rows, then their open cases on the (lawyer, state) index), offers and answers in the period (rollup), and the
latest decline reasons. Analysts never see these: they name people."""

from collections import defaultdict

from django.db.models import Count, Q, Sum

from cases.models import Case, CaseEvent, StatCell
from cases.statistics import rollup
from cases.statistics.behind import between
from lawyers.models import Lawyer
from lawyers.routing import OPEN_LAWYER_STATES

DECLINES_SHOWN = 10


def per_lawyer(page) -> list[dict]:
    scope, period = page.scope, page.period
    answers = defaultdict(lambda: defaultdict(int))
    for row in (
        StatCell.objects.filter(
            depth=scope.depth,
            area=scope.area,
            station=0,
            metric=rollup.LAWYER,
            month__gte=period.first,
            month__lte=period.last,
        )
        .values("key", "sub")
        .annotate(n=Sum("n"))
    ):
        answers[int(row["key"])][row["sub"]] = row["n"]
    prefixes = [scope.prefix[:length] for length in (2, 4, 6) if len(scope.prefix) >= length]
    serving = Q(regions__prefix__in=prefixes) | Q(regions__prefix__startswith=scope.prefix)
    lawyers = list(
        Lawyer.objects.filter(serving | Q(pk__in=list(answers))).order_by("name").distinct()
    )
    # Open cases counted apart, on the (lawyer, state) index: as an annotation over the
    # join with the service regions it took 0.2 s for one district at 300,000 cases.
    open_cases = dict(
        Case.objects.filter(lawyer__in=[lawyer.pk for lawyer in lawyers])
        .filter(state__in=OPEN_LAWYER_STATES)
        .values("lawyer")
        .annotate(n=Count("pk"))
        .values_list("lawyer", "n")
    )
    rows = []
    for lawyer in lawyers:
        figures = answers.get(lawyer.pk, {})
        open_now = open_cases.get(lawyer.pk, 0)
        rows.append(
            {
                "lawyer": lawyer,
                "open": open_now,
                "capacity": lawyer.capacity,
                "load": open_now / lawyer.capacity if lawyer.capacity else 0,
                "made": figures.get("made", 0),
                "accepted": figures.get("accepted", 0),
                "declined": figures.get("declined", 0),
                "expired": figures.get("expired", 0),
            }
        )
    return rows


def recent_declines(page) -> list:
    """The latest decline reasons in the scope and period (free text: coordinators only)."""
    scope, period = page.scope, page.period
    # From the scope's cases (a city's or a district's, on the region index) to their
    # events, not the other way: filtering every decline in the country by its case's
    # region, with the date cast in SQL, took 1.8 s at 1,000,000 cases.
    cases = Case.objects.filter(region_code__startswith=scope.prefix)
    if scope.station:
        cases = cases.filter(station=scope.station)
    ids = list(cases.values_list("pk", flat=True))
    events = CaseEvent.objects.filter(
        between("at", period.first, period.end),
        kind=CaseEvent.Kind.TRANSITION,
        transition="decline",
        case_id__in=ids,
    )
    return list(events.select_related("case").order_by("-at")[:DECLINES_SHOWN])
