"""Road-accident (tort) damages: 残疾赔偿金 and the expenses the lawyer enters
(民法典 1179; 人身损害赔偿解释 2022修正 7, 8, 10, 11, 12). See kinds.py for how the
citations were verified and where the 伤残赔偿指数 comes from.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cases.calculator.core import Item, _cite, join, pct, yuan
from cases.calculator.params import fen

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
