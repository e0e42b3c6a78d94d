"""The compensation calculator (cases/calculator) and `manage.py calculate`.

Every expected amount is worked out by hand from the statute, with the arithmetic in a
comment beside the case. Property tests check the invariants with Hypothesis.
"""

import datetime
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.calculator import (
    KINDS,
    CalculatorError,
    ParamError,
    calculate,
    describe,
)
from cases.calculator.kinds import (
    Service,
    compensation_years,
    service_length,
    severance_basis,
)

ROOT = Path(__file__).resolve().parent.parent
D = datetime.date
M = Decimal


def amounts(kind, **params):
    """{item code: amount} and the total, for one computation."""
    result = calculate(kind, {k: str(v) for k, v in params.items()})
    return {i.code: i.amount for i in result.items}, result.total


# --- injury.disability: 工伤保险条例 35–37, 64 II -------------------------------------


@pytest.mark.parametrize(
    "grade, wage, lump",
    [
        (1, 8000, "216000.00"),  # 27 × 8000
        (2, 8000, "200000.00"),  # 25 × 8000
        (3, 8000, "184000.00"),  # 23 × 8000
        (4, 8000, "168000.00"),  # 21 × 8000
        (5, 8000, "144000.00"),  # 18 × 8000
        (6, 8000, "128000.00"),  # 16 × 8000
        (7, 8000, "104000.00"),  # 13 × 8000
        (8, 8000, "88000.00"),  # 11 × 8000
        (9, 8000, "72000.00"),  # 9 × 8000
        (10, 8000, "56000.00"),  # 7 × 8000
    ],
)
def test_disability_lump_sum_is_the_statutory_months_of_wage_for_each_grade(grade, wage, lump):
    items, total = amounts("injury.disability", grade=grade, wage=wage)
    assert items["disability_lump_sum"] == M(lump)
    assert total == M(lump)  # nothing else counts without provincial standards


@pytest.mark.parametrize(
    "grade, wage, min_wage, allowance",
    [
        (1, 8000, None, "7200.00"),  # 90% × 8000
        (2, 8000, None, "6800.00"),  # 85% × 8000
        (3, 10000, None, "8000.00"),  # 80% × 10000
        (4, 8000, None, "6000.00"),  # 75% × 8000
        (4, 3000, 2500, "2500.00"),  # 75% × 3000 = 2250 < 2500 → topped up by the fund (35 (二))
        (5, 6000, 2000, "4200.00"),  # 70% × 6000 = 4200 ≥ 2000
        (
            6,
            3000,
            2000,
            "2000.00",
        ),  # 60% × 3000 = 1800 < 2000 → topped up by the employer (36 (二))
        (6, 8000, None, "4800.00"),  # 60% × 8000
    ],
)
def test_disability_allowance_is_monthly_floored_at_minimum_wage_and_not_in_the_total(
    grade, wage, min_wage, allowance
):
    params = {"grade": grade, "wage": wage}
    if min_wage:
        params["min_wage"] = min_wage
    result = calculate("injury.disability", {k: str(v) for k, v in params.items()})
    item = result.item("disability_allowance")
    assert item.amount == M(allowance)
    assert item.in_total is False and "不计入合计" in item.formula
    assert result.total == result.item("disability_lump_sum").amount


def test_grades_7_to_10_have_no_disability_allowance():
    items, _ = amounts("injury.disability", grade=7, wage=8000)
    assert "disability_allowance" not in items


def test_the_allowance_formula_says_when_the_minimum_wage_was_not_checked():
    result = calculate("injury.disability", {"grade": "1", "wage": "2000"})
    assert "未填写 min_wage" in result.item("disability_allowance").formula


@pytest.mark.parametrize(
    "grade, wage, avg_wage, lump, bounded",
    [
        (10, 5000, 10000, "42000.00", True),  # 5000 < 60% × 10000 = 6000 → 7 × 6000
        (9, 40000, 10000, "270000.00", True),  # 40000 > 300% × 10000 = 30000 → 9 × 30000
        (7, 8000, 10000, "104000.00", False),  # 6000 ≤ 8000 ≤ 30000 → unchanged, 13 × 8000
        (10, 6000, 10000, "42000.00", False),  # exactly 60 %: unchanged, 7 × 6000
        (10, 30000, 10000, "210000.00", False),  # exactly 300 %: unchanged, 7 × 30000
        (10, 4000, "7333.33", "30800.00", True),  # 60% × 7333.33 = 4399.998 → 4400.00; 7 × 4400
    ],
)
def test_wage_is_bounded_to_60_and_300_percent_of_the_average_wage(
    grade, wage, avg_wage, lump, bounded
):
    result = calculate(
        "injury.disability", {"grade": str(grade), "wage": str(wage), "avg_wage": str(avg_wage)}
    )
    item = result.item("disability_lump_sum")
    assert item.amount == M(lump)
    assert ("第六十四条第二款" in item.citation) is bounded
    assert ("统筹地区职工月平均工资" in item.formula) is bounded


def test_the_bounded_wage_is_also_the_base_of_the_allowance():
    # grade 2, wage 2000, avg 5000: 60% × 5000 = 3000; allowance 85% × 3000 = 2550.
    items, total = amounts("injury.disability", grade=2, wage=2000, avg_wage=5000)
    assert items["disability_lump_sum"] == M("75000.00")  # 25 × 3000
    assert items["disability_allowance"] == M("2550.00")
    assert total == M("75000.00")


def test_without_a_provincial_standard_the_subsidies_are_a_line_asking_for_it():
    result = calculate("injury.disability", {"grade": "7", "wage": "8000"})
    for code, name in (
        ("medical_subsidy", "medical_months"),
        ("employment_subsidy", "employment_months"),
    ):
        item = result.item(code)
        assert item.amount is None and item.in_total is False
        assert "省、自治区、直辖市人民政府规定" in item.formula and name in item.formula
        assert item.citation == "《工伤保险条例》第三十七条第（二）项"
    assert result.total == M("104000.00")


@pytest.mark.parametrize(
    "params, expected",
    [
        # grade 8, wage 7000, 4 and 10 months of 本人工资:
        # 11 × 7000 = 77000; 4 × 7000 = 28000; 10 × 7000 = 70000; total 175000
        (
            {"grade": 8, "wage": 7000, "medical_months": 4, "employment_months": 10},
            {"disability_lump_sum": "77000.00", "medical_subsidy": "28000.00",
             "employment_subsidy": "70000.00", "total": "175000.00"},
        ),
        # grade 7, wage 5000 bounded to 60% × 9000 = 5400: 13 × 5400 = 70200;
        # subsidies on the average wage: 6 × 9000 = 54000 each; total 178200
        (
            {"grade": 7, "wage": 5000, "avg_wage": 9000, "subsidy_base": "avg_wage",
             "medical_months": 6, "employment_months": 6},
            {"disability_lump_sum": "70200.00", "medical_subsidy": "54000.00",
             "employment_subsidy": "54000.00", "total": "178200.00"},
        ),
        # grade 5, wage 6000, 10 and 50 months, half-months allowed: 18 × 6000 = 108000;
        # 10.5 × 6000 = 63000; 50 × 6000 = 300000; total 471000 (allowance 4200 excluded)
        (
            {"grade": 5, "wage": 6000, "medical_months": "10.5", "employment_months": 50},
            {"disability_lump_sum": "108000.00", "medical_subsidy": "63000.00",
             "employment_subsidy": "300000.00", "disability_allowance": "4200.00",
             "total": "471000.00"},
        ),
    ],
)  # fmt: skip
def test_provincial_standards_in_months_give_the_one_off_subsidies(params, expected):
    items, total = amounts("injury.disability", **params)
    expected = dict(expected)
    assert total == M(expected.pop("total"))
    for code, amount in expected.items():
        assert items[code] == M(amount)


def test_only_one_subsidy_given_leaves_the_other_as_a_line_asking_for_it():
    result = calculate("injury.disability", {"grade": "9", "wage": "6000", "medical_months": "2"})
    assert result.item("medical_subsidy").amount == M("12000.00")  # 2 × 6000
    assert result.item("employment_subsidy").amount is None
    assert result.total == M("66000.00")  # 9 × 6000 + 12000


# --- injury.death: 工伤保险条例 39 ------------------------------------------------


def test_death_benefits_are_six_months_average_wage_and_twenty_times_national_income():
    # funeral 6 × 9000 = 54000; lump sum 20 × 51821 = 1036420; total 1090420
    result = calculate("injury.death", {"avg_wage": "9000", "income": "51821"})
    assert result.item("funeral_grant").amount == M("54000.00")
    assert result.item("death_lump_sum").amount == M("1036420.00")
    assert result.total == M("1090420.00")
    assert result.item("funeral_grant").citation == "《工伤保险条例》第三十九条第一款第（一）项"
    assert result.item("death_lump_sum").citation == "《工伤保险条例》第三十九条第一款第（三）项"


def test_with_the_wage_the_dependants_pension_rates_are_listed_but_not_totalled():
    # 本人工资 8000: spouse 40% = 3200, others 30% = 2400, orphans +10% = 800
    result = calculate("injury.death", {"wage": "8000", "avg_wage": "9000", "income": "51821"})
    item = result.item("dependent_pension")
    assert item.amount is None and item.in_total is False
    assert "3,200.00 元" in item.formula and "2,400.00 元" in item.formula
    assert result.total == M("1090420.00")


# --- labor.severance / labor.unlawful_termination: 劳动合同法 47, 87 ----------------


@pytest.mark.parametrize(
    "start, end, wage, expected",
    [
        # 3 years + exactly 6 months (2023-03-01 + 6 months = 09-01): 6 months counts as a year
        # → 4 × 8000 = 32000
        ("2020-03-01", "2023-08-31", 8000, "32000.00"),
        # 3 years 5 months 30 days: less than 6 months → half a month → 3.5 × 8000 = 28000
        ("2020-03-01", "2023-08-30", 8000, "28000.00"),
        # 3 whole years exactly → 3 × 8000 = 24000
        ("2020-03-01", "2023-02-28", 8000, "24000.00"),
        # less than a year, 3 months → half a month → 0.5 × 6000 = 3000
        ("2024-01-10", "2024-04-09", 6000, "3000.00"),
        # less than a year, 8 months → counts as a year → 1 × 6000 = 6000
        ("2024-01-01", "2024-08-31", 6000, "6000.00"),
        # one day → half a month → 0.5 × 6000 = 3000
        ("2024-05-06", "2024-05-06", 6000, "3000.00"),
        # exactly one year → 1 × 7000 = 7000
        ("2023-01-01", "2023-12-31", 7000, "7000.00"),
        # month-end start: 01-31 + 6 months = 07-31, so 01-31..07-30 is exactly 6 months
        # → 1 × 5000 = 5000
        ("2024-01-31", "2024-07-30", 5000, "5000.00"),
        # ... and a day less is 5 months 30 days → 0.5 × 5000 = 2500
        ("2024-01-31", "2024-07-29", 5000, "2500.00"),
        # uneven wage: 0.5 × 8333.33 = 4166.665 → 4166.67 (half up)
        ("2024-01-01", "2024-02-29", "8333.33", "4166.67"),
    ],
)
def test_severance_is_one_month_per_year_with_the_six_month_rule(start, end, wage, expected):
    items, total = amounts("labor.severance", start=start, end=end, wage=wage)
    assert items["severance"] == total == M(expected)


@pytest.mark.parametrize(
    "start, end, wage, avg_wage, expected",
    [
        # 14 years 6 months → 15 months; 40000 > 3 × 10000 → base 30000, years capped at 12
        # → 12 × 30000 = 360000
        ("2008-01-01", "2022-06-30", 40000, 10000, "360000.00"),
        # 5 years, above the cap → base 30000, 5 ≤ 12 → 5 × 30000 = 150000
        ("2015-01-01", "2019-12-31", 40000, 10000, "150000.00"),
        # exactly three times is not "高于": no cap → 15 × 30000 = 450000
        ("2008-01-01", "2022-06-30", 30000, 10000, "450000.00"),
        # at or below the cap the average wage changes nothing → 15 × 8000 = 120000
        ("2008-01-01", "2022-06-30", 8000, 10000, "120000.00"),
    ],
)
def test_severance_above_three_times_the_average_wage_is_capped_in_base_and_years(
    start, end, wage, avg_wage, expected
):
    items, _ = amounts("labor.severance", start=start, end=end, wage=wage, avg_wage=avg_wage)
    assert items["severance"] == M(expected)


def test_severance_drops_at_the_cap_when_service_exceeds_twelve_years_as_the_statute_says():
    # 47 II caps the years only for wages *above* three times the average: a fen more
    # than 30000 costs three months (15 × 30000 = 450000 → 12 × 30000 = 360000).
    below, _ = amounts(
        "labor.severance", start="2008-01-01", end="2022-06-30", wage="30000", avg_wage="10000"
    )
    above, _ = amounts(
        "labor.severance", start="2008-01-01", end="2022-06-30", wage="30000.01", avg_wage="10000"
    )
    assert below["severance"] == M("450000.00") and above["severance"] == M("360000.00")


def test_the_capped_formula_shows_the_cap_and_the_twelve_years():
    result = calculate(
        "labor.severance",
        {"start": "2008-01-01", "end": "2022-06-30", "wage": "40000", "avg_wage": "10000"},
    )
    formula = result.item("severance").formula
    assert "三倍" in formula and "15 个月按 12 个月计算" in formula
    assert "12 个月 × 30,000.00 元 = 360,000.00 元" in formula


def test_severance_wage_below_the_minimum_wage_uses_the_minimum_wage():
    # 2 years, wage 1800 < 2000 → 2 × 2000 = 4000 (实施条例 27)
    result = calculate(
        "labor.severance",
        {"start": "2022-01-01", "end": "2023-12-31", "wage": "1800", "min_wage": "2000"},
    )
    assert result.total == M("4000.00")
    assert "第二十七条" in result.item("severance").citation


def test_severance_before_2008_is_refused_with_the_reason():
    with pytest.raises(ParamError) as exc:
        calculate("labor.severance", {"start": "2007-06-01", "end": "2020-01-01", "wage": "5000"})
    assert exc.value.field == "start" and "第九十七条" in exc.value.reason


@pytest.mark.parametrize(
    "start, end, wage, avg_wage, expected",
    [
        ("2020-03-01", "2023-08-31", 8000, None, "64000.00"),  # 2 × (4 × 8000)
        ("2024-01-10", "2024-04-09", 6000, None, "6000.00"),  # 2 × (0.5 × 6000)
        ("2008-01-01", "2022-06-30", 40000, 10000, "720000.00"),  # 2 × (12 × 30000)
        # 实施条例 25: years from 用工之日, before 2008 too; 10 years → 2 × (10 × 5000)
        ("2005-01-01", "2014-12-31", 5000, None, "100000.00"),
    ],
)
def test_unlawful_termination_damages_are_twice_the_severance(start, end, wage, avg_wage, expected):
    params = {"start": start, "end": end, "wage": wage}
    if avg_wage:
        params["avg_wage"] = avg_wage
    items, total = amounts("labor.unlawful_termination", **params)
    assert items["termination_damages"] == total == M(expected)


def test_unlawful_termination_cites_87_47_and_the_regulation():
    result = calculate(
        "labor.unlawful_termination", {"start": "2020-03-01", "end": "2023-08-31", "wage": "8000"}
    )
    item = result.item("termination_damages")
    assert "《劳动合同法》第八十七条" in item.citation and "第二十五条" in item.citation
    assert "2 × 经济补偿 32,000.00 元 = 64,000.00 元" in item.formula


def test_service_length_counts_whole_years_months_and_days():
    assert service_length(D(2020, 3, 1), D(2023, 8, 30)) == Service(3, 5, 30)
    assert service_length(D(2020, 3, 1), D(2023, 8, 31)) == Service(3, 6, 0)
    assert service_length(D(2024, 5, 6), D(2024, 5, 6)) == Service(0, 0, 1)


# --- labor.double_wage: 劳动合同法 82; 实施条例 6, 7 --------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        # 2024-02-01..2024-07-15: 5 months (Feb–Jun) + 15 days of July (31 days):
        # 5 × 6000 = 30000; 6000 × 15 / 31 = 2903.2258 → 2903.23; 32903.23
        ({"start": "2024-01-01", "signed": "2024-07-16", "wage": 6000}, "32903.23"),
        # never signed, employed past the anniversary: 2024-02-01..2024-12-31, 11 × 6000
        ({"start": "2024-01-01", "end": "2025-06-30", "wage": 6000}, "66000.00"),
        # signed late, after the anniversary: still capped at 11 months
        ({"start": "2024-01-01", "signed": "2025-03-01", "wage": 6000}, "66000.00"),
        # signed within the first month → nothing
        ({"start": "2024-01-01", "signed": "2024-01-20", "wage": 6000}, "0.00"),
        # signed on the first day of the double-wage period → nothing
        ({"start": "2024-01-01", "signed": "2024-02-01", "wage": 6000}, "0.00"),
        # signed a day later: 1 day of February 2024 (29 days): 6000 × 1 / 29 = 206.896 → 206.90
        ({"start": "2024-01-01", "signed": "2024-02-02", "wage": 6000}, "206.90"),
        # start 01-31: months begin 02-29, 03-31, 04-30; period 02-29..04-14 = one month
        # (02-29..03-30) + 15 days of the month 03-31..04-29 (30 days):
        # 5800 + 5800 × 15 / 30 = 5800 + 2900 = 8700
        ({"start": "2024-01-31", "signed": "2024-04-15", "wage": 5800}, "8700.00"),
        # never signed, left after 2 months: 2024-04-10..2024-05-09 = one whole month, 9000
        ({"start": "2024-03-10", "end": "2024-05-09", "wage": 9000}, "9000.00"),
        # left within the first month, never signed → nothing
        ({"start": "2024-03-10", "end": "2024-03-31", "wage": 9000}, "0.00"),
        # both given: the earlier stop wins (left 2024-04-20 before signing in June):
        # 2024-02-01..2024-04-20 = 2 months + 20 days of April (30): 2 × 3000 + 3000 × 20 / 30
        # = 6000 + 2000 = 8000
        ({"start": "2024-01-01", "signed": "2024-06-01", "end": "2024-04-20", "wage": 3000},
         "8000.00"),
    ],
)  # fmt: skip
def test_double_wage_runs_from_the_second_month_to_the_day_before_signing(params, expected):
    items, total = amounts("labor.double_wage", **params)
    assert items["double_wage"] == total == M(expected)


def test_double_wage_formula_shows_the_period_and_the_pro_rata_days():
    result = calculate(
        "labor.double_wage", {"start": "2024-01-01", "signed": "2024-07-16", "wage": "6000"}
    )
    formula = result.item("double_wage").formula
    assert "2024-02-01 至 2024-07-15" in formula
    assert "5 个月 × 6,000.00 元 = 30,000.00 元" in formula
    assert "15 日按该月 31 日折算" in formula and "2,903.23 元" in formula


def test_double_wage_capped_at_a_year_cites_the_deemed_open_ended_contract():
    result = calculate(
        "labor.double_wage", {"start": "2024-01-01", "end": "2025-06-30", "wage": "6000"}
    )
    item = result.item("double_wage")
    assert "第十四条第三款" in item.citation and "无固定期限劳动合同" in item.formula


def test_double_wage_needs_the_signing_date_or_the_end_of_employment():
    with pytest.raises(ParamError) as exc:
        calculate("labor.double_wage", {"start": "2024-01-01", "wage": "6000"})
    assert exc.value.field == "signed" and "end" in exc.value.reason


# --- labor.unpaid_wages: 劳动合同法 30, 85 ------------------------------------------


@pytest.mark.parametrize(
    "params, wages, surcharge",
    [
        ({"amount": 15000, "months": 3}, "15000.00", None),
        ({"amount": 15000, "surcharge_rate": "0.5"}, "15000.00", "7500.00"),  # 15000 × 50%
        ({"amount": 15000, "surcharge_rate": "1.0"}, "15000.00", "15000.00"),  # 15000 × 100%
        (
            {"amount": "100.01", "surcharge_rate": "0.5"},
            "100.01",
            "50.01",
        ),  # 50.005 → 50.01 half up
    ],
)
def test_unpaid_wages_with_the_surcharge_as_a_separate_conditional_line(params, wages, surcharge):
    result = calculate("labor.unpaid_wages", {k: str(v) for k, v in params.items()})
    assert result.item("unpaid_wages").amount == result.total == M(wages)
    codes = [i.code for i in result.items]
    if surcharge is None:
        assert codes == ["unpaid_wages"]
    else:
        item = result.item("unpaid_wages_surcharge")
        assert item.amount == M(surcharge) and item.in_total is False
        assert "逾期" in item.formula and item.citation == "《劳动合同法》第八十五条"


# --- traffic.disability: 民法典 1179; 人身损害赔偿解释 (2022) 12 ----------------------


@pytest.mark.parametrize(
    "grade, age, expected",
    [
        (10, 30, "100000.00"),  # 50000 × 20 × 10%
        (10, 60, "100000.00"),  # 60: 20 − 0 = 20 years
        (10, 61, "95000.00"),  # 61: 20 − 1 = 19 years → 50000 × 19 × 10%
        (10, 74, "30000.00"),  # 74: 20 − 14 = 6 years
        (10, 75, "25000.00"),  # 75: 5 years
        (10, 80, "25000.00"),  # 80: still 5 years
        (1, 30, "1000000.00"),  # 50000 × 20 × 100%
        (7, 61, "380000.00"),  # 50000 × 19 × 40%
        (5, 70, "300000.00"),  # 70: 10 years → 50000 × 10 × 60%
    ],
)
def test_traffic_disability_compensation_by_grade_and_age(grade, age, expected):
    items, total = amounts("traffic.disability", income=50000, grade=grade, age=age)
    assert items["disability_compensation"] == total == M(expected)


def test_traffic_formula_shows_the_age_reduction_and_the_index():
    result = calculate("traffic.disability", {"income": "51821", "grade": "7", "age": "61"})
    item = result.item("disability_compensation")
    # 51821 × 19 × 40% = 393839.60
    assert item.amount == M("393839.60")
    assert "20 − 1 = 19 年" in item.formula and "40%" in item.formula
    assert item.citation.endswith("（2022修正）第十二条")


def test_traffic_expenses_the_lawyer_enters_are_their_own_items_with_their_articles():
    # 414568 (51821 × 20 × 40%) + 12000 + 6000 + 1500 + 900 = 434968
    result = calculate(
        "traffic.disability",
        {
            "income": "51821",
            "grade": "7",
            "age": "35",
            "lost_earnings": "12000",
            "nursing_fee": "6000",
            "hospital_food_allowance": "1500",
            "nutrition_fee": "900",
        },
    )
    assert result.item("disability_compensation").amount == M("414568.00")
    assert result.total == M("434968.00")
    articles = {i.code: i.citation.rsplit("）", 1)[1] for i in result.items}
    assert articles == {
        "disability_compensation": "第十二条",
        "lost_earnings": "第七条",
        "nursing_fee": "第八条",
        "hospital_food_allowance": "第十条",
        "nutrition_fee": "第十一条",
    }
    assert all(i.citation.startswith("《民法典》第一千一百七十九条") for i in result.items)


# --- validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, params, field, words",
    [
        ("injury.disability", {"wage": "8000"}, "grade", "必须填写"),
        ("injury.disability", {"grade": "7"}, "wage", "必须填写"),
        ("injury.disability", {"grade": "11", "wage": "8000"}, "grade", "1 至 10"),
        ("injury.disability", {"grade": "0", "wage": "8000"}, "grade", "1 至 10"),
        ("injury.disability", {"grade": "7.5", "wage": "8000"}, "grade", "整数"),
        ("injury.disability", {"grade": "7", "wage": "-1"}, "wage", "负数"),
        ("injury.disability", {"grade": "7", "wage": "八千"}, "wage", "有效的数字"),
        ("injury.disability", {"grade": "7", "wage": "NaN"}, "wage", "有效的数字"),
        ("injury.disability", {"grade": "7", "wage": "1e5"}, "wage", "有效的数字"),
        ("injury.disability", {"grade": "7", "wage": "8000", "avg_wage": "0"}, "avg_wage", "大于零"),
        ("injury.disability", {"grade": "3", "wage": "8000", "medical_months": "6"},
         "medical_months", "一级至四级"),
        ("injury.disability", {"grade": "7", "wage": "8000", "subsidy_base": "avg_wage",
                               "medical_months": "6"}, "avg_wage", "必须填写"),
        ("injury.disability", {"grade": "7", "wage": "8000", "subsidy_base": "x"},
         "subsidy_base", "之一"),
        ("injury.disability", {"grade": "7", "wage": "8000", "bonus": "1"}, "bonus", "没有这个参数"),
        ("labor.severance", {"start": "2024-03-01", "end": "2024-02-01", "wage": "1"}, "end", "不能早于"),
        ("labor.severance", {"start": "2024-02-30", "end": "2024-03-01", "wage": "1"}, "start",
         "日期格式"),
        ("labor.severance", {"start": "2024-2-1", "end": "2024-03-01", "wage": "1"}, "start",
         "日期格式"),
        ("labor.severance", {"start": "2024-W01-1", "end": "2024-03-01", "wage": "1"}, "start",
         "日期格式"),
        ("labor.double_wage", {"start": "2024-03-01", "end": "2024-02-01", "wage": "1"}, "end",
         "不能早于"),
        ("labor.unpaid_wages", {"amount": "1", "surcharge_rate": "0.4"}, "surcharge_rate", "0.5 至 1.0"),
        ("labor.unpaid_wages", {"amount": "1", "surcharge_rate": "1.01"}, "surcharge_rate",
         "0.5 至 1.0"),
        ("traffic.disability", {"income": "1", "grade": "7", "age": "-3"}, "age", "负数"),
    ],
)  # fmt: skip
def test_bad_input_raises_a_param_error_naming_the_field(kind, params, field, words):
    with pytest.raises(ParamError) as exc:
        calculate(kind, params)
    assert exc.value.field == field
    assert words in exc.value.reason
    assert f"（{field}）" in str(exc.value)  # the message names the field


def test_an_unknown_kind_is_a_calculator_error_that_lists_the_kinds():
    with pytest.raises(CalculatorError) as exc:
        calculate("injury.mystery", {})
    assert isinstance(exc.value, ValueError) and exc.value.field == "kind"
    assert "labor.severance" in str(exc.value)


def test_native_values_from_a_form_are_accepted():
    result = calculate(
        "labor.severance", {"start": D(2020, 3, 1), "end": D(2023, 8, 31), "wage": M("8000")}
    )
    assert result.total == M("32000.00")


def test_thousands_separators_are_accepted_in_amounts():
    items, _ = amounts("injury.disability", grade=10, wage="8,000.00")
    assert items["disability_lump_sum"] == M("56000.00")


def test_every_kind_describes_its_parameters_for_a_form():
    described = describe()
    assert [d["code"] for d in described] == list(KINDS)
    for kind in described:
        assert kind["label"] and kind["params"]
        for p in kind["params"]:
            assert set(p) >= {"name", "label", "type", "required", "help"}
            assert p["type"] in {"money", "decimal", "int", "date", "choice"}
            assert p["label"]
    grade = next(p for p in describe("injury.disability")["params"] if p["name"] == "grade")
    assert grade == {**grade, "type": "int", "required": True, "min": "1", "max": "10"}


# --- the command: manage.py calculate -----------------------------------------------


def run(*args):
    out = StringIO()
    call_command("calculate", *args, stdout=out)
    return out.getvalue()


def test_json_prints_the_agreed_object_with_amounts_as_two_decimal_strings():
    data = json.loads(
        run("injury.disability", "--param", "grade=10", "--param", "wage=8000", "--json")
    )
    assert data["kind"] == "injury.disability" and data["total"] == "56000.00"
    first = data["items"][0]
    assert first == {
        "code": "disability_lump_sum",
        "label": "一次性伤残补助金",
        "amount": "56000.00",
        "formula": "10级伤残：7 个月 × 8,000.00 元 = 56,000.00 元",
        "citation": "《工伤保险条例》第三十七条第（一）项",
        "in_total": True,
    }
    # lines without a computable amount carry null, and are not in the total
    assert [(i["code"], i["amount"], i["in_total"]) for i in data["items"][1:]] == [
        ("medical_subsidy", None, False),
        ("employment_subsidy", None, False),
    ]


def test_json_for_severance():
    data = json.loads(
        run(
            "labor.severance",
            "--param=start=2020-03-01",
            "--param=end=2023-08-31",
            "--param=wage=8000",
            "--json",
        )
    )
    assert data["total"] == "32000.00"
    assert [(i["code"], i["amount"]) for i in data["items"]] == [("severance", "32000.00")]


def test_the_readable_table_lists_items_formulas_citations_and_the_total():
    text = run("labor.unpaid_wages", "--param", "amount=15000", "--param", "surcharge_rate=0.5")
    assert "拖欠的劳动报酬" in text and "15,000.00 元" in text
    assert "加付赔偿金 *" in text and "7,500.00 元" in text
    assert "《劳动合同法》第八十五条" in text
    assert text.splitlines()[-2].startswith("合计") and "15,000.00 元" in text.splitlines()[-2]
    assert "不计入合计" in text.splitlines()[-1]


@pytest.mark.parametrize(
    "args, words",
    [
        (("no.such.kind",), "未知的计算类型"),
        (("labor.severance", "--param", "start=2020-03-01", "--param", "end=2023-08-31"), "wage"),
        (("injury.disability", "--param", "grade=7", "--param", "wage=abc"), "有效的数字"),
        (("injury.disability", "--param", "grade=7", "--param", "wage=-8000"), "负数"),
        (("injury.disability", "--param", "grade=11", "--param", "wage=8000"), "grade"),
        (("labor.severance", "--param", "start=2024-03-01", "--param", "end=2024-01-01",
          "--param", "wage=1"), "不能早于"),
        (("labor.severance", "--param", "start=yesterday", "--param", "end=2024-01-01",
          "--param", "wage=1"), "日期格式"),
        (("labor.unpaid_wages", "--param", "amount=1", "--param", "surcharge_rate=2"), "0.5 至 1.0"),
        (("labor.unpaid_wages", "--param", "amount=1", "--param", "colour=red"), "没有这个参数"),
        (("labor.unpaid_wages", "--param", "amount"), "NAME=VALUE"),
        (("labor.unpaid_wages", "--param", "amount=1", "--param", "amount=2"), "重复"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error_with_exit_code_2(args, words):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert exc.value.returncode == 2
    assert words in str(exc.value)


def _manage(*args):
    # An unreachable database: the command must not touch it.
    env = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent-dir/never.sqlite3"}
    return subprocess.run(
        [sys.executable, "manage.py", "calculate", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_runs_as_a_process_without_a_database():
    done = _manage("labor.double_wage", "--param", "start=2024-01-01", "--param",
                   "signed=2024-07-16", "--param", "wage=6000", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == "32903.23"
    bad = _manage("labor.double_wage", "--param", "start=2024-01-01", "--param", "wage=x")
    assert bad.returncode == 2
    assert "月工资（wage）：不是有效的数字：x" in bad.stderr and bad.stdout == ""


# --- properties ---------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=200000, places=2)
positive_money = st.decimals(min_value=1, max_value=100000, places=2)
grades = st.integers(min_value=1, max_value=10)
dates = st.dates(min_value=D(2008, 1, 1), max_value=D(2035, 12, 31))
spans = st.integers(min_value=0, max_value=40 * 366)


@st.composite
def any_calculation(draw):
    kind = draw(st.sampled_from(sorted(KINDS)))
    start = draw(dates)
    end = start + datetime.timedelta(days=draw(spans))
    optional = {
        "avg_wage": draw(st.none() | positive_money),
        "min_wage": draw(st.none() | money),
    }
    if kind == "injury.disability":
        params = {"grade": draw(grades), "wage": draw(money), **optional}
        if params["grade"] >= 5:
            params["medical_months"] = draw(st.none() | st.decimals(0, 60, places=1))
            params["employment_months"] = draw(st.none() | st.decimals(0, 60, places=1))
    elif kind == "injury.death":
        params = {"wage": draw(st.none() | money), "avg_wage": draw(positive_money),
                  "income": draw(positive_money)}  # fmt: skip
    elif kind in ("labor.severance", "labor.unlawful_termination"):
        params = {"start": start, "end": end, "wage": draw(money), **optional}
    elif kind == "labor.double_wage":
        params = {"start": start, "wage": draw(money), "end": end,
                  "signed": draw(st.none() | dates)}  # fmt: skip
    elif kind == "labor.unpaid_wages":
        params = {"amount": draw(money),
                  "surcharge_rate": draw(st.none() | st.decimals("0.5", "1.0", places=2))}  # fmt: skip
    else:
        params = {"income": draw(positive_money), "grade": draw(grades),
                  "age": draw(st.integers(0, 120)), "nursing_fee": draw(st.none() | money)}  # fmt: skip
    return kind, {k: v for k, v in params.items() if v is not None}


@settings(max_examples=400, deadline=None)
@given(any_calculation())
def test_amounts_are_never_negative_and_the_total_is_the_sum_of_the_counted_items(calc):
    kind, params = calc
    result = calculate(kind, params)
    for item in result.items:
        assert item.amount is None or item.amount >= 0
        assert item.amount is None or item.amount == item.amount.quantize(M("0.01"))
        assert item.in_total or "不计入合计" in item.formula
    assert result.total == sum(i.amount for i in result.items if i.in_total)
    assert result.total >= 0


@settings(max_examples=300, deadline=None)
@given(
    grades,
    money,
    money,
    st.none() | positive_money,
    st.none() | st.decimals(0, 60, places=1),
)
def test_injury_total_never_falls_when_the_wage_rises(grade, w1, w2, avg_wage, months):
    low, high = sorted((w1, w2))
    params = {"grade": grade, "avg_wage": avg_wage}
    if grade >= 5:
        params["medical_months"] = params["employment_months"] = months
    params = {k: v for k, v in params.items() if v is not None}
    assert (
        calculate("injury.disability", {**params, "wage": low}).total
        <= calculate("injury.disability", {**params, "wage": high}).total
    )


@settings(max_examples=300, deadline=None)
@given(dates, spans, money, money, st.none() | positive_money)
def test_severance_never_falls_when_the_wage_rises_except_at_the_statutory_cliff(
    start, span, w1, w2, avg_wage
):
    end = start + datetime.timedelta(days=span)
    low, high = sorted((w1, w2))
    a = severance_basis(start, end, low, avg_wage)
    b = severance_basis(start, end, high, avg_wage)
    if a.capped == b.capped or a.counted_months <= 12:
        assert a.amount <= b.amount
    else:
        # crossing 3 × avg_wage with more than 12 years: the years cap bites (47 II)
        assert b.amount == 12 * b.base


@settings(max_examples=300, deadline=None)
@given(dates, spans, money, dates, st.none() | dates)
def test_double_wage_never_falls_when_the_wage_rises(start, span, wage, signed, other):
    end = start + datetime.timedelta(days=span)
    base = {"start": start, "end": end, "signed": signed}
    low = calculate("labor.double_wage", {**base, "wage": wage}).total
    high = calculate("labor.double_wage", {**base, "wage": wage + 1}).total
    assert low <= high
    assert high <= 11 * (wage + 1)  # never more than eleven months


@settings(max_examples=200, deadline=None)
@given(grades, grades, positive_money, st.integers(0, 120))
def test_a_more_severe_grade_never_gets_less(g1, g2, wage_or_income, age):
    severe, light = sorted((g1, g2))
    injury = [
        calculate("injury.disability", {"grade": g, "wage": wage_or_income}).total
        for g in (severe, light)
    ]
    traffic = [
        calculate("traffic.disability", {"grade": g, "income": wage_or_income, "age": age}).total
        for g in (severe, light)
    ]
    assert injury[0] >= injury[1] and traffic[0] >= traffic[1]


@settings(max_examples=400, deadline=None)
@given(dates, spans, money, positive_money, st.none() | money)
def test_capped_severance_never_exceeds_three_times_the_average_wage_or_twelve_years(
    start, span, wage, avg_wage, min_wage
):
    basis = severance_basis(start, start + datetime.timedelta(days=span), wage, avg_wage, min_wage)
    if basis.capped:
        assert basis.base <= 3 * avg_wage
        assert basis.months <= 12
        assert basis.amount <= 12 * 3 * avg_wage + M("0.01")
    else:
        assert basis.base <= max(wage, min_wage or 0)
        assert basis.months == basis.counted_months


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 150))
def test_traffic_years_are_twenty_then_fall_a_year_a_year_to_five(age):
    years, _ = compensation_years(age)
    assert years == (20 if age <= 60 else max(5, 80 - age))


def test_results_and_errors_read_in_english():
    from django.utils import translation

    with translation.override("en"):
        result = calculate(
            "labor.severance", {"start": "2020-03-01", "end": "2021-03-31", "wage": "8000"}
        )
        item = result.item("severance")
        assert (
            str(item.label) == "Severance pay" and item.citation == "Labour Contract Law, Art. 47"
        )
        # 1 year 1 month → 1.5 × 8000 = 12000
        assert (
            "1 year 1 month" in item.formula
            and "1.5 × 8,000.00 yuan = 12,000.00 yuan" in item.formula
        )
        with pytest.raises(ParamError) as exc:
            calculate("injury.disability", {"grade": "7", "wage": "-1"})
        assert str(exc.value) == "Own wage (wage): cannot be negative"
