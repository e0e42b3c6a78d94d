"""GB/T 2260 region codes and the prefixes that express a scope.

A six-digit code names a province (530000), a city (530100) or a district (530103).
A scope is the code with its trailing zero pairs dropped: "53", "5301", "530103";
a station is inside a scope when its code starts with that prefix.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CODE_RE = re.compile(r"^[1-8]\d{5}$")
PREFIX_RE = re.compile(r"^[1-8]\d(\d{2}){0,2}$")


def validate_region_code(value: str) -> None:
    if not CODE_RE.match(value or ""):
        raise ValidationError(_("行政区划代码应为 6 位数字（GB/T 2260），例如 110105。"))


def validate_region_prefix(value: str) -> None:
    if not PREFIX_RE.match(value or ""):
        raise ValidationError(
            _("地区范围应为 2、4 或 6 位区划代码前缀，例如 53（省）、5301（市）、530103（区）。")
        )


def prefix_of(code: str) -> str:
    """530000 → "53", 530100 → "5301", 530103 → "530103"."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def prefixes_containing(code: str) -> list[str]:
    """Every scope prefix that contains a six-digit code, most specific first."""
    return [code[:6], code[:4], code[:2]]


def codes_covering(code: str) -> list[str]:
    """The six-digit codes of the district, city and province containing `code`: the
    region codes a union must have for its scope to contain it."""
    return sorted({code, code[:4] + "00", code[:2] + "0000"})


def level_of(code: str) -> str:
    return {2: "province", 4: "city", 6: "district"}[len(prefix_of(code))]


def scope_q(field: str, prefixes) -> Q:
    """A filter for rows whose `field` starts with any of the prefixes (none: matches nothing)."""
    query = Q(pk__in=[])
    for prefix in prefixes:
        query |= Q(**{f"{field}__startswith": prefix})
    return query
