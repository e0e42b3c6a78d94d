"""Where stations are: coordinates, distances, and whether a position is plausible.

Coordinates are **GCJ-02** longitude and latitude in degrees: the system every map app
in mainland China (Amap, Tencent; Baidu accepts it with coord_type=gcj02) shows and
copies, so a volunteer who reads a position off a map app types GCJ-02. A browser's
geolocation answers in WGS-84 (GPS), which sits 100–700 m off on a Chinese map:
`wgs84_to_gcj02` converts it before it is stored or searched with.

Pure functions, no ORM: the finder (stations/finder.py), the importer, the admin and
the station's own position page all call these.
"""

import csv
import functools
import math
from pathlib import Path
from urllib.parse import quote_plus

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARTH_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_KM / 180  # along a meridian

# Mainland China, Hainan and the South China Sea islands fit in this box; it is also
# where GCJ-02 is defined (outside it the conversion leaves WGS-84 unchanged).
LNG_MIN, LNG_MAX = 73.4, 135.1
LAT_MIN, LAT_MAX = 3.8, 53.6

# How far a station may be from the nearest seat of government of a county in its
# city (prefecture) and still be taken as inside its region. Counties in the east are
# 20–60 km across; in Inner Mongolia, Tibet, Qinghai and Xinjiang some span hundreds
# of kilometres, and Sansha (460300) is islands across the South China Sea.
DEFAULT_REACH_KM = 80
WIDE_PROVINCES = {"15", "54", "63", "65"}
WIDE_REACH_KM = 300
UNCHECKED_PREFIXES = ("4603",)

SEATS_FILE = Path(__file__).resolve().parent / "data" / "region_seats.csv"


def inside_box(lng: float, lat: float) -> bool:
    return LNG_MIN <= lng <= LNG_MAX and LAT_MIN <= lat <= LAT_MAX


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, km: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lng_min, lng_max) of a box that contains every point within
    `km` of (lat, lng): whatever lies outside it is farther than `km`."""
    dlat = km / KM_PER_DEGREE
    # The box must be wide enough at its poleward edge, where a degree is shortest.
    edge = min(89.0, abs(lat) + dlat)
    dlng = min(180.0, km / (KM_PER_DEGREE * math.cos(math.radians(edge))))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


# ---------------------------------------------------------------------------
# WGS-84 → GCJ-02 (the published conversion: Krasovsky ellipsoid, fixed polynomial)

_A = 6378245.0
_EE = 0.00669342162296594323


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """A GPS (browser geolocation) position as a Chinese map app shows it."""
    if not inside_box(lng, lat):
        return lng, lat
    dlat = _offset_lat(lng - 105.0, lat - 35.0)
    dlng = _offset_lng(lng - 105.0, lat - 35.0)
    radlat = math.radians(lat)
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return round(lng + dlng, 6), round(lat + dlat, 6)


# ---------------------------------------------------------------------------
# Is a position plausible for a region?


@functools.lru_cache(maxsize=1)
def region_seats() -> dict[str, tuple[float, float]]:
    """{region code: (lng, lat)} of the seats of government we know (GCJ-02)."""
    seats = {}
    with SEATS_FILE.open(encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            seats[row["code"]] = (float(row["lng"]), float(row["lat"]))
    return seats


@functools.lru_cache(maxsize=1024)
def _seats_under(prefix: str) -> tuple[tuple[str, float, float], ...]:
    return tuple(
        (code, lng, lat) for code, (lng, lat) in region_seats().items() if code.startswith(prefix)
    )


def _city_prefix(region_code: str) -> str:
    """The prefecture a station's code belongs to ("110105" → "1101"); a province-level
    code stands for its whole province."""
    return region_code[:2] if region_code.endswith("0000") else region_code[:4]


def check_position(region_code: str, lng, lat) -> None:
    """Refuse coordinates outside China, or too far from every county seat of the
    station's city to be in its region. The messages say what to check."""
    if lng is None and lat is None:
        return
    if lng is None or lat is None:
        raise ValidationError(_("经度和纬度须同时填写或同时留空。"))
    if not (math.isfinite(lng) and math.isfinite(lat)):
        raise ValidationError(_("经纬度应为数字。"))
    if not inside_box(lng, lat):
        if inside_box(lat, lng):
            raise ValidationError(
                _("经度 %(lng)s、纬度 %(lat)s 不在中国境内；看起来经度和纬度填反了。")
                % {"lng": lng, "lat": lat}
            )
        raise ValidationError(
            _(
                "经度 %(lng)s、纬度 %(lat)s 不在中国境内（经度应在 73.4–135.1，纬度应在 3.8–53.6 之间）。"
            )
            % {"lng": lng, "lat": lat}
        )
    if not region_code or region_code.startswith(UNCHECKED_PREFIXES):
        return
    prefix = _city_prefix(region_code)
    seats = _seats_under(prefix)
    reach = WIDE_REACH_KM if region_code[:2] in WIDE_PROVINCES else DEFAULT_REACH_KM
    if not seats:
        # A city created after our seat list: judge by its province, more loosely.
        seats = _seats_under(region_code[:2])
        reach = max(reach, WIDE_REACH_KM)
    if not seats:
        return
    nearest = min(distance_km(lat, lng, s_lat, s_lng) for _code, s_lng, s_lat in seats)
    if nearest > reach:
        raise ValidationError(
            _(
                "经度 %(lng)s、纬度 %(lat)s 离区划 %(code)s 所在城市的各区县政府都超过 "
                "%(reach)d 公里（最近 %(km)d 公里），请核对经纬度和区划代码。"
            )
            % {"lng": lng, "lat": lat, "code": region_code, "reach": reach, "km": round(nearest)}
        )


# ---------------------------------------------------------------------------
# Opening the map app: web addresses that need no API key and hand over to the app
# when it is installed.


def amap_url(lng: float, lat: float, name: str) -> str:
    return (
        f"https://uri.amap.com/marker?position={lng}%2C{lat}&name={quote_plus(name)}"
        "&coordinate=gaode&callnative=1"
    )


def baidu_url(lng: float, lat: float, name: str, address: str = "") -> str:
    return (
        f"https://api.map.baidu.com/marker?location={lat}%2C{lng}&title={quote_plus(name)}"
        f"&content={quote_plus(address or name)}&coord_type=gcj02&output=html"
        "&src=yizhan.legalaid"
    )
