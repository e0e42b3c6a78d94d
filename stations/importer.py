"""Station CSV import: upsert by station code, report every bad row, keep the good ones.

Columns (header row required; Chinese headers accepted too):
    code, name, region_code, address, phone, opening_hours, open_24h, services, active,
    lng, lat
`services` lists service codes or their Chinese names separated by | , ; or 、.
`lng`, `lat` are GCJ-02 degrees (as a Chinese map app shows them; stations/geo.py),
checked to lie in China and near the station's region. A file without these two
columns leaves the stored positions alone; an empty cell clears one.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .geo import check_position
from .models import Region, Service, Station
from .regions import CODE_RE

HEADER_ALIASES = {
    "驿站编号": "code",
    "编号": "code",
    "名称": "name",
    "驿站名称": "name",
    "区划代码": "region_code",
    "地址": "address",
    "电话": "phone",
    "联系电话": "phone",
    "开放时间": "opening_hours",
    "24小时": "open_24h",
    "24小时开放": "open_24h",
    "服务项目": "services",
    "启用": "active",
    "经度": "lng",
    "纬度": "lat",
}
FIELDS = [
    "code",
    "name",
    "region_code",
    "address",
    "phone",
    "opening_hours",
    "open_24h",
    "services",
    "active",
]
TRUE = {"1", "true", "yes", "y", "是", "t"}
FALSE = {"0", "false", "no", "n", "否", "f", ""}
SERVICE_LOOKUP = {
    **{c: c for c, _l in Service.choices},
    **{str(label): c for c, label in Service.choices},
}
POSITION = ["lng", "lat"]
BATCH = 2000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _bool(value: str, name: str) -> bool:
    value = value.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(
        _("%(field)s 应为 是/否 或 1/0，而不是“%(value)s”") % {"field": name, "value": value}
    )


def _services(value: str) -> list[str]:
    for sep in "|,;、，；":
        value = value.replace(sep, "|")
    codes = []
    for item in filter(None, (v.strip() for v in value.split("|"))):
        if item not in SERVICE_LOOKUP:
            raise ValueError(_("未知的服务项目“%(item)s”") % {"item": item})
        codes.append(SERVICE_LOOKUP[item])
    return sorted(set(codes))


def parse_row(row: dict, known_regions: set[str]) -> dict:
    """One CSV row → Station field values, or ValueError with a reason a person can act on."""
    values = {name: (row.get(name) or "").strip() for name in FIELDS}
    if not values["code"]:
        raise ValueError(_("缺少驿站编号"))
    if len(values["code"]) > 32:
        raise ValueError(_("驿站编号超过 32 个字符"))
    if not values["name"]:
        raise ValueError(_("缺少驿站名称"))
    if len(values["name"]) > 100:
        raise ValueError(_("驿站名称超过 100 个字符"))
    if not CODE_RE.match(values["region_code"]):
        code = values["region_code"]
        if len(code) == 6 and code.isdigit():
            # Six digits, but no province starts with 0 or 9 (GB/T 2260).
            raise ValueError(
                _("区划代码“%(code)s”不是有效的 GB/T 2260 代码（首位应为 1–8）") % {"code": code}
            )
        raise ValueError(_("区划代码“%(code)s”不是 6 位 GB/T 2260 代码") % {"code": code})
    if known_regions and values["region_code"] not in known_regions:
        raise ValueError(_("区划代码“%(code)s”不存在") % {"code": values["region_code"]})
    for name, limit in (("address", 200), ("phone", 30), ("opening_hours", 100)):
        if len(values[name]) > limit:
            raise ValueError(_("%(field)s 超过 %(limit)s 个字符") % {"field": name, "limit": limit})
    parsed = {
        "code": values["code"],
        "name": values["name"],
        "region_code": values["region_code"],
        "address": values["address"],
        "phone": values["phone"],
        "opening_hours": values["opening_hours"],
        "open_24h": _bool(values["open_24h"], "open_24h"),
        "services": _services(values["services"]),
        "active": True if not values["active"] else _bool(values["active"], "active"),
    }
    if any(name in row for name in POSITION):
        parsed.update(_position(row, parsed["region_code"]))
    return parsed


def _degrees(value: str, name: str) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(
            _("%(field)s 应为十进制度数，例如 116.4807，而不是“%(value)s”")
            % {"field": name, "value": value[:30]}
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(_("%(field)s 应为数字") % {"field": name})
    return round(number, 6)


def _position(row: dict, region_code: str) -> dict:
    lng, lat = _degrees(row.get("lng"), "lng"), _degrees(row.get("lat"), "lat")
    try:
        check_position(region_code, lng, lat)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None
    return {"lng": lng, "lat": lat}


def read_rows(lines: Iterable[str]) -> Iterator[tuple[int, dict]]:
    """(line number, row) pairs; line numbers count the header as line 1, as a spreadsheet does."""
    reader = csv.DictReader(lines)
    if reader.fieldnames is None:
        return
    reader.fieldnames = [
        HEADER_ALIASES.get(h.strip().lstrip("\ufeff"), h.strip().lstrip("\ufeff"))
        for h in reader.fieldnames
    ]
    missing = {"code", "name", "region_code"} - set(reader.fieldnames)
    if missing:
        raise ValueError(_("表头缺少列：%(cols)s") % {"cols": ", ".join(sorted(missing))})
    for row in reader:
        yield reader.line_num, row


def import_stations(lines: Iterable[str], progress=None) -> ImportReport:
    report = ImportReport()
    known_regions = set(Region.objects.values_list("code", flat=True))
    parsed: dict[str, dict] = {}
    for line, row in read_rows(lines):
        try:
            values = parse_row(row, known_regions)
        except ValueError as exc:
            report.errors.append((line, str(exc)))
        else:
            if values["code"] in parsed:
                report.errors.append(
                    (line, _("驿站编号“%(code)s”在文件中重复") % {"code": values["code"]})
                )
            else:
                parsed[values["code"]] = values
        if progress:
            progress.update(1)
    codes = list(parsed)
    now = timezone.now()
    for start in range(0, len(codes), BATCH):
        chunk = codes[start : start + BATCH]
        with transaction.atomic():
            existing = {s.code: s for s in Station.objects.filter(code__in=chunk)}
            to_create, to_update = [], []
            for code in chunk:
                values = parsed[code]
                station = existing.get(code)
                if station is None:
                    to_create.append(Station(**values))
                    if values.get("lat") is not None:
                        to_create[-1].position_updated_at = now
                else:
                    changed = {
                        name: value
                        for name, value in values.items()
                        if getattr(station, name) != value
                    }
                    if not changed:
                        report.unchanged += 1
                        continue
                    changed["updated_at"] = now
                    if changed.keys() & set(POSITION):
                        changed["position_updated_at"] = now
                    to_update.append((station.pk, changed))
            Station.objects.bulk_create(to_create)
            # One UPDATE per changed row: bulk_update's CASE-per-field statements measured
            # 25x slower here (bench/import_stations.py).
            for pk, changed in to_update:
                Station.objects.filter(pk=pk).update(**changed)
        report.created += len(to_create)
        report.updated += len(to_update)
    return report
