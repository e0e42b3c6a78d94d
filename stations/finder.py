"""The public station finder: stations in a region (a GB/T 2260 prefix), or the nearest
to a position, with the filters "legal service" and "open 24 hours".

"Near me" never scans the table: it asks for the stations inside a bounding box on the
indexed (lat, lng) columns (a partial index covers the active stations with legal
service, the finder's usual question), nearest first, and widens the box until the
box holds enough stations that are closer than its half-width; whatever lies outside
the box is farther than that, so the answer is exact (bench/station_finder.py).
"""

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F, FloatField
from django.db.models.expressions import ExpressionWrapper, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import geo
from .models import Region, Station
from .regions import PREFIX_RE, prefix_of

PAGE_SIZE = 20
NEAR_LIMIT = 10
FIRST_RADIUS_KM = 5.0
MAX_RADIUS_KM = 4000.0  # the whole country from anywhere in it
WIDEN = 4


@dataclass(frozen=True)
class Filters:
    legal: bool = True
    open_24h: bool = False


@dataclass
class Query:
    """What the finder was asked, parsed from the query string; `errors` says what was
    not understood (the page still answers the rest)."""

    prefix: str = ""
    near: tuple[float, float] | None = None  # (lat, lng), GCJ-02
    filters: Filters = field(default_factory=Filters)
    page: str | None = None
    errors: list[str] = field(default_factory=list)


def parse(params) -> Query:
    """?region=<prefix> or ?lat=&lng= (&src=gps when they come from the browser, which
    answers in WGS-84), legal=1, h24=1; f=1 marks a submitted form, where an unticked
    box means "no". Without f the finder shows stations with legal service."""
    query = Query(page=params.get("page"))
    submitted = params.get("f") == "1"
    query.filters = Filters(
        legal=params.get("legal") == "1" if submitted else True,
        open_24h=params.get("h24") == "1",
    )
    prefix = (params.get("region") or "").strip()
    if prefix:
        if PREFIX_RE.match(prefix):
            query.prefix = prefix_of(prefix.ljust(6, "0"))
        else:
            query.errors.append(_("地区代码不正确，请从下面的列表选择地区。"))
    lat, lng = params.get("lat"), params.get("lng")
    if lat or lng:
        try:
            lat_f, lng_f = float(lat), float(lng)
        except (TypeError, ValueError):
            lat_f = lng_f = math.nan
        if params.get("src") == "gps":
            lng_f, lat_f = geo.wgs84_to_gcj02(lng_f, lat_f)
        if math.isfinite(lat_f) and math.isfinite(lng_f) and geo.inside_box(lng_f, lat_f):
            query.near = (lat_f, lng_f)
        else:
            query.errors.append(_("无法识别您的位置（需要在中国境内），请改为按地区查找。"))
    return query


def filter_params(filters: Filters) -> str:
    """The filters as a query string, for links that keep them."""
    params = {"f": "1"}
    if filters.legal:
        params["legal"] = "1"
    if filters.open_24h:
        params["h24"] = "1"
    return urlencode(params)


def stations(filters: Filters):
    queryset = Station.objects.filter(active=True)
    if filters.legal:
        queryset = queryset.filter(legal=True)
    if filters.open_24h:
        queryset = queryset.filter(open_24h=True)
    return queryset


def in_region(prefix: str, filters: Filters):
    """The stations in a region prefix ("" is the whole country), by region and name."""
    queryset = stations(filters)
    if prefix:
        queryset = queryset.filter(region_code__startswith=prefix)
    return queryset.order_by("region_code", "name", "pk")


def nearest(lat: float, lng: float, filters: Filters, limit: int = NEAR_LIMIT):
    """The `limit` stations nearest to (lat, lng) that pass the filters, as
    (station, km) pairs, nearest first. One indexed query per widening of the box."""
    k = math.cos(math.radians(lat))
    # Squared distance on a local flat map: orders the few rows in the box exactly
    # enough, and the exact distance is computed below for what is shown.
    d_lat = F("lat") - Value(lat)
    d_lng = (F("lng") - Value(lng)) * Value(k)
    order = ExpressionWrapper(d_lat * d_lat + d_lng * d_lng, output_field=FloatField())
    radius = FIRST_RADIUS_KM
    while True:
        lat_min, lat_max, lng_min, lng_max = geo.bounding_box(lat, lng, radius)
        rows = (
            stations(filters)
            .filter(lat__gte=lat_min, lat__lte=lat_max, lng__gte=lng_min, lng__lte=lng_max)
            .annotate(d2=order)
            .order_by("d2", "pk")[:limit]
        )
        found = sorted(
            ((s, geo.distance_km(lat, lng, s.lat, s.lng)) for s in rows), key=lambda p: p[1]
        )
        if radius >= MAX_RADIUS_KM:
            return found
        within = [pair for pair in found if pair[1] <= radius]
        if len(within) >= limit:
            return within
        radius *= WIDEN


# ---------------------------------------------------------------------------
# The region tree, for choosing a region without JavaScript


@dataclass(frozen=True)
class Place:
    prefix: str
    name: str


def path_to(prefix: str) -> list[Place]:
    """The regions above and at `prefix`, country first (the breadcrumb)."""
    if not prefix:
        return []
    codes = [prefix[:2] + "0000"]
    if len(prefix) >= 4:
        codes.append(prefix[:4] + "00")
    if len(prefix) == 6:
        codes.append(prefix)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [Place(prefix_of(code), names[code]) for code in codes if code in names]


def children(prefix: str) -> list[Place]:
    """The regions one level below `prefix`. Municipalities (北京, 上海, 重庆, 天津) and
    county-level cities directly under a province (湖北 4290xx) have no city row: their
    districts come straight under the province."""
    if len(prefix) == 6:
        return []
    regions = Region.objects.order_by("code")
    if not prefix:
        rows = regions.filter(level=Region.Level.PROVINCE)
    elif len(prefix) == 4:
        rows = regions.filter(code__startswith=prefix, level=Region.Level.DISTRICT)
    else:
        rows = list(regions.filter(code__startswith=prefix).exclude(level=Region.Level.PROVINCE))
        cities = {r.code[:4] for r in rows if r.level == Region.Level.CITY}
        rows = [
            r
            for r in rows
            if r.level == Region.Level.CITY
            or (r.level == Region.Level.DISTRICT and r.code[:4] not in cities)
        ]
    return [Place(prefix_of(r.code), r.name) for r in rows]


def region_page(query: Query):
    return Paginator(in_region(query.prefix, query.filters), PAGE_SIZE).get_page(query.page)


# ---------------------------------------------------------------------------
# What a card shows


@dataclass
class Card:
    station: Station
    km: float | None
    amap: str
    baidu: str
    moved: str  # when a mobile station last gave its position, in the reader's words


def card(station: Station, km: float | None = None) -> Card:
    amap = baidu = moved = ""
    if station.has_position:
        amap = geo.amap_url(station.lng, station.lat, station.name)
        baidu = geo.baidu_url(station.lng, station.lat, station.name, station.address)
    if station.mobile and station.position_updated_at:
        moved = date_format(timezone.localtime(station.position_updated_at), "DATETIME_FORMAT")
    return Card(station=station, km=km, amap=amap, baidu=baidu, moved=moved)
