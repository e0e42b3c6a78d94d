"""工伤 benefits: 一次性伤残补助金, 伤残津贴, the one-off subsidies (工伤保险条例 35–37)
and the death benefits (39), on the 本人工资 bounded by art. 64 II.

Verified against 工伤保险条例 (2010) in ../shared/law/ (see kinds.py for how).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cases.calculator.core import Item, _cite, join, not_in_total, num, pct, yuan
from cases.calculator.params import ParamError, fen

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
