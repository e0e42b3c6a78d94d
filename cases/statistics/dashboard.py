"""What the statistics pages and the monthly report show, read from the rollup.

Each page is a few fixed queries on `StatCell` (never on the case table), whatever the
number of cases: the scope's own rows for the period (and the comparison periods), its
children's rows for the drill-down, names. The figures come out as partitions
(cases/statistics/suppression.py), which analysts get protected; charts and tables are
drawn from the partitions, so a chart can never show what its table hides.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from cases.models import StatCell
from cases.statistics.periods import Period, add_months
from cases.statistics.suppression import Cell, Partition, protect, subtotal
from stations.models import Region, Station
from stations.regions import prefix_of

ZERO = Decimal(0)
LEVEL_NAMES = {
    0: gettext_lazy("省份"),
    1: gettext_lazy("地市"),
    2: gettext_lazy("区县"),
    3: gettext_lazy("驿站"),
}

# ---------------------------------------------------------------------------
# Scope: where in the region tree a page is


@dataclass
class Scope:
    prefix: str  # "" for the country
    depth: int  # 0 country, 1 province, 2 city, 3 district, 4 station
    code: str = ""  # the six-digit region code ("" for the country)
    station: Station | None = None
    name: str = ""
    trail: list = field(default_factory=list)  # [(name, params)] from the country down

    @property
    def area(self) -> str:
        return self.prefix

    @property
    def station_id(self) -> int:
        return self.station.pk if self.station else 0

    @property
    def params(self) -> dict:
        params = {"region": self.code} if self.code else {}
        if self.station:
            params["station"] = self.station.code
        return params

    @property
    def child_level(self) -> str:
        return str(LEVEL_NAMES.get(self.depth, ""))


COUNTRY = gettext_lazy("全国")


def resolve_scope(region: str, station_code: str = "") -> Scope:
    """The scope named by ?region= and ?station=; 404 for an unknown region or station
    (whether it is in the user's scope is the view's check, on the prefix)."""
    if station_code:
        station = Station.objects.filter(code=station_code).first()
        if station is None or (region and not station.region_code.startswith(prefix_of(region))):
            raise Http404
        region = station.region_code
    else:
        station = None
    if not region:
        return Scope(prefix="", depth=0, name=str(COUNTRY), trail=[(str(COUNTRY), {})])
    prefix = prefix_of(region)
    chain = sorted({region[:2] + "0000", region[:4] + "00", region})
    names = dict(Region.objects.filter(code__in=chain).values_list("code", "name"))
    if region not in names:
        raise Http404
    trail = [(str(COUNTRY), {})]
    for code in chain:
        if code in names and len(prefix_of(code)) <= len(prefix):
            trail.append((names[code], {"region": code}))
    scope = Scope(prefix=prefix, depth={2: 1, 4: 2, 6: 3}[len(prefix)], code=region)
    scope.name = names[region]
    if station is not None:
        scope.depth, scope.station, scope.name = 4, station, station.name
        trail.append((station.name, {"region": region, "station": station.code}))
    scope.trail = trail
    return scope


# ---------------------------------------------------------------------------
# Reading the rollup


class Sums:
    """{metric: {(key, sub): [n, claimed, recovered]}} over some months."""

    def __init__(self):
        self.data = defaultdict(lambda: defaultdict(lambda: [0, ZERO, ZERO]))

    def add(self, metric, key, sub, n, claimed, recovered):
        cell = self.data[metric][(key, sub)]
        cell[0] += n
        cell[1] += claimed or ZERO
        cell[2] += recovered or ZERO

    def by_key(self, metric) -> dict:
        out = defaultdict(lambda: [0, ZERO, ZERO])
        for (key, _sub), (n, claimed, recovered) in self.data[metric].items():
            cell = out[key]
            cell[0] += n
            cell[1] += claimed
            cell[2] += recovered
        return out

    def by_sub(self, metric, key) -> dict:
        return {sub: v for (k, sub), v in self.data[metric].items() if k == key}

    def total(self, metric) -> list:
        out = [0, ZERO, ZERO]
        for n, claimed, recovered in self.data[metric].values():
            out[0] += n
            out[1] += claimed
            out[2] += recovered
        return out


def own_rows(scope: Scope):
    return StatCell.objects.filter(depth=scope.depth, area=scope.area, station=scope.station_id)


def load_own(scope: Scope, periods: dict, metrics, *, monthly: frozenset = frozenset()) -> dict:
    """One query: the scope's rows for `metrics` over every period in `periods`
    ({name: Period}); returns {name: Sums}, and under "months" {month: Sums} of the
    first period for the metrics in `monthly`."""
    first = min(p.first for p in periods.values())
    last = max(p.last for p in periods.values())
    rows = own_rows(scope).filter(month__gte=first, month__lte=last, metric__in=list(metrics))
    out = {name: Sums() for name in periods}
    months = defaultdict(Sums)
    main = next(iter(periods.values()))
    for month, metric, key, sub, n, claimed, recovered in rows.values_list(
        "month", "metric", "key", "sub", "n", "claimed", "recovered"
    ):
        for name, period in periods.items():
            if period.first <= month <= period.last:
                out[name].add(metric, key, sub, n, claimed, recovered)
        if metric in monthly and main.first <= month <= main.last:
            months[month].add(metric, key, sub, n, claimed, recovered)
    out["months"] = months
    return out


def load_children(scope: Scope, period: Period, metrics) -> list[dict]:
    """[{key, name, params, metric: [n, claimed, recovered]}] for the areas one level down
    (a province's districts directly when its cities have no code of their own, as in the
    municipalities); one query for the figures and one for the names."""
    if scope.depth == 4:
        return []
    rows = StatCell.objects.filter(
        month__gte=period.first, month__lte=period.last, metric__in=list(metrics)
    )
    if scope.depth == 3:
        rows = rows.filter(depth=4, area=scope.area).values("station", "metric")
    else:
        depths = [2, 3] if scope.depth == 1 else [scope.depth + 1]
        rows = rows.filter(depth__in=depths, area__startswith=scope.prefix)
        rows = rows.values("depth", "area", "metric")
    figures = defaultdict(lambda: defaultdict(lambda: [0, ZERO, ZERO]))
    for row in rows.annotate(n=Sum("n"), claimed=Sum("claimed"), recovered=Sum("recovered")):
        child = row.get("station") or (row["depth"], row["area"])
        figures[child][row["metric"]] = [row["n"], row["claimed"] or ZERO, row["recovered"] or ZERO]
    if scope.depth == 3:
        stations = Station.objects.filter(pk__in=list(figures)).values_list("pk", "code", "name")
        return [
            {
                "key": str(pk),
                "name": name,
                "params": {"region": scope.code, "station": code},
                **figures[pk],
            }
            for pk, code, name in sorted(stations, key=lambda s: s[1])
        ]
    codes = {area.ljust(6, "0") for (_depth, area) in figures}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    children = []
    for (depth, area), metrics_ in sorted(figures.items(), key=lambda item: item[0][1]):
        code = area.ljust(6, "0")
        if scope.depth == 1:
            city_named = (area[:4] + "00") in names
            # A named city is the child; a district is one only when its city has no name.
            if (depth == 2 and not city_named) or (depth == 3 and city_named):
                continue
        children.append(
            {"key": area, "name": names.get(code, code), "params": {"region": code}, **metrics_}
        )
    return children


# ---------------------------------------------------------------------------
# Building partitions


def make_cell(key, label, values=None, url="") -> Cell:
    n, claimed, recovered = values or (0, ZERO, ZERO)
    return Cell(key=key, label=str(label), n=n, claimed=claimed, recovered=recovered, url=url)


class Page:
    """The partitions and other figures of one statistics page, protected for analysts."""

    def __init__(self, scope: Scope, period: Period, *, suppressed: bool, links: bool):
        self.scope = scope
        self.period = period
        self.suppressed = suppressed
        self.links = links
        self.partitions: dict[str, Partition] = {}
        self.totals: dict[str, Cell] = {}
        self.extra: dict = {}

    def url(self, metric: str, key: str = "", sub: str = "", **params) -> str:
        """The list of the cases behind a figure (coordinators only)."""
        if not self.links:
            return ""
        query = {**self.scope.params, **self.period.params, "metric": metric, **params}
        if key:
            query["key"] = key
        if sub:
            query["sub"] = sub
        return reverse("statistics:cases") + "?" + urlencode(query)

    def total(self, name: str, values, metric: str = "", **link) -> Cell:
        cell = make_cell(name, "", values, self.url(metric, **link) if metric else "")
        self.totals[name] = cell
        return cell

    def partition(self, name, total: Cell, rows) -> Partition:
        """rows: [(key, label, [n, claimed, recovered], url)]"""
        part = Partition(
            name=name, total=total, cells=[make_cell(k, label, v, url) for k, label, v, url in rows]
        )
        self.partitions[name] = part
        return part

    def by_choices(self, name, total: Cell, sums: "Sums", metric: str, choices) -> Partition:
        """The partition of `metric` by its keys, one cell per choice in order, each
        linking to its cases."""
        values = sums.by_key(metric)
        return self.partition(
            name,
            total,
            [(key, label, values.get(key), self.url(metric, key)) for key, label in choices],
        )

    def protect(self) -> None:
        if self.suppressed:
            protect(list(self.partitions.values()))

    def subtotal(self, partition: str, keys) -> Cell:
        return subtotal(self.partitions[partition], keys, suppressed=self.suppressed)


def comparison_labels(period: Period) -> dict:
    return {
        "previous": str(period.previous()),
        "last_year": str(period.last_year()) if period.last_year() else "",
    }


def month_after(day: datetime.date) -> datetime.date:
    return add_months(day, 1)
