"""Each rule's computation against examples worked out by hand from the statutes and
the State Council schedules for 2025 and 2026, plus property tests of the invariants.

2025 rest weekdays: 01-01, 01-28..02-04, 04-04, 05-01..05-05, 06-02, 10-01..10-08;
make-up working days 01-26, 02-08, 04-27, 09-28, 10-11.
2026 rest weekdays: 01-01..01-02, 02-16..02-23, 04-06, 05-01..05-05, 06-19, 09-25,
10-01..10-07; make-up working days 01-04, 02-14, 02-28, 05-09, 09-20, 10-10.
"""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.deadlines import counting
from cases.deadlines import rules as deadlines
from cases.deadlines.counting import add_months, compute, compute_after, pause_from
from cases.deadlines.rules import RULES, get_rule, rules_for_trigger
from cases.deadlines.workdays import Calendar

D = datetime.date
CAL = Calendar()


def due(code, trigger, **kwargs):
    return compute(code, trigger, CAL, **kwargs)


# --- the examples, one or more per rule --------------------------------------------


@pytest.mark.parametrize(
    "code, trigger, expected, rolled",
    [
        # 30 days from 2026-01-10: 02-09 (Mon).
        ("injury.employer_application", D(2026, 1, 10), D(2026, 2, 9), False),
        # 1 year from 2025-02-15: 2026-02-15 is Spring Festival; first working day 02-24.
        ("injury.worker_application", D(2025, 2, 15), D(2026, 2, 24), True),
        # 60 days from 2026-03-01: 04-30 (Thu).
        ("injury.decision", D(2026, 3, 1), D(2026, 4, 30), False),
        # 60 days from 2026-03-03: 05-02 in the May Day holiday → 05-06.
        ("injury.appraisal_conclusion", D(2026, 3, 3), D(2026, 5, 6), True),
        # 15 days from 2026-06-04: 06-19 端午 (Fri) → Mon 06-22.
        ("injury.reappraisal_request", D(2026, 6, 4), D(2026, 6, 22), True),
        # 60 days from 2026-08-02: 10-01 → 10-08.
        ("admin.reconsideration", D(2026, 8, 2), D(2026, 10, 8), True),
        # 6 months from 2025-08-31: no 02-31, month end 2026-02-28 is a make-up Saturday.
        ("admin.lawsuit", D(2025, 8, 31), D(2026, 2, 28), False),
        # 15 days from 2026-04-20: 05-05 (holiday) → 05-06.
        ("admin.lawsuit_after_reconsideration", D(2026, 4, 20), D(2026, 5, 6), True),
        # 15 days from 2026-01-05: 01-20 (Tue).
        ("labor.mediation", D(2026, 1, 5), D(2026, 1, 20), False),
        # 1 year from 2025-10-01: 2026-10-01 → 10-08.
        ("labor.arbitration_limitation", D(2025, 10, 1), D(2026, 10, 8), True),
        # 5 days from 2026-09-26: 10-01 → 10-08.
        ("labor.arbitration_acceptance", D(2026, 9, 26), D(2026, 10, 8), True),
        # 45 days from 2026-01-01: 02-15 (Spring Festival) → 02-24.
        ("labor.arbitration_award", D(2026, 1, 1), D(2026, 2, 24), True),
        # 15 days from 2026-09-15: 09-30 (Wed).
        ("labor.suit_after_award", D(2026, 9, 15), D(2026, 9, 30), False),
        # 30 days from 2026-08-26: 09-25 中秋 (Fri) → Mon 09-28.
        ("labor.set_aside_final_award", D(2026, 8, 26), D(2026, 9, 28), True),
        # 15 days from 2026-09-16: 10-01 → 10-08.
        ("civil.appeal", D(2026, 9, 16), D(2026, 10, 8), True),
        # 2 years from 2024-05-03: 2026-05-03 (holiday) → 05-06.
        ("civil.enforcement", D(2024, 5, 3), D(2026, 5, 6), True),
        # 3 years from 2023-01-01: 2026-01-01 → Sun 01-04 is the make-up day.
        ("civil.tort_limitation", D(2023, 1, 1), D(2026, 1, 4), True),
        # 7 days from 2026-04-28: 05-05 → 05-06.
        ("legalaid.decision", D(2026, 4, 28), D(2026, 5, 6), True),
        # 3 days from 2026-02-12: 02-15 → 02-24.
        ("legalaid.assignment", D(2026, 2, 12), D(2026, 2, 24), True),
        # 2 years from 2024-02-29 (leap day): no 2026-02-29, month end 02-28 (make-up Sat).
        ("inspection.complaint", D(2024, 2, 29), D(2026, 2, 28), False),
    ],
)
def test_each_rule_matches_the_hand_worked_example(code, trigger, expected, rolled):
    result = due(code, trigger)
    assert (result.due, result.rolled_over, result.provisional) == (expected, rolled, False)


def test_every_rule_in_the_design_table_is_defined_with_a_citation():
    design = {
        "injury.employer_application",
        "injury.worker_application",
        "injury.decision",
        "injury.appraisal_conclusion",
        "injury.reappraisal_request",
        "admin.reconsideration",
        "admin.lawsuit",
        "admin.lawsuit_after_reconsideration",
        "labor.mediation",
        "labor.arbitration_limitation",
        "labor.arbitration_acceptance",
        "labor.arbitration_award",
        "labor.suit_after_award",
        "labor.set_aside_final_award",
        "civil.appeal",
        "civil.enforcement",
        "civil.tort_limitation",
        "legalaid.decision",
        "legalaid.assignment",
        "inspection.complaint",
        "inspection.investigation",
        "sla.lawyer_accept",
        "sla.first_contact",
    }
    # Issue 14's table, exactly these codes, and the 15-day variant of 工伤保险条例 20(2).
    round_two = {
        "traffic.liability_review",
        "civil.appeal_ruling",
        "admin.appeal",
        "admin.appeal_ruling",
        "injury.acceptance",
        "civil.payment_order_objection",
        "admin.reconsideration_decision",
        "admin.lawsuit_after_reconsideration_silence",
        "injury.reappraisal_conclusion",
        "civil.judicial_confirmation",
        "civil.preservation_suit",
        "labor.suit_after_set_aside",
        "injury.decision_simple",
    }
    pilot = {"occupational.application"}  # not statutory, configurable
    assert set(RULES) == design | round_two | pilot
    assert deadlines.PILOT_RULES == pilot
    for rule in RULES.values():
        assert rule.citation and rule.binds in {"worker", "agency", "lawyer"}
        if rule.pilot:
            assert "非法定" in str(rule.citation)
        elif not rule.code.startswith("sla."):
            assert "第" in str(rule.citation) and "条" in str(rule.citation)


def test_legal_aid_assignment_cites_article_43_where_the_three_days_are():
    assert "第四十三条" in str(RULES["legalaid.assignment"].citation)


def test_month_end_a_month_from_january_31_is_february_28_or_29():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)


def test_a_year_from_a_leap_day_ends_on_february_28():
    # 2024-02-29 + 1 year: no 2025-02-29; 02-28 is a Friday working day.
    result = due("injury.worker_application", D(2024, 2, 29))
    assert (result.raw_end, result.due, result.rolled_over) == (
        D(2025, 2, 28),
        D(2025, 2, 28),
        False,
    )


def test_the_trigger_day_is_not_counted():
    assert due("labor.suit_after_award", D(2026, 3, 2)).raw_end == D(2026, 3, 17)


def test_a_last_day_on_a_make_up_working_day_does_not_roll_but_is_flagged():
    # 15 days from 2025-09-13 end on Sun 2025-09-28, an official make-up working day.
    result = due("civil.appeal", D(2025, 9, 13))
    assert (result.due, result.rolled_over, result.makeup_workday) == (D(2025, 9, 28), False, True)


def test_holidays_inside_the_period_do_not_extend_it():
    # 15 days from 2026-09-28 run through National Day and end on Tue 10-13.
    assert due("civil.appeal", D(2026, 9, 28)).due == D(2026, 10, 13)


def test_sixty_working_days_across_national_day_2025():
    # Hand count from Mon 2025-09-01: 22 working days in September (with Sun 09-28),
    # 10-01..10-08 rest, then 10-09, 10-10, Sat 10-11 (make-up) … the 60th is Fri 11-28.
    result = due("inspection.investigation", D(2025, 9, 1))
    assert (result.due, result.rolled_over, result.provisional) == (D(2025, 11, 28), False, False)


def test_the_inspection_investigation_extension_adds_thirty_working_days():
    # From Fri 2025-11-28, 30 more working days: December has 23 (12-01..12-31), then
    # 2026-01-01/02 rest, Sun 01-04 (make-up) is the 24th, 01-05..01-09 reach 29, Mon 01-12 the 30th.
    assert due("inspection.investigation", D(2025, 9, 1), extended=True).due == D(2026, 1, 12)


def test_working_day_sla_across_spring_festival_2025():
    # Fri 2025-01-24 + 3 working days: Sun 01-26 (make-up), Mon 01-27, then Wed 02-05.
    result = compute(
        get_rule("sla.first_contact", sla_workdays={"sla.first_contact": 3}), D(2025, 1, 24), CAL
    )
    assert result.due == D(2025, 2, 5)


def test_sla_periods_come_from_settings(settings):
    settings.SLA_LAWYER_ACCEPT_WORKDAYS = 5
    assert get_rule("sla.lawyer_accept").period == 5
    # Mon 2026-03-02 + 5 working days = Mon 03-09.
    assert compute("sla.lawyer_accept", D(2026, 3, 2), CAL).due == D(2026, 3, 9)


def test_arbitration_award_extension_adds_fifteen_days():
    # 45 + 15 = 60 days from 2026-03-02: 05-01 (holiday) → 05-06.
    result = due("labor.arbitration_award", D(2026, 3, 2), extended=True)
    assert (result.raw_end, result.due) == (D(2026, 5, 1), D(2026, 5, 6))


def test_a_deadline_in_an_unknown_year_rolls_over_a_statutory_holiday_and_is_provisional():
    # 15 days from 2026-12-17 end on Fri 2027-01-01 (元旦): rolls to Mon 01-04, which
    # the 2027 notice could still change; the safe date is the last day of the period.
    result = due("civil.appeal", D(2026, 12, 17))
    assert (result.due, result.provisional, result.rolled_over) == (D(2027, 1, 4), True, True)
    assert result.safe_date == D(2027, 1, 1)


def test_an_override_changes_the_result_and_makes_the_date_known():
    calendar = Calendar(
        {D(2027, 1, 1): False, D(2027, 1, 2): False, D(2027, 1, 3): False, D(2027, 1, 4): True}
    )
    result = compute("civil.appeal", D(2026, 12, 17), calendar)
    assert (result.due, result.provisional, result.rolled_over) == (D(2027, 1, 4), False, True)


def test_a_local_override_in_a_known_year_changes_the_result():
    calendar = Calendar({D(2026, 9, 30): False})
    assert compute("labor.suit_after_award", D(2026, 9, 15), calendar).due == D(2026, 10, 8)


def test_interruption_restarts_the_whole_period():
    # Knew 2025-03-10; demanded payment 2025-11-20 (interruption): 1 year from then, Fri 2026-11-20.
    result = due("labor.arbitration_limitation", D(2025, 3, 10), restarted_on=D(2025, 11, 20))
    assert result.due == D(2026, 11, 20)


def test_suspension_adds_the_paused_days():
    # 1 year from 2025-03-10 is Tue 2026-03-10; 10 days paused → Fri 03-20.
    result = due("labor.arbitration_limitation", D(2025, 3, 10), suspended_days=10)
    assert result.due == D(2026, 3, 20)


def test_tort_suspension_runs_at_least_six_months_after_the_obstacle_ends():
    result = due(
        "civil.tort_limitation", D(2023, 6, 1), suspended_days=20, resumed_on=D(2026, 5, 25)
    )
    # 3 years + 20 days = 2026-06-21 (Sun); six months from 05-25 is 11-25 (Wed).
    assert result.due == D(2026, 11, 25)


def test_enforcement_suspension_also_runs_six_months_after_the_obstacle_ends():
    # 民事诉讼法 250 applies the limitation rules, so 民法典 194 II's tail applies.
    result = due("civil.enforcement", D(2024, 6, 3), suspended_days=10, resumed_on=D(2026, 5, 20))
    # 2 years + 10 days = 2026-06-13 (Sat); six months from 05-20 is 11-20 (Fri).
    assert result.due == D(2026, 11, 20)


def test_the_accident_starts_injury_deadlines_only_for_injury_claims():
    assert {r.code for r in rules_for_trigger("accident", ["injury"])} == {
        "injury.employer_application",
        "injury.worker_application",
    }
    assert {r.code for r in rules_for_trigger("accident", ["tort"])} == {"civil.tort_limitation"}
    assert rules_for_trigger("accident", ["wage"]) == []


def test_unpaid_pay_runs_from_the_end_of_employment_and_other_disputes_from_knowing():
    # 劳动争议调解仲裁法 art. 27(1) and (4).
    def starts(trigger, claims):
        return "labor.arbitration_limitation" in {
            r.code for r in rules_for_trigger(trigger, claims)
        }

    assert starts("employment_ended", ["wage"])
    assert not starts("knew_infringement", ["wage"])  # not time-barred while employed
    assert starts("knew_infringement", ["labor"]) and starts("knew_infringement", ["injury"])
    assert not starts("employment_ended", ["labor"]) and not starts("employment_ended", ["injury"])
    # A case with both claims gets both clocks: one per claim.
    assert starts("knew_infringement", ["wage", "labor"])
    assert starts("employment_ended", ["wage", "labor"])
    assert not starts("knew_infringement", ["tort"]) and not starts("employment_ended", ["consult"])


def test_the_accident_starts_the_pilot_limit_only_for_occupational_injury_claims():
    assert [r.code for r in rules_for_trigger("accident", ["occupational"])] == [
        "occupational.application"
    ]
    assert {r.code for r in rules_for_trigger("accident", ["occupational", "tort"])} == {
        "occupational.application",
        "civil.tort_limitation",
    }
    assert "occupational.application" not in {
        r.code for r in rules_for_trigger("accident", ["injury"])
    }


def test_the_occupational_injury_pilot_limit_defaults_to_thirty_days_and_comes_from_settings(
    settings,
):
    rule = get_rule("occupational.application")
    assert (rule.period, rule.unit, rule.binds, rule.pilot) == (30, "days", "worker", True)
    # 30 days from Mon 2026-11-02: Wed 12-02.
    assert compute("occupational.application", D(2026, 11, 2), CAL).due == D(2026, 12, 2)
    settings.OCCUPATIONAL_APPLICATION_DAYS = 90
    assert get_rule("occupational.application").period == 90
    # 90 days from 11-02: Sun 2027-01-31 → Mon 02-01, provisional (2027 not yet known).
    result = compute("occupational.application", D(2026, 11, 2), CAL)
    assert (result.raw_end, result.due, result.provisional) == (D(2027, 1, 31), D(2027, 2, 1), True)


def test_explanation_names_rule_article_raw_end_roll_and_provisional():
    text = "\n".join(counting.explain(due("civil.appeal", D(2026, 9, 16))))
    assert "第一百七十一条" in text and "2026-10-01" in text and "顺延" in text and "确定" in text


# --- invariants ------------------------------------------------------------------------

dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2028, 12, 31))
codes = st.sampled_from(sorted(RULES))
rest_days = st.dictionaries(dates, st.just(False), max_size=8)


@settings(max_examples=300, deadline=None)
@given(code=codes, trigger=dates, extended=st.booleans(), overrides=rest_days)
def test_the_due_date_is_never_before_the_raw_end_and_is_a_working_day(
    code, trigger, extended, overrides
):
    calendar = Calendar(overrides)
    result = compute(code, trigger, calendar, extended=extended)
    assert result.due >= result.raw_end > trigger
    day = calendar.day(result.due)
    assert day.workday
    if result.due.weekday() >= 5:
        assert result.makeup_workday


@settings(max_examples=300, deadline=None)
@given(code=codes, trigger=dates, overrides=rest_days, extra=dates)
def test_adding_a_rest_day_override_never_makes_a_due_date_earlier(code, trigger, overrides, extra):
    before = compute(code, trigger, Calendar(overrides))
    after = compute(code, trigger, Calendar({**overrides, extra: False}))
    assert after.due >= before.due


@settings(max_examples=200, deadline=None)
@given(code=codes, trigger=st.dates(min_value=D(2004, 1, 1), max_value=D(2023, 6, 30)))
def test_periods_inside_known_years_are_never_provisional(code, trigger):
    # The longest period is 3 years: from mid-2023 it still ends inside 2026.
    assert compute(code, trigger, CAL).provisional is False


@settings(max_examples=200, deadline=None)
@given(code=codes, trigger=st.dates(min_value=D(2026, 6, 1), max_value=D(2028, 12, 31)))
def test_a_result_that_ends_in_an_unknown_year_is_always_provisional(code, trigger):
    result = compute(code, trigger, CAL)
    if result.raw_end.year >= 2027:
        assert result.provisional


# --- round two: the rules issue 14 added --------------------------------------------
# Hand-worked over the 2025 and 2026 schedules (see the module docstring): one example
# rolling over a holiday block and one ending on a make-up working day per rule.


@pytest.mark.parametrize(
    "code, trigger, expected, rolled, makeup",
    [
        # 3 working days from Tue 2026-09-29: Wed 09-30, (10-01..10-07), Thu 10-08, Fri 10-09.
        ("traffic.liability_review", D(2026, 9, 29), D(2026, 10, 9), False, False),
        # From Wed 2026-10-07 (a holiday): 10-08, 10-09, Sat 10-10 (make-up day).
        ("traffic.liability_review", D(2026, 10, 7), D(2026, 10, 10), False, True),
        # From Fri 2026-02-13: Sat 02-14 (make-up), (02-15..02-23), Tue 02-24, Wed 02-25.
        ("traffic.liability_review", D(2026, 2, 13), D(2026, 2, 25), False, False),
        # 10 days from 2026-09-21: 10-01 → Thu 10-08.
        ("civil.appeal_ruling", D(2026, 9, 21), D(2026, 10, 8), True, False),
        # 10 days from 2026-02-04: Sat 02-14, a make-up working day.
        ("civil.appeal_ruling", D(2026, 2, 4), D(2026, 2, 14), False, True),
        # 15 days from 2026-04-20: 05-05 (May Day block) → 05-06.
        ("admin.appeal", D(2026, 4, 20), D(2026, 5, 6), True, False),
        # 15 days from 2026-02-13: Sat 02-28, a make-up working day.
        ("admin.appeal", D(2026, 2, 13), D(2026, 2, 28), False, True),
        # 10 days from 2026-06-09: 06-19 端午 (Fri) → Mon 06-22.
        ("admin.appeal_ruling", D(2026, 6, 9), D(2026, 6, 22), True, False),
        # 10 days from 2026-09-10: Sun 09-20, a make-up working day.
        ("admin.appeal_ruling", D(2026, 9, 10), D(2026, 9, 20), False, True),
        # 15 days from 2026-02-01: 02-16 (Spring Festival) → Tue 02-24.
        ("injury.acceptance", D(2026, 2, 1), D(2026, 2, 24), True, False),
        # 15 days from 2026-01-30: Sat 02-14, a make-up working day.
        ("injury.acceptance", D(2026, 1, 30), D(2026, 2, 14), False, True),
        # 15 days from 2025-09-16: 10-01 → Thu 10-09 (National Day 2025 ran to 10-08).
        ("civil.payment_order_objection", D(2025, 9, 16), D(2025, 10, 9), True, False),
        # 15 days from 2025-09-13: Sun 09-28, a make-up working day.
        ("civil.payment_order_objection", D(2025, 9, 13), D(2025, 9, 28), False, True),
        # 60 days from 2026-08-02: 10-01 → 10-08.
        ("admin.reconsideration_decision", D(2026, 8, 2), D(2026, 10, 8), True, False),
        # 60 days from 2025-07-30: Sun 2025-09-28, a make-up working day.
        ("admin.reconsideration_decision", D(2025, 7, 30), D(2025, 9, 28), False, True),
        # 15 days from the end of the 复议 period, 2026-09-16: 10-01 → 10-08.
        (
            "admin.lawsuit_after_reconsideration_silence",
            D(2026, 9, 16),
            D(2026, 10, 8),
            True,
            False,
        ),
        # From 2026-02-13: Sat 02-28, a make-up working day.
        (
            "admin.lawsuit_after_reconsideration_silence",
            D(2026, 2, 13),
            D(2026, 2, 28),
            False,
            True,
        ),
        # 60 days from 2026-07-27: 09-25 中秋 (Fri) → Mon 09-28.
        ("injury.reappraisal_conclusion", D(2026, 7, 27), D(2026, 9, 28), True, False),
        # 60 days from 2026-03-10: Sat 05-09, a make-up working day.
        ("injury.reappraisal_conclusion", D(2026, 3, 10), D(2026, 5, 9), False, True),
        # 30 days from 2026-04-05: 05-05 → 05-06.
        ("civil.judicial_confirmation", D(2026, 4, 5), D(2026, 5, 6), True, False),
        # 30 days from 2026-04-09: Sat 05-09, a make-up working day.
        ("civil.judicial_confirmation", D(2026, 4, 9), D(2026, 5, 9), False, True),
        # 30 days from 2026-01-17: 02-16 → 02-24.
        ("civil.preservation_suit", D(2026, 1, 17), D(2026, 2, 24), True, False),
        # 30 days from 2026-01-15: Sat 02-14, a make-up working day.
        ("civil.preservation_suit", D(2026, 1, 15), D(2026, 2, 14), False, True),
        # 15 days from 2026-09-10: 09-25 中秋 → Mon 09-28.
        ("labor.suit_after_set_aside", D(2026, 9, 10), D(2026, 9, 28), True, False),
        # 15 days from 2026-09-05: Sun 09-20, a make-up working day.
        ("labor.suit_after_set_aside", D(2026, 9, 5), D(2026, 9, 20), False, True),
        # 15 days from 2026-06-04: 06-19 端午 → 06-22.
        ("injury.decision_simple", D(2026, 6, 4), D(2026, 6, 22), True, False),
        # 15 days from 2026-09-05: Sun 09-20, a make-up working day.
        ("injury.decision_simple", D(2026, 9, 5), D(2026, 9, 20), False, True),
    ],
)
def test_each_new_rule_matches_the_hand_worked_example(code, trigger, expected, rolled, makeup):
    result = due(code, trigger)
    assert (result.due, result.rolled_over, result.makeup_workday, result.provisional) == (
        expected,
        rolled,
        makeup,
        False,
    )
    assert result.safe_date == result.due  # final: nothing is guessed


@pytest.mark.parametrize(
    "code, trigger, expected, safe",
    [
        # 3 working days from Wed 2026-12-30: Thu 12-31, (元旦, weekend) Mon 01-04, Tue
        # 01-05. Were Sat 01-02 and Sun 01-03 make-up days, the third would be Sun 01-03.
        ("traffic.liability_review", D(2026, 12, 30), D(2027, 1, 5), D(2027, 1, 3)),
        ("civil.appeal_ruling", D(2026, 12, 22), D(2027, 1, 4), D(2027, 1, 1)),  # 元旦
        ("admin.appeal", D(2027, 1, 21), D(2027, 2, 9), D(2027, 2, 5)),  # 除夕 to 初三
        ("admin.appeal_ruling", D(2027, 9, 5), D(2027, 9, 16), D(2027, 9, 15)),  # 中秋
        ("injury.acceptance", D(2027, 9, 16), D(2027, 10, 4), D(2027, 10, 1)),  # 国庆
        ("civil.payment_order_objection", D(2027, 3, 21), D(2027, 4, 6), D(2027, 4, 5)),  # 清明
        ("admin.reconsideration_decision", D(2026, 11, 2), D(2027, 1, 4), D(2027, 1, 1)),
        (
            "admin.lawsuit_after_reconsideration_silence",
            D(2027, 5, 25),
            D(2027, 6, 10),
            D(2027, 6, 9),
        ),
        # 60 days from 2027-03-02: Sat 05-01, 劳动节 with Sun 05-02 → Mon 05-03.
        ("injury.reappraisal_conclusion", D(2027, 3, 2), D(2027, 5, 3), D(2027, 5, 1)),
        ("civil.judicial_confirmation", D(2026, 12, 2), D(2027, 1, 4), D(2027, 1, 1)),
        ("civil.preservation_suit", D(2027, 1, 6), D(2027, 2, 9), D(2027, 2, 5)),  # 除夕
        ("labor.suit_after_set_aside", D(2027, 9, 16), D(2027, 10, 4), D(2027, 10, 1)),
        ("injury.decision_simple", D(2027, 5, 25), D(2027, 6, 10), D(2027, 6, 9)),  # 端午
    ],
)
def test_each_new_rule_ending_in_2027_rolls_over_the_statutory_holidays(
    code, trigger, expected, safe
):
    result = due(code, trigger)
    assert (result.due, result.provisional, result.safe_date) == (expected, True, safe)


def test_the_traffic_review_counts_working_days_and_cites_the_definition():
    rule = RULES["traffic.liability_review"]
    assert (rule.period, rule.unit, rule.binds) == (3, "workdays", "worker")
    assert "第七十一条第一款" in str(rule.citation) and "第一百一十二条第五项" in str(rule.citation)


@pytest.mark.parametrize(
    "code, citation",
    [
        ("injury.decision", "《工伤保险条例》第二十条第一款"),
        ("injury.decision_simple", "《工伤保险条例》第二十条第二款"),
        ("civil.appeal", "《民事诉讼法》第一百七十一条第一款"),
        ("civil.appeal_ruling", "《民事诉讼法》第一百七十一条第二款"),
        ("inspection.complaint", "《劳动保障监察条例》第二十条第二款"),
        ("civil.payment_order_objection", "《民事诉讼法》第二百二十七条第二款"),
        ("admin.reconsideration_decision", "《行政复议法》第六十二条第一款"),
        ("admin.lawsuit_after_reconsideration_silence", "《行政诉讼法》第四十五条"),
        ("admin.appeal", "《行政诉讼法》第八十五条"),
        ("admin.appeal_ruling", "《行政诉讼法》第八十五条"),
        ("injury.acceptance", "《工伤认定办法》第八条第一款"),
        ("injury.reappraisal_conclusion", "《工伤保险条例》第二十九条、第二十五条第二款"),
        ("civil.judicial_confirmation", "《民事诉讼法》第二百零五条"),
        ("civil.preservation_suit", "《民事诉讼法》第一百零四条第三款"),
        ("labor.suit_after_set_aside", "《劳动争议调解仲裁法》第四十九条第三款"),
        ("labor.set_aside_final_award", "《劳动争议调解仲裁法》第四十九条第一款"),
    ],
)
def test_citations_name_the_paragraph(code, citation):
    assert str(RULES[code].citation) == citation


def test_the_periods_the_law_gives_in_calendar_days_stay_calendar_days():
    # 行政复议法 88(2) makes only 3/5/7/10 days working days; the arbitration rules' own
    # working-day sentence could not be verified, so art. 29's five days stay calendar days.
    for code in (
        "admin.reconsideration",
        "admin.reconsideration_decision",
        "labor.arbitration_acceptance",
    ):
        assert RULES[code].unit == "days", code
    assert (
        RULES["admin.reconsideration_decision"].period,
        RULES["admin.reconsideration_decision"].extension,
    ) == (60, 30)
    assert (
        RULES["injury.reappraisal_conclusion"].period,
        RULES["injury.reappraisal_conclusion"].extension,
    ) == (60, 30)


def test_the_extensions_of_the_new_agency_periods():
    # 60 + 30 days from 2026-08-02: Sat 10-31 → Mon 11-02.
    assert due("admin.reconsideration_decision", D(2026, 8, 2), extended=True).due == D(2026, 11, 2)
    # 60 + 30 days from 2026-07-27: Sun 10-25 → Mon 10-26.
    assert due("injury.reappraisal_conclusion", D(2026, 7, 27), extended=True).due == D(
        2026, 10, 26
    )


def test_the_silence_suit_counts_from_the_end_of_the_reconsideration_period():
    # Accepted 2026-08-02: the 复议 period ends Thu 10-08 (10-01 rolled over), the suit
    # is due 15 days later, Fri 10-23; with the 30-day extension, Mon 11-02 and Tue 11-17.
    plain = compute_after("admin.lawsuit_after_reconsideration_silence", D(2026, 8, 2), CAL)
    assert (plain.trigger, plain.due, plain.provisional) == (D(2026, 10, 8), D(2026, 10, 23), False)
    longer = compute_after(
        "admin.lawsuit_after_reconsideration_silence", D(2026, 8, 2), CAL, extended=True
    )
    assert (longer.trigger, longer.due) == (D(2026, 11, 2), D(2026, 11, 17))


def test_a_silence_suit_after_a_provisional_period_is_provisional_with_an_earlier_safe_date():
    # Accepted 2026-11-02: the 复议 period ends on 元旦 2027 → Mon 01-04 (provisional, safe
    # 01-01); 15 days from 01-04 is Tue 01-19. Counted from the safe 01-01 it would end
    # on Sat 01-16: the safe date.
    result = compute_after("admin.lawsuit_after_reconsideration_silence", D(2026, 11, 2), CAL)
    assert (result.trigger, result.due, result.provisional, result.safe_date) == (
        D(2027, 1, 4),
        D(2027, 1, 19),
        True,
        D(2027, 1, 16),
    )


def test_a_pause_opens_on_its_milestone_and_a_resume_adds_the_days():
    marks = [
        ("injury_decision_paused", D(2026, 3, 10)),
        ("injury_decision_resumed", D(2026, 4, 9)),
        ("injury_decision_paused", D(2026, 4, 20)),
    ]
    pair = ("injury_decision_paused", "injury_decision_resumed")
    assert pause_from(marks, pair, D(2026, 3, 1)) == (D(2026, 4, 20), 30)
    assert pause_from(marks[:2], pair, D(2026, 3, 1)) == (None, 30)
    # A pause before the period began, or a resume with nothing paused, changes nothing.
    assert pause_from(marks[:2], pair, D(2026, 3, 15)) == (None, 0)
    assert pause_from([("injury_decision_resumed", D(2026, 4, 9))], pair, D(2026, 3, 1)) == (
        None,
        0,
    )


def test_a_paused_decision_period_ends_the_paused_days_later():
    # 60 days from 2026-03-01 are Thu 04-30; paused 30 days: Sat 05-30 → Mon 06-01.
    assert due("injury.decision", D(2026, 3, 1), suspended_days=30).due == D(2026, 6, 1)


def test_the_occupational_injury_conclusion_starts_the_reconsideration_and_suit_clocks():
    started = {r.code for r in rules_for_trigger("occupational_confirmed", ["occupational"])}
    assert started == {"admin.reconsideration", "admin.lawsuit"}


def test_an_occupational_injury_only_claim_opens_no_arbitration_limitation():
    def codes(claims):
        return {r.code for r in rules_for_trigger("knew_infringement", claims)}

    assert "labor.arbitration_limitation" not in codes(["occupational"])
    assert "labor.arbitration_limitation" in codes(["occupational", "labor"])


@pytest.mark.parametrize(
    "act_by, flagged",
    [
        (None, False),
        (D(2026, 12, 7), False),  # 7 days away: not "不足七日"
        (D(2026, 12, 6), True),
        (D(2026, 11, 30), True),  # today
        (D(2026, 11, 20), True),  # already past: flagged, with other words
    ],
)
def test_aid_first_when_the_nearest_worker_deadline_is_fewer_than_seven_days_away(act_by, flagged):
    today = D(2026, 11, 30)
    assert deadlines.aid_first(act_by, today) is flagged
    notice = deadlines.aid_first_notice(act_by, today)
    assert bool(notice) is flagged
    if flagged and act_by >= today:
        assert "第四十四条第一款第一项" in notice and "先行提供法律援助" in notice


@settings(max_examples=200, deadline=None)
@given(
    code=st.sampled_from(
        sorted(c for c, r in RULES.items() if r.binds == "worker" and r.unit != "workdays")
    ),
    trigger=st.dates(min_value=D(2026, 6, 1), max_value=D(2030, 12, 31)),
)
def test_the_seven_day_reminder_always_comes_before_the_safe_date(code, trigger):
    # Reminders are timed on the due date; the first (7 days before it) names the safe
    # date. In a year without a schedule the safe date is at most 6 days earlier (a
    # weekend before a four-day 春节 block), so that reminder always comes first.
    result = due(code, trigger)
    assert (result.due - result.safe_date).days <= 6
