"""The calculator's parameters: declared once, parsed and validated in one place.

Each kind lists its `Param`s; `Param.parse` turns what a user typed (a string from the
command line or a form) or a native value (`Decimal`, `int`, `date`) into the value the
arithmetic uses, or raises `ParamError` naming the field. `Param.describe()` is the
declarative description a Django form can be generated from later.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

# Parameter types
MONEY = "money"  # yuan, rounded to the fen on input
DECIMAL = "decimal"
INT = "int"
DATE = "date"
CHOICE = "choice"

CENT = Decimal("0.01")
# Far above any wage or award; keeps Decimal arithmetic exact (28 digits) and rejects
# typos such as an identity number pasted into the wage field.
MAX_MONEY = Decimal("10000000000")

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")  # 8,000.00
_INTEGER = re.compile(r"-?\d+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # not the week or ordinal forms


class CalculatorError(ValueError):
    """A request the calculator cannot answer. `field` names the input at fault
    ("kind" for an unknown kind), so a form can show the message at that field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ParamError(CalculatorError):
    """A parameter is missing, malformed or out of range.

    `reason` is the message without the field name (for display at the field);
    `str(error)` names the field too ("本人工资（wage）：不能为负数").
    """

    def __init__(self, field: str, reason: str, label: str | None = None):
        self.reason = str(reason)
        self.label = str(label) if label is not None else None
        name = (
            str(_("%(label)s（%(field)s）") % {"label": self.label, "field": field})
            if self.label
            else field
        )
        super().__init__(
            str(_("%(name)s：%(reason)s") % {"name": name, "reason": self.reason}), field
        )

    def with_label(self, label: str) -> ParamError:
        return ParamError(self.field, self.reason, label)


def fen(value) -> Decimal:
    """Money rounded to the fen, half up (the usual rule for yuan amounts)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    type: str
    required: bool = True
    help: str = ""
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    positive: bool = False  # strictly greater than zero (an average wage, an income)
    choices: tuple[tuple[str, str], ...] = ()
    default: object = None

    def error(self, reason) -> ParamError:
        return ParamError(self.name, reason, self.label)

    def describe(self) -> dict:
        """Everything a form needs to render and pre-validate this field."""
        return {
            "name": self.name,
            "label": str(self.label),
            "type": self.type,
            "required": self.required,
            "help": str(self.help),
            "min": None if self.min_value is None else str(self.min_value),
            "max": None if self.max_value is None else str(self.max_value),
            "positive": self.positive,
            "choices": [(value, str(label)) for value, label in self.choices],
            "default": self.default,
        }

    def parse(self, raw):
        """The typed value of `raw`, or `default` when it is empty and not required."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise self.error(_("必须填写"))
            return self.default
        if self.type == MONEY:
            return self._bounded(fen(self._decimal(raw)), money=True)
        if self.type == DECIMAL:
            return self._bounded(self._decimal(raw))
        if self.type == INT:
            return self._bounded(self._int(raw))
        if self.type == DATE:
            return self._date(raw)
        if self.type == CHOICE:
            value = str(raw).strip()
            if value not in dict(self.choices):
                allowed = "、".join(f"{v}（{label}）" for v, label in self.choices)
                raise self.error(_("应为以下之一：%(choices)s") % {"choices": allowed})
            return value
        raise ValueError(self.type)  # pragma: no cover - the declarations are fixed

    def _decimal(self, raw) -> Decimal:
        if isinstance(raw, bool):
            raise self.error(_("不是有效的数字：%(value)s") % {"value": raw})
        if isinstance(raw, Decimal | int):
            value = Decimal(raw)
        else:
            text = str(raw).strip()
            if _GROUPED.fullmatch(text):
                text = text.replace(",", "")
            if not _NUMBER.fullmatch(text):
                raise self.error(_("不是有效的数字：%(value)s") % {"value": raw})
            try:
                value = Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                raise self.error(_("不是有效的数字：%(value)s") % {"value": raw}) from None
        if not value.is_finite():
            raise self.error(_("不是有效的数字：%(value)s") % {"value": raw})
        return value

    def _int(self, raw) -> int:
        if isinstance(raw, bool):
            raise self.error(_("应为整数：%(value)s") % {"value": raw})
        if isinstance(raw, int):
            return raw
        text = str(raw).strip()
        if not _INTEGER.fullmatch(text):
            raise self.error(_("应为整数：%(value)s") % {"value": raw})
        return int(text)

    def _bounded(self, value, money: bool = False):
        if value < 0 and (self.min_value is None or self.min_value >= 0):
            raise self.error(_("不能为负数"))
        if self.positive and value <= 0:
            raise self.error(_("必须大于零"))
        low, high = self.min_value, self.max_value
        if money and high is None:
            high = MAX_MONEY
            if value > high:
                raise self.error(_("数额过大，请检查是否输入有误"))
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.error(
                _("应在 %(min)s 至 %(max)s 之间")
                % {"min": low if low is not None else 0, "max": high}
            )
        return value

    def _date(self, raw) -> datetime.date:
        if isinstance(raw, datetime.datetime):
            raise self.error(_("应为日期，不含时间：%(value)s") % {"value": raw})
        if isinstance(raw, datetime.date):
            return raw
        text = str(raw).strip()
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise self.error(
                _("日期格式不正确：%(value)s。请使用 YYYY-MM-DD，例如 2026-03-15。")
                % {"value": raw}
            ) from None
