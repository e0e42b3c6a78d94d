"""The public station finder: stations in a region (a GB/T 2260 prefix), or the nearest
to a position, with the filters "legal service" and "open 24 hours".

"Near me" never scans the table: it asks for the stations inside a bounding box on the
indexed (lat, lng) columns (a partial index covers the active stations with legal
service, the finder's usual question), nearest first, and widens the box until the
box holds enough stations that are closer than its half-width; whatever lies outside
the box is farther than that, so the answer is exact (bench/station_finder.py).
"""

import functools
import json
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config.i18n import per_language

from . import geo
from .models import Region, Service, Station
from .regions import PREFIX_RE, prefix_of

PAGE_SIZE = 20
NEAR_LIMIT = 10
FIRST_RADIUS_KM = 8.0
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


# The columns a card shows; the nearest-stations query reads these and nothing else,
# in the model's field order (Model.from_db expects it).
_CARD = {
    "id",
    "code",
    "name",
    "region_code",
    "address",
    "phone",
    "opening_hours",
    "open_24h",
    "services",
    "legal",
    "active",
    "mobile",
    "lng",
    "lat",
    "position_updated_at",
}
CARD_FIELDS = [f.attname for f in Station._meta.concrete_fields if f.attname in _CARD]


@functools.lru_cache(maxsize=8)
def _nearest_sql(vendor: str, legal: bool, open_24h: bool) -> str:
    """The bounding-box query, written out: building and compiling the equivalent
    queryset cost several times as long as running it (bench/station_finder.py).
    The filters are literal, not parameters, so that PostgreSQL can match the partial
    index on active stations with legal service."""
    quote = connection.ops.quote_name
    conditions = [quote("active")]
    if legal:
        conditions.append(quote("legal"))
    if open_24h:
        conditions.append(quote("open_24h"))
    lat, lng = quote("lat"), quote("lng")
    return (
        f"SELECT {', '.join(quote(f) for f in CARD_FIELDS)}"
        f" FROM {quote(Station._meta.db_table)}"
        f" WHERE {' AND '.join(conditions)}"
        f" AND {lat} >= %s AND {lat} <= %s AND {lng} >= %s AND {lng} <= %s"
        f" ORDER BY ({lat} - %s) * ({lat} - %s) + ({lng} - %s) * ({lng} - %s) * %s,"
        f" {quote('id')} LIMIT %s"
    )


def _box(lat: float, lng: float, radius: float, filters: Filters, limit: int) -> list[Station]:
    """The `limit` stations in the box around (lat, lng) nearest to it, on a local flat
    map (exact enough to order the few rows in a box; the distance shown is exact)."""
    lat_min, lat_max, lng_min, lng_max = geo.bounding_box(lat, lng, radius)
    k2 = math.cos(math.radians(lat)) ** 2
    params = [lat_min, lat_max, lng_min, lng_max, lat, lat, lng, lng, k2, limit]
    sql = _nearest_sql(connection.vendor, filters.legal, filters.open_24h)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    stations = []
    for row in rows:
        values = list(row)
        services = values[CARD_FIELDS.index("services")]
        if isinstance(services, str):  # SQLite hands JSON back as text
            values[CARD_FIELDS.index("services")] = json.loads(services)
        stations.append(Station.from_db(connection.alias, CARD_FIELDS, values))
    return stations


def nearest(lat: float, lng: float, filters: Filters, limit: int = NEAR_LIMIT):
    """The `limit` stations nearest to (lat, lng) that pass the filters, as
    (station, km) pairs, nearest first. One indexed query per widening of the box."""
    radius = FIRST_RADIUS_KM
    while True:
        found = sorted(
            (
                (s, geo.distance_km(lat, lng, s.lat, s.lng))
                for s in _box(lat, lng, radius, filters, limit)
            ),
            key=lambda pair: pair[1],
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
    services: str


@per_language
def services_words(codes: tuple[str, ...]) -> str:
    labels = dict(Service.choices)
    return _("、").join(str(labels.get(code, code)) for code in codes)


def card(station: Station, km: float | None = None) -> Card:
    amap = baidu = moved = ""
    if station.has_position:
        amap = geo.amap_url(station.lng, station.lat, station.name)
        baidu = geo.baidu_url(station.lng, station.lat, station.name, station.address)
    if station.mobile and station.position_updated_at:
        moved = date_format(timezone.localtime(station.position_updated_at), "DATETIME_FORMAT")
    services = services_words(tuple(station.services)) if station.services else ""
    return Card(station=station, km=km, amap=amap, baidu=baidu, moved=moved, services=services)
