"""Labour-contract money: 经济补偿 and the 赔偿金 for unlawful termination (劳动合同法 47,
87), the double wage without a written contract (82; 实施条例 6, 7), unpaid wages and
the 加付赔偿金 (30, 85).

Verified against 劳动合同法 (2012) and its 实施条例 (2008) in ../shared/law/.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cases.calculator.core import (
    HALF,
    ONE_DAY,
    ZERO,
    Item,
    _cite,
    join,
    not_in_total,
    num,
    pct,
    yuan,
)
from cases.calculator.params import ParamError, fen
from cases.deadlines.counting import add_months

# ---------------------------------------------------------------------------
# labor.severance / labor.unlawful_termination: 劳动合同法 47, 87


@dataclass(frozen=True)
class Service:
    """Length of service from `start` to `end`, both days worked."""

    years: int
    months: int
    days: int

    def text(self) -> str:
        parts = []
        if self.years:
            parts.append(SERVICE_UNITS["years"] % {"n": self.years})
        if self.months:
            parts.append(SERVICE_UNITS["months"] % {"n": self.months})
        if self.days or not parts:
            parts.append(SERVICE_UNITS["days"] % {"n": self.days})
        return " ".join(str(p) for p in parts)


SERVICE_UNITS = {
    "years": ngettext_lazy("%(n)s 年", "%(n)s 年", "n"),
    "months": ngettext_lazy("%(n)s 个月", "%(n)s 个月", "n"),
    "days": ngettext_lazy("%(n)s 日", "%(n)s 日", "n"),
}


def whole_months(start: datetime.date, stop: datetime.date) -> int:
    """How many whole months fit from `start` up to `stop` (exclusive), counting month
    ends as 民法典 202 does (`add_months`)."""
    months = (stop.year - start.year) * 12 + stop.month - start.month
    if months > 0 and add_months(start, months) > stop:
        months -= 1
    return max(months, 0)


def service_length(start: datetime.date, end: datetime.date) -> Service:
    stop = end + ONE_DAY
    months = whole_months(start, stop)
    days = (stop - add_months(start, months)).days
    return Service(months // 12, months % 12, days)


@dataclass(frozen=True)
class SeveranceBasis:
    service: Service
    counted_months: Decimal  # months of wage per 47 I, before the 12-year cap
    months: Decimal  # after the cap
    wage: Decimal
    base: Decimal
    floored: bool  # raised to the minimum wage (实施条例 27)
    capped: bool  # wage above three times the local average (47 II)
    min_wage: Decimal | None = None
    avg_wage: Decimal | None = None

    @property
    def amount(self) -> Decimal:
        return fen(self.months * self.base)


CAP_MONTHS = Decimal(12)


def severance_basis(
    start: datetime.date,
    end: datetime.date,
    wage: Decimal,
    avg_wage: Decimal | None = None,
    min_wage: Decimal | None = None,
) -> SeveranceBasis:
    """The months and the monthly base of 劳动合同法 47 (pure; dates already checked)."""
    service = service_length(start, end)
    if service.months >= 6:
        extra = Decimal(1)  # 六个月以上不满一年的，按一年计算 (以上 includes 6)
    elif service.months or service.days:
        extra = HALF  # 不满六个月的，支付半个月工资
    else:
        extra = Decimal(0)
    counted = service.years + extra
    base, months = wage, counted
    floored = min_wage is not None and wage < min_wage
    if floored:
        base = min_wage
    capped = avg_wage is not None and base > 3 * avg_wage
    if capped:
        base = fen(3 * avg_wage)
        months = min(counted, CAP_MONTHS)
    return SeveranceBasis(service, counted, months, wage, base, floored, capped, min_wage, avg_wage)


def _severance_formula(basis: SeveranceBasis, start, end) -> str:
    s = basis.service
    parts = [
        _("工作年限 %(start)s 至 %(end)s，共 %(service)s")
        % {"start": start.isoformat(), "end": end.isoformat(), "service": s.text()}
    ]
    if s.years:
        parts.append(_("每满一年支付一个月工资，计 %(n)s 个月") % {"n": s.years})
    if s.months >= 6:
        parts.append(_("不满一年的部分六个月以上，按一年计算，计 1 个月"))
    elif s.months or s.days:
        parts.append(_("不满一年的部分不满六个月，支付半个月工资"))
    parts.append(_("共计 %(n)s 个月工资") % {"n": num(basis.counted_months)})
    if basis.floored:
        parts.append(
            _("月工资 %(wage)s低于当地最低工资标准 %(min)s，按最低工资标准计算")
            % {"wage": yuan(basis.wage), "min": yuan(basis.min_wage)}
        )
    if basis.capped:
        parts.append(
            _(
                "月工资 %(wage)s高于本地区上年度职工月平均工资 %(avg)s的三倍，按 %(base)s计算，年限最高不超过十二年"
            )
            % {"wage": yuan(basis.wage), "avg": yuan(basis.avg_wage), "base": yuan(basis.base)}
        )
        if basis.months < basis.counted_months:
            parts.append(_("%(n)s 个月按 12 个月计算") % {"n": num(basis.counted_months)})
    parts.append(
        _("%(n)s 个月 × %(base)s = %(amount)s")
        % {"n": num(basis.months), "base": yuan(basis.base), "amount": yuan(basis.amount)}
    )
    return join(*parts)


def _severance_citation(basis: SeveranceBasis) -> str:
    cite = [_("《劳动合同法》第四十七条")]
    if basis.floored:
        cite.append(_("《劳动合同法实施条例》第二十七条"))
    return _cite(*cite)


# 劳动合同法 97 III: for a contract running on 2008-01-01, the years of 47 count from
# that day and earlier years follow the rules of the time, which this does not compute.
LABOR_CONTRACT_LAW_START = datetime.date(2008, 1, 1)


def _check_period(start, end, *, before_2008_ok: bool) -> None:
    if end < start:
        raise ParamError("end", _("不能早于开始日期（start）"))
    if not before_2008_ok and start < LABOR_CONTRACT_LAW_START:
        raise ParamError(
            "start",
            _(
                "2008年1月1日以前的工作年限依《劳动合同法》第九十七条第三款按当时的规定计算，"
                "本计算不适用；请以 2008-01-01 为开始日期计算其后的年限"
            ),
        )


def labor_severance(
    start: datetime.date,
    end: datetime.date,
    wage: Decimal,
    avg_wage: Decimal | None = None,
    min_wage: Decimal | None = None,
) -> list[Item]:
    _check_period(start, end, before_2008_ok=False)
    basis = severance_basis(start, end, wage, avg_wage, min_wage)
    return [
        Item(
            "severance",
            _("经济补偿"),
            basis.amount,
            _severance_formula(basis, start, end),
            _severance_citation(basis),
        )
    ]


def labor_unlawful_termination(
    start: datetime.date,
    end: datetime.date,
    wage: Decimal,
    avg_wage: Decimal | None = None,
    min_wage: Decimal | None = None,
) -> list[Item]:
    # 实施条例 25: the years of 赔偿金 count from 用工之日, before 2008 too.
    _check_period(start, end, before_2008_ok=True)
    basis = severance_basis(start, end, wage, avg_wage, min_wage)
    amount = fen(2 * basis.amount)
    return [
        Item(
            "termination_damages",
            _("违法解除或者终止劳动合同的赔偿金"),
            amount,
            join(
                _severance_formula(basis, start, end),
                _("赔偿金 = 2 × 经济补偿 %(base)s = %(amount)s")
                % {"base": yuan(basis.amount), "amount": yuan(amount)},
                _("计算年限自用工之日起计算；支付了赔偿金的，不再支付经济补偿"),
            ),
            _cite(
                _("《劳动合同法》第八十七条、第四十七条"),
                _("《劳动合同法实施条例》第二十五条"),
                _("《劳动合同法实施条例》第二十七条") if basis.floored else "",
            ),
        )
    ]


# ---------------------------------------------------------------------------
# labor.double_wage: 劳动合同法 82 I; 实施条例 6, 7
#
# Reading of the dates (the one in common use): the first month of employment runs
# from 用工之日 to the day before the same-numbered day of the next month (劳动合同法
# 7: the relation exists from 用工之日, so that day is worked and counts). The double
# wage runs from that same-numbered day (满一个月的次日) to the day before signing, and
# at most to the day before the first anniversary (实施条例 7): at most 11 months.


def labor_double_wage(
    start: datetime.date,
    wage: Decimal,
    signed: datetime.date | None = None,
    end: datetime.date | None = None,
) -> list[Item]:
    if signed is None and end is None:
        raise ParamError(
            "signed", _("请填写补订书面劳动合同的日期；从未订立的，请填写用工结束之日（end）")
        )
    if end is not None and end < start:
        raise ParamError("end", _("不能早于用工之日（start）"))
    first = add_months(start, 1)
    anniversary = add_months(start, 12)
    stops = []  # (last day of the double-wage period, why it ends there)
    if signed is not None:
        stops.append((signed - ONE_DAY, _("至补订书面劳动合同的前一日")))
    if end is not None:
        stops.append((end, _("至用工结束之日")))
    stops.append(
        (
            anniversary - ONE_DAY,
            _("至用工满一年的前一日；满一年之日起视为已订立无固定期限劳动合同"),
        )
    )
    chosen = min(stops, key=lambda s: s[0])  # the first listed wins a tie
    last, why = chosen
    capped = chosen is stops[-1]
    citation = _cite(
        _("《劳动合同法》第八十二条第一款"),
        _("《劳动合同法实施条例》第六条、第七条"),
        _("《劳动合同法》第十四条第三款") if capped else "",
    )
    if last < first:
        return [
            Item(
                "double_wage",
                _("未订立书面劳动合同的二倍工资差额"),
                ZERO,
                _("用工之日 %(start)s 起一个月内已订立书面劳动合同或用工已结束，不支付二倍工资")
                % {"start": start.isoformat()},
                citation,
            )
        ]
    stop = last + ONE_DAY
    full = whole_months(start, stop) - 1  # whole months after the first
    part_from = add_months(start, full + 1)
    days = (stop - part_from).days
    month_days = (add_months(start, full + 2) - part_from).days
    full_amount = fen(full * wage)
    part_amount = fen(wage * days / month_days)
    amount = full_amount + part_amount
    parts = [
        _(
            "用工之日 %(start)s；二倍工资期间 %(first)s 至 %(last)s（自用工满一个月的次日起，%(why)s）"
        )
        % {
            "start": start.isoformat(),
            "first": first.isoformat(),
            "last": last.isoformat(),
            "why": why,
        }
    ]
    if full:
        parts.append(
            _("%(n)s 个月 × %(wage)s = %(amount)s")
            % {"n": full, "wage": yuan(wage), "amount": yuan(full_amount)}
        )
    if days:
        parts.append(
            _(
                "不足一个月的 %(days)s 日按该月 %(month_days)s 日折算：%(wage)s × %(days)s ÷ %(month_days)s = %(amount)s"
            )
            % {
                "days": days,
                "month_days": month_days,
                "wage": yuan(wage),
                "amount": yuan(part_amount),
            }
        )
    parts.append(_("另应支付的一倍工资共 %(amount)s") % {"amount": yuan(amount)})
    return [
        Item(
            "double_wage",
            _("未订立书面劳动合同的二倍工资差额"),
            amount,
            join(*parts),
            citation,
        )
    ]


# ---------------------------------------------------------------------------
# labor.unpaid_wages: 劳动合同法 30, 85


def labor_unpaid_wages(
    amount: Decimal, months: int | None = None, surcharge_rate: Decimal | None = None
) -> list[Item]:
    if months is None:
        formula = _("拖欠的劳动报酬 %(amount)s") % {"amount": yuan(amount)}
    else:
        formula = _("拖欠 %(months)s 个月的劳动报酬，共 %(amount)s") % {
            "months": months,
            "amount": yuan(amount),
        }
    items = [
        Item(
            "unpaid_wages",
            _("拖欠的劳动报酬"),
            amount,
            formula,
            _("《劳动合同法》第三十条第一款"),
        )
    ]
    if surcharge_rate is not None:
        surcharge = fen(amount * surcharge_rate)
        items.append(
            Item(
                "unpaid_wages_surcharge",
                _("加付赔偿金"),
                surcharge,
                not_in_total(
                    join(
                        f"{yuan(amount)} × {pct(surcharge_rate)} = {yuan(surcharge)}",
                        _(
                            "仅在劳动行政部门责令限期支付、用人单位逾期仍不支付时，按应付金额 50%–100% 加付"
                        ),
                    )
                ),
                _("《劳动合同法》第八十五条"),
                in_total=False,
            )
        )
    return items
