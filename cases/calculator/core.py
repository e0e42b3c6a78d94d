"""The calculator's building blocks: items, results, kinds, and the numbers as shown.

Pure: parsed parameters in, a `Result` out; no ORM. The arithmetic of each kind is in
injury.py (工伤保险条例), labor.py (劳动合同法) and traffic.py (民法典 and the
人身损害赔偿解释); the table of kinds and their parameters is kinds.py.

Items and the total
-------------------
A result is a list of `Item`s (code, label, amount, formula, citation, in_total) and a
`total`, the sum of the items with `in_total=True`. An item is left out of the total,
and its formula says so, when it is:

- paid monthly (伤残津贴) rather than as a lump sum;
- conditional on a fact the inputs do not establish (加付赔偿金 is due only once the
  labour bureau's deadline has passed unpaid);
- informational: the amount cannot be computed from the inputs (一次性工伤医疗补助金
  without the province's standard, 供养亲属抚恤金 without the list of dependants).
  Its `amount` is None, never a guessed figure.

The one-off subsidies of 工伤保险条例 36 II / 37 (二) are lump sums paid when the
employment ends; entering the province's standard (`medical_months`,
`employment_months`) is the lawyer's statement that they are claimed, so they count.

Rounding: money inputs are rounded to the fen on input; every intermediate amount a
formula shows (a bounded wage, a pro-rata part) is rounded to the fen, half up, before
it is used, so anyone can redo the arithmetic from the formula and get the same fen.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cases.calculator.params import Param

ONE_DAY = datetime.timedelta(days=1)
HALF = Decimal("0.5")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    amount: Decimal | None  # None: cannot be computed from the inputs (then not in the total)
    formula: str
    citation: str
    in_total: bool = True

    def __post_init__(self):
        if self.in_total and self.amount is None:  # pragma: no cover - a programming error
            raise ValueError(f"{self.code}: an item without an amount cannot count")

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "amount": None if self.amount is None else f"{self.amount:.2f}",
            "formula": str(self.formula),
            "citation": str(self.citation),
            "in_total": self.in_total,
        }


@dataclass(frozen=True)
class Result:
    kind: str
    label: str
    items: tuple[Item, ...]

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items if i.in_total), ZERO)

    def item(self, code: str) -> Item:
        return next(i for i in self.items if i.code == code)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "total": f"{self.total:.2f}",
            "items": [i.as_json() for i in self.items],
        }


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    params: tuple[Param, ...]
    compute: Callable[..., list[Item]]
    help: str = ""

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def describe(self) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "help": str(self.help),
            "params": [p.describe() for p in self.params],
        }


# ---------------------------------------------------------------------------
# Display helpers: the numbers exactly as used


def yuan(amount: Decimal) -> str:
    return str(_("%(amount)s 元") % {"amount": f"{amount:,.2f}"})


def num(value) -> str:
    """7 → "7", Decimal("0.5") → "0.5", Decimal("4.0") → "4"."""
    text = format(Decimal(value).normalize(), "f")
    return text


def pct(rate: Decimal) -> str:
    return num(rate * 100) + "%"


SEP = _("；")  # between the steps of a formula, and between citations


def join(*parts) -> str:
    return str(SEP).join(str(p) for p in parts if p)


def not_in_total(text) -> str:
    return str(_("%(text)s（不计入合计）") % {"text": text})


def _cite(citation, *extra) -> str:
    return join(citation, *extra)
