"""The compensation kinds, their statutory tables and the arithmetic.

Pure: parsed parameters in, a `Result` out; no ORM. Every rule cites its article.

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

How the citations were verified
-------------------------------
工伤保险条例 (2010), 劳动合同法 (2012), 劳动合同法实施条例 and 民法典 1179 against the
texts in ../shared/law/. The 最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释
(2022修正) is not there: its article numbers (误工费 7, 护理费 8, 住院伙食补助费 10,
营养费 11, 残疾赔偿金 12) were checked against public copies of the article texts found
with the project's search tool; those copies also show the 2003 numbering (20, 21, 23,
24, 25) that older material still cites. That the 2022 decision made 残疾赔偿金 use the
urban income only was checked against a summary of the decision (《法人》2022 年第 5 期).
民法典 1259 (以上 includes the number itself, so 60 周岁 already counts as "六十周岁以上")
was checked the same way. The 伤残赔偿指数 (grade 1: 100 %, down 10 % a grade) is not in
art. 12 itself, which says "根据受害人丧失劳动能力程度或者伤残等级"; it is the index
courts apply, and art. 12 II lets a court adjust the award.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cases.calculator.params import CHOICE, DATE, DECIMAL, INT, MONEY, Param, ParamError, fen
from cases.deadlines.rules import add_months

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


# ---------------------------------------------------------------------------
# 工伤保险条例: 本人工资 (art. 64 II)


def bounded_wage(wage: Decimal, avg_wage: Decimal | None) -> tuple[Decimal, str]:
    """本人工资 bounded to 60 %–300 % of the 统筹地区职工平均工资 (工伤保险条例 64 II),
    and a sentence saying so when the bound applied ("" otherwise)."""
    if avg_wage is None:
        return wage, ""
    low, high = fen(avg_wage * Decimal("0.6")), fen(avg_wage * 3)
    if wage < low:
        return low, str(
            _("本人工资 %(wage)s低于统筹地区职工月平均工资 %(avg)s的 60%%，按 %(used)s计算")
            % {"wage": yuan(wage), "avg": yuan(avg_wage), "used": yuan(low)}
        )
    if wage > high:
        return high, str(
            _("本人工资 %(wage)s高于统筹地区职工月平均工资 %(avg)s的 300%%，按 %(used)s计算")
            % {"wage": yuan(wage), "avg": yuan(avg_wage), "used": yuan(high)}
        )
    return wage, ""


WAGE_BOUND_CITATION = _("《工伤保险条例》第六十四条第二款")


def _cite(citation, *extra) -> str:
    return join(citation, *extra)


# ---------------------------------------------------------------------------
# injury.disability: 工伤保险条例 35–37


@dataclass(frozen=True)
class InjuryBand:
    lump_citation: str
    allowance_citation: str | None
    allowance_when: str | None  # who pays the 伤残津贴, and on what condition
    # %(min)s: the minimum wage; names who tops the allowance up (35 (二), 36 (二))
    allowance_topup: str | None
    subsidy_citation: str | None  # None: the one-off subsidies do not apply
    medical_when: str | None  # when the subsidy is paid, and who pays it
    employment_when: str | None


BAND_1_4 = InjuryBand(
    _("《工伤保险条例》第三十五条第一款第（一）项"),
    _("《工伤保险条例》第三十五条第一款第（二）项"),
    _("保留劳动关系，退出工作岗位，从工伤保险基金按月支付"),
    _("低于当地最低工资标准 %(min)s，由工伤保险基金补足差额，按 %(min)s发给"),
    None,
    None,
    None,
)
BAND_5_6 = InjuryBand(
    _("《工伤保险条例》第三十六条第一款第（一）项"),
    _("《工伤保险条例》第三十六条第一款第（二）项"),
    _("保留劳动关系、用人单位难以安排工作的，由用人单位按月发给"),
    _("低于当地最低工资标准 %(min)s，由用人单位补足差额，按 %(min)s发给"),
    _("《工伤保险条例》第三十六条第二款"),
    _("经工伤职工本人提出与用人单位解除或者终止劳动关系的，由工伤保险基金支付"),
    _("经工伤职工本人提出与用人单位解除或者终止劳动关系的，由用人单位支付"),
)
BAND_7_10 = InjuryBand(
    _("《工伤保险条例》第三十七条第（一）项"),
    None,
    None,
    None,
    _("《工伤保险条例》第三十七条第（二）项"),
    _("劳动、聘用合同期满终止，或者职工本人提出解除劳动、聘用合同的，由工伤保险基金支付"),
    _("劳动、聘用合同期满终止，或者职工本人提出解除劳动、聘用合同的，由用人单位支付"),
)

# grade: (一次性伤残补助金 in months of 本人工资, 伤残津贴 as a share of 本人工资, band)
INJURY_GRADES: dict[int, tuple[int, Decimal | None, InjuryBand]] = {
    1: (27, Decimal("0.90"), BAND_1_4),
    2: (25, Decimal("0.85"), BAND_1_4),
    3: (23, Decimal("0.80"), BAND_1_4),
    4: (21, Decimal("0.75"), BAND_1_4),
    5: (18, Decimal("0.70"), BAND_5_6),
    6: (16, Decimal("0.60"), BAND_5_6),
    7: (13, None, BAND_7_10),
    8: (11, None, BAND_7_10),
    9: (9, None, BAND_7_10),
    10: (7, None, BAND_7_10),
}

SUBSIDY_BASES = (
    ("wage", _("本人工资")),
    ("avg_wage", _("统筹地区上年度职工月平均工资")),
)


def injury_disability(
    grade: int,
    wage: Decimal,
    avg_wage: Decimal | None = None,
    min_wage: Decimal | None = None,
    medical_months: Decimal | None = None,
    employment_months: Decimal | None = None,
    subsidy_base: str = "wage",
) -> list[Item]:
    months, rate, band = INJURY_GRADES[grade]
    base, bound_note = bounded_wage(wage, avg_wage)
    bound_cite = WAGE_BOUND_CITATION if bound_note else ""
    lump = fen(months * base)
    items = [
        Item(
            "disability_lump_sum",
            _("一次性伤残补助金"),
            lump,
            join(
                bound_note,
                _("%(grade)s级伤残：%(months)s 个月 × %(base)s = %(amount)s")
                % {"grade": grade, "months": months, "base": yuan(base), "amount": yuan(lump)},
            ),
            _cite(band.lump_citation, bound_cite),
        )
    ]
    if rate is not None:
        items.append(
            _disability_allowance(grade, rate, base, min_wage, band, bound_note, bound_cite)
        )
    if band.subsidy_citation is None:
        for name, value in (
            ("medical_months", medical_months),
            ("employment_months", employment_months),
        ):
            if value is not None:
                raise ParamError(
                    name,
                    _("一级至四级伤残保留劳动关系，不适用一次性工伤医疗补助金和伤残就业补助金"),
                )
        return items
    on_wage = subsidy_base != "avg_wage"
    if on_wage:
        sub_base, sub_formula = base, SUBSIDY_FORMULAS["wage"]
    elif avg_wage is None:
        raise ParamError("avg_wage", _("按统筹地区职工月平均工资计算补助金时必须填写"))
    else:
        sub_base, sub_formula = avg_wage, SUBSIDY_FORMULAS["avg_wage"]
    subsidies = (
        ("medical_subsidy", _("一次性工伤医疗补助金"), "medical_months", medical_months),
        ("employment_subsidy", _("一次性伤残就业补助金"), "employment_months", employment_months),
    )
    whens = {"medical_subsidy": band.medical_when, "employment_subsidy": band.employment_when}
    for code, label, name, standard in subsidies:
        when = whens[code]
        if standard is None:
            # The standard is provincial: say what is needed rather than guess a figure.
            items.append(
                Item(
                    code,
                    label,
                    None,
                    not_in_total(join(PROVINCIAL_STANDARD_NEEDED % {"name": name}, when)),
                    band.subsidy_citation,
                    in_total=False,
                )
            )
            continue
        amount = fen(standard * sub_base)
        items.append(
            Item(
                code,
                label,
                amount,
                join(
                    bound_note if on_wage else "",
                    sub_formula
                    % {"months": num(standard), "base": yuan(sub_base), "amount": yuan(amount)},
                    when,
                ),
                _cite(band.subsidy_citation, bound_cite if on_wage else ""),
            )
        )
    return items


PROVINCIAL_STANDARD_NEEDED = _(
    "具体标准由省、自治区、直辖市人民政府规定，本计算不作推测；"
    "请按本省标准填写 %(name)s（月数）后再算"
)
SUBSIDY_FORMULAS = {
    "wage": _("按本省标准 %(months)s 个月 × 本人工资 %(base)s = %(amount)s"),
    "avg_wage": _(
        "按本省标准 %(months)s 个月 × 统筹地区上年度职工月平均工资 %(base)s = %(amount)s"
    ),
}


def _disability_allowance(grade, rate, base, min_wage, band, bound_note, bound_cite) -> Item:
    amount = fen(rate * base)
    parts = [
        bound_note,
        _("%(grade)s级伤残：%(rate)s × %(base)s = %(amount)s")
        % {"grade": grade, "rate": pct(rate), "base": yuan(base), "amount": yuan(amount)},
    ]
    if min_wage is None:
        parts.append(_("实际金额低于当地最低工资标准的应补足差额（未填写 min_wage，未核对）"))
    elif amount < min_wage:
        parts.append(band.allowance_topup % {"min": yuan(min_wage)})
        amount = min_wage
    parts.append(_("%(condition)s，每月金额") % {"condition": band.allowance_when})
    return Item(
        "disability_allowance",
        _("伤残津贴（每月）"),
        amount,
        not_in_total(join(*parts)),
        _cite(band.allowance_citation, bound_cite),
        in_total=False,
    )


# ---------------------------------------------------------------------------
# injury.death: 工伤保险条例 39


def injury_death(avg_wage: Decimal, income: Decimal, wage: Decimal | None = None) -> list[Item]:
    funeral = fen(6 * avg_wage)
    lump = fen(20 * income)
    items = [
        Item(
            "funeral_grant",
            _("丧葬补助金"),
            funeral,
            _("6 个月 × 统筹地区上年度职工月平均工资 %(avg)s = %(amount)s")
            % {"avg": yuan(avg_wage), "amount": yuan(funeral)},
            _("《工伤保险条例》第三十九条第一款第（一）项"),
        ),
        Item(
            "death_lump_sum",
            _("一次性工亡补助金"),
            lump,
            _("20 × 上一年度全国城镇居民人均可支配收入 %(income)s = %(amount)s")
            % {"income": yuan(income), "amount": yuan(lump)},
            _("《工伤保险条例》第三十九条第一款第（三）项"),
        ),
    ]
    if wage is not None:
        base, bound_note = bounded_wage(wage, avg_wage)
        items.append(
            Item(
                "dependent_pension",
                _("供养亲属抚恤金（每月）"),
                None,
                not_in_total(
                    join(
                        bound_note,
                        _(
                            "按月发给由死者生前提供主要生活来源、无劳动能力的亲属：配偶每月 40%% × %(base)s = %(spouse)s，"
                            "其他亲属每人每月 30%% = %(other)s，孤寡老人或者孤儿每人每月再加 10%% = %(extra)s；"
                            "各供养亲属的抚恤金之和不高于 %(base)s；按供养亲属人数计算"
                        )
                        % {
                            "base": yuan(base),
                            "spouse": yuan(fen(base * Decimal("0.4"))),
                            "other": yuan(fen(base * Decimal("0.3"))),
                            "extra": yuan(fen(base * Decimal("0.1"))),
                        },
                    )
                ),
                _cite(
                    _("《工伤保险条例》第三十九条第一款第（二）项"),
                    WAGE_BOUND_CITATION if bound_note else "",
                ),
                in_total=False,
            )
        )
    return items


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


# ---------------------------------------------------------------------------
# traffic.disability: 民法典 1179; 人身损害赔偿解释 (2022修正) 7, 8, 10, 11, 12

# 《最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释》（2022修正）, each
# article cited whole so that a translation can put the article where its language wants it.
INTERPRETATION_ART_7 = _(
    "《最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释》（2022修正）第七条"
)
INTERPRETATION_ART_8 = _(
    "《最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释》（2022修正）第八条"
)
INTERPRETATION_ART_10 = _(
    "《最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释》（2022修正）第十条"
)
INTERPRETATION_ART_11 = _(
    "《最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释》（2022修正）第十一条"
)
INTERPRETATION_ART_12 = _(
    "《最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释》（2022修正）第十二条"
)
CIVIL_CODE_1179 = _("《民法典》第一千一百七十九条")

# grade → 伤残赔偿指数 (see the module docstring)
TRAFFIC_INDEX: dict[int, Decimal] = {g: Decimal(11 - g) / 10 for g in range(1, 11)}

# Amounts the lawyer works out and enters: (param / item code, label, citation, what decides it)
TRAFFIC_EXPENSES = (
    (
        "lost_earnings",
        _("误工费"),
        INTERPRETATION_ART_7,
        _("根据受害人的误工时间和收入状况确定"),
    ),
    (
        "nursing_fee",
        _("护理费"),
        INTERPRETATION_ART_8,
        _("根据护理人员的收入状况和护理人数、护理期限确定"),
    ),
    (
        "hospital_food_allowance",
        _("住院伙食补助费"),
        INTERPRETATION_ART_10,
        _("参照当地国家机关一般工作人员的出差伙食补助标准确定"),
    ),
    (
        "nutrition_fee",
        _("营养费"),
        INTERPRETATION_ART_11,
        _("根据受害人伤残情况参照医疗机构的意见确定"),
    ),
)


def compensation_years(age: int) -> tuple[int, str]:
    """Years of 残疾赔偿金 by age at 定残 (解释 12: 20 years; from 60 one year less per
    year of age; from 75 five years). 以上 includes the number (民法典 1259)."""
    if age >= 75:
        return 5, str(_("定残时 %(age)s 周岁，七十五周岁以上的按 5 年计算") % {"age": age})
    if age > 60:
        years = 20 - (age - 60)
        return years, str(
            _(
                "定残时 %(age)s 周岁，六十周岁以上的年龄每增加一岁减少一年：20 − %(over)s = %(years)s 年"
            )
            % {"age": age, "over": age - 60, "years": years}
        )
    return 20, str(_("定残时 %(age)s 周岁，按 20 年计算") % {"age": age})


def traffic_disability(
    income: Decimal,
    grade: int,
    age: int,
    lost_earnings: Decimal | None = None,
    nursing_fee: Decimal | None = None,
    hospital_food_allowance: Decimal | None = None,
    nutrition_fee: Decimal | None = None,
) -> list[Item]:
    years, years_note = compensation_years(age)
    index = TRAFFIC_INDEX[grade]
    amount = fen(income * years * index)
    items = [
        Item(
            "disability_compensation",
            _("残疾赔偿金"),
            amount,
            join(
                years_note,
                _("%(income)s × %(years)s 年 × 伤残赔偿指数 %(index)s（%(grade)s级）= %(amount)s")
                % {
                    "income": yuan(income),
                    "years": years,
                    "index": pct(index),
                    "grade": grade,
                    "amount": yuan(amount),
                },
            ),
            _cite(CIVIL_CODE_1179, INTERPRETATION_ART_12),
        )
    ]
    entered = {
        "lost_earnings": lost_earnings,
        "nursing_fee": nursing_fee,
        "hospital_food_allowance": hospital_food_allowance,
        "nutrition_fee": nutrition_fee,
    }
    for code, label, citation, rule in TRAFFIC_EXPENSES:
        value = entered[code]
        if value is None:
            continue
        items.append(
            Item(
                code,
                label,
                value,
                _("律师核定的金额 %(amount)s（%(rule)s）") % {"amount": yuan(value), "rule": rule},
                _cite(CIVIL_CODE_1179, citation),
            )
        )
    return items


# ---------------------------------------------------------------------------
# The table of kinds: one home for each kind's parameters


def _money(name, label, help="", required=True, positive=False) -> Param:
    return Param(name, label, MONEY, required=required, help=help, positive=positive)


GRADE = Param(
    "grade", _("伤残等级"), INT, help=_("1 至 10 级，一级最重"), min_value=1, max_value=10
)
INJURY_WAGE = _money(
    "wage",
    _("本人工资"),
    _("每月金额：受伤前 12 个月平均月缴费工资（《工伤保险条例》第六十四条第二款）"),
)
INJURY_AVG_WAGE = _money(
    "avg_wage",
    _("统筹地区上年度职工月平均工资"),
    _("填写后，本人工资按其 60%–300% 封顶保底（第六十四条第二款）"),
    required=False,
    positive=True,
)
MIN_WAGE = _money("min_wage", _("当地月最低工资标准"), _("用于伤残津贴补差"), required=False)
SEVERANCE_PARAMS = (
    Param("start", _("入职日期"), DATE, help=_("用工之日，YYYY-MM-DD")),
    Param(
        "end", _("最后工作日"), DATE, help=_("劳动合同解除或者终止前的最后一个工作日，YYYY-MM-DD")
    ),
    _money(
        "wage",
        _("月工资"),
        _("解除或者终止前十二个月的平均工资；工作不满十二个月的，按实际工作月数平均"),
    ),
    _money(
        "avg_wage",
        _("本地区上年度职工月平均工资"),
        _("直辖市、设区的市级人民政府公布；月工资高于其三倍时封顶并限十二年"),
        required=False,
        positive=True,
    ),
    _money(
        "min_wage",
        _("当地月最低工资标准"),
        _("平均工资低于当地最低工资标准的，按最低工资标准计算（实施条例第二十七条）"),
        required=False,
    ),
)

KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind(
            "injury.disability",
            _("工伤伤残待遇"),
            (
                GRADE,
                INJURY_WAGE,
                INJURY_AVG_WAGE,
                MIN_WAGE,
                Param(
                    "medical_months",
                    _("一次性工伤医疗补助金月数"),
                    DECIMAL,
                    required=False,
                    help=_("五至十级：本省规定的该等级月数；不填则只提示需省级标准"),
                    min_value=Decimal(0),
                    max_value=Decimal(120),
                ),
                Param(
                    "employment_months",
                    _("一次性伤残就业补助金月数"),
                    DECIMAL,
                    required=False,
                    help=_("五至十级：本省规定的该等级月数；不填则只提示需省级标准"),
                    min_value=Decimal(0),
                    max_value=Decimal(120),
                ),
                Param(
                    "subsidy_base",
                    _("补助金的计算基数"),
                    CHOICE,
                    required=False,
                    help=_("本省标准以哪种工资为基数"),
                    choices=SUBSIDY_BASES,
                    default="wage",
                ),
            ),
            injury_disability,
            _("《工伤保险条例》第三十五条至第三十七条、第六十四条"),
        ),
        Kind(
            "injury.death",
            _("工亡待遇"),
            (
                _money(
                    "wage",
                    _("本人工资"),
                    _("每月金额，选填；填写后列出供养亲属抚恤金的每月标准"),
                    required=False,
                ),
                _money(
                    "avg_wage",
                    _("统筹地区上年度职工月平均工资"),
                    _("丧葬补助金的基数"),
                    positive=True,
                ),
                _money(
                    "income",
                    _("上一年度全国城镇居民人均可支配收入"),
                    _("全年金额；一次性工亡补助金的基数"),
                    positive=True,
                ),
            ),
            injury_death,
            _("《工伤保险条例》第三十九条"),
        ),
        Kind(
            "labor.severance",
            _("经济补偿"),
            SEVERANCE_PARAMS,
            labor_severance,
            _("《劳动合同法》第四十七条"),
        ),
        Kind(
            "labor.unlawful_termination",
            _("违法解除或者终止劳动合同的赔偿金"),
            SEVERANCE_PARAMS,
            labor_unlawful_termination,
            _("《劳动合同法》第八十七条"),
        ),
        Kind(
            "labor.double_wage",
            _("未订立书面劳动合同的二倍工资"),
            (
                Param("start", _("用工之日"), DATE, help=_("开始用工的日期，YYYY-MM-DD")),
                _money("wage", _("月工资"), _("应得的月工资")),
                Param(
                    "signed",
                    _("补订书面劳动合同的日期"),
                    DATE,
                    required=False,
                    help=_("从未订立的不填"),
                ),
                Param(
                    "end",
                    _("用工结束之日"),
                    DATE,
                    required=False,
                    help=_("从未订立书面劳动合同时必填：最后一个工作日"),
                ),
            ),
            labor_double_wage,
            _("《劳动合同法》第八十二条；《劳动合同法实施条例》第六条、第七条"),
        ),
        Kind(
            "labor.unpaid_wages",
            _("拖欠劳动报酬"),
            (
                _money("amount", _("拖欠的劳动报酬"), _("应付未付的工资总额")),
                Param(
                    "months",
                    _("拖欠月数"),
                    INT,
                    required=False,
                    help=_("仅用于说明"),
                    min_value=1,
                    max_value=600,
                ),
                Param(
                    "surcharge_rate",
                    _("加付赔偿金比例"),
                    DECIMAL,
                    required=False,
                    help=_("0.5 至 1.0；劳动行政部门责令限期支付而逾期不付时适用"),
                    min_value=Decimal("0.5"),
                    max_value=Decimal("1.0"),
                ),
            ),
            labor_unpaid_wages,
            _("《劳动合同法》第三十条、第八十五条"),
        ),
        Kind(
            "traffic.disability",
            _("交通事故伤残赔偿"),
            (
                _money(
                    "income",
                    _("受诉法院所在地上一年度城镇居民人均可支配收入"),
                    _("全年金额；赔偿权利人证明其住所地或者经常居住地标准更高的，可按该标准"),
                    positive=True,
                ),
                GRADE,
                Param(
                    "age",
                    _("定残时的周岁年龄"),
                    INT,
                    min_value=0,
                    max_value=150,
                ),
                *(
                    _money(code, label, rule, required=False)
                    for code, label, _citation, rule in TRAFFIC_EXPENSES
                ),
            ),
            traffic_disability,
            _("《民法典》第一千一百七十九条；人身损害赔偿解释（2022修正）第七条至第十二条"),
        ),
    ]
}
