"""The compensation calculator: what a rider may claim, with the arithmetic
and the article behind every line.

Pure, like cases/deadlines/rules.py: parameters in, items out, no ORM.

    >>> result = calculate("injury.disability", {"grade": "7", "wage": "8000"})
    >>> result.item("disability_lump_sum").amount
    Decimal('104000.00')

`KINDS` (kinds.py) declares each kind once: its parameters (params.py parses and
validates them) and its arithmetic. `describe()` is the declarative description a
form can be built from. Bad input raises `ParamError` (or `CalculatorError` for an
unknown kind), both `ValueError`s whose `field` names the input at fault.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from cases.calculator.kinds import KINDS, Item, Kind, Result
from cases.calculator.params import CalculatorError, Param, ParamError

__all__ = [
    "KINDS",
    "CalculatorError",
    "Item",
    "Kind",
    "Param",
    "ParamError",
    "Result",
    "calculate",
    "describe",
    "get_kind",
    "parse_params",
]


def get_kind(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        known = "、".join(KINDS)
        raise CalculatorError(
            str(
                _("未知的计算类型：%(kind)s。可用的类型：%(known)s")
                % {"kind": code, "known": known}
            ),
            field="kind",
        ) from None


def parse_params(kind: Kind, raw: Mapping[str, object]) -> dict[str, object]:
    """Every parameter of `kind`, parsed (absent optional ones get their default)."""
    names = [p.name for p in kind.params]
    for name in raw:
        if name not in names:
            raise ParamError(
                name,
                _("%(kind)s 没有这个参数；可用的参数：%(names)s")
                % {"kind": kind.code, "names": "、".join(names)},
                label=_("未知参数"),
            )
    return {p.name: p.parse(raw.get(p.name)) for p in kind.params}


def calculate(kind: str, params: Mapping[str, object]) -> Result:
    """Compute `kind` from `params` (strings as typed, or native values)."""
    spec = get_kind(kind)
    values = parse_params(spec, params)
    try:
        items = spec.compute(**values)
    except ParamError as error:
        # Cross-field checks in the arithmetic name the field; its label lives here.
        if error.label is None:
            raise error.with_label(spec.param(error.field).label) from None
        raise
    return Result(spec.code, spec.label, tuple(items))


def describe(kind: str | None = None) -> list[dict] | dict:
    """The declarative description of one kind, or of all: code, label, help and the
    parameters (name, label, type, required, help, min, max, choices, default)."""
    if kind is not None:
        return get_kind(kind).describe()
    return [k.describe() for k in KINDS.values()]
