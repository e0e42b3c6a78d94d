"""The milestones issue 14 added, on real cases: which deadlines each starts, settles,
waives or pauses; the 工伤认定 pause (工伤保险条例 20(3)) through milestones; the 复议
silence suit counted from the end of the 复议 period; the occupational-injury pilot;
and the milestone form listing the new kinds and rules."""

import datetime

import pytest
from django.urls import reverse

from cases import events
from cases.deadlines import bookkeeping as schedule
from cases.models import Case, CaseEvent, Milestone
from lawyers.models import ClaimType
from tests.helpers import make_case

D = datetime.date
pytestmark = pytest.mark.django_db


def in_progress(world, **fields):
    return make_case(
        world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=world.beijing.lawyer, **fields
    )


def accepted(world, **fields):
    return make_case(world.beijing.station, state=Case.State.ACCEPTED, **fields)


def deadline(case, rule):
    return case.deadlines.get(rule=rule)


@pytest.mark.parametrize(
    "kind, rule, due",
    [
        ("traffic_finding_served", "traffic.liability_review", D(2026, 10, 9)),
        ("ruling_served", "civil.appeal_ruling", D(2026, 10, 9)),
        ("admin_judgment_served", "admin.appeal", D(2026, 10, 14)),
        ("admin_ruling_served", "admin.appeal_ruling", D(2026, 10, 9)),
        ("injury_filed", "injury.acceptance", D(2026, 10, 14)),
        ("payment_order_received", "civil.payment_order_objection", D(2026, 10, 14)),
        ("reconsideration_accepted", "admin.reconsideration_decision", D(2026, 11, 30)),
        ("reappraisal_applied", "injury.reappraisal_conclusion", D(2026, 11, 30)),
        ("mediation_agreement_effective", "civil.judicial_confirmation", D(2026, 10, 29)),
        ("pre_suit_preservation", "civil.preservation_suit", D(2026, 10, 29)),
        ("award_set_aside", "labor.suit_after_set_aside", D(2026, 10, 14)),
        ("injury_accepted", "injury.decision_simple", D(2026, 10, 14)),
    ],
)
def test_each_new_milestone_starts_its_deadline(world, kind, rule, due):
    # Tue 2026-09-29: the periods run into or across National Day (10-01..10-07).
    case = in_progress(world)
    schedule.record_milestone(case, kind, D(2026, 9, 29), world.admin)
    assert deadline(case, rule).due_date == due


def test_a_new_worker_deadline_carries_the_plain_words_of_what_to_do(world):
    case = in_progress(world)
    schedule.record_milestone(case, "traffic_finding_served", D(2026, 11, 24), world.admin)
    row = deadline(case, "traffic.liability_review")
    # 3 working days from Tue 11-24: Fri 11-27; binds the worker's side.
    assert (row.due_date, row.binds) == (D(2026, 11, 27), "worker")
    assert "第一百一十二条第五项" in row.citation


# --- the 工伤认定 decision pause ----------------------------------------------------------


def test_the_injury_decision_pauses_and_resumes_on_milestones(world):
    case = in_progress(world)
    schedule.record_milestone(case, "injury_accepted", D(2026, 3, 1), world.admin)
    assert deadline(case, "injury.decision").due_date == D(2026, 4, 30)
    schedule.record_milestone(case, "injury_decision_paused", D(2026, 3, 10), world.admin)
    paused = deadline(case, "injury.decision")
    assert paused.suspended_since == D(2026, 3, 10)
    assert deadline(case, "injury.decision_simple").suspended_since == D(2026, 3, 10)
    schedule.record_milestone(case, "injury_decision_resumed", D(2026, 4, 9), world.admin)
    resumed = deadline(case, "injury.decision")
    # 30 days paused: 04-30 + 30 = Sat 05-30 → Mon 06-01.
    assert (resumed.suspended_since, resumed.suspended_days, resumed.due_date) == (
        None,
        30,
        D(2026, 6, 1),
    )
    texts = [events.describe(e) for e in case.events.filter(kind=CaseEvent.Kind.DEADLINE)]
    assert any("起中止" in t for t in texts) and any("恢复计算" in t for t in texts)


def test_correcting_the_date_of_a_resume_milestone_recomputes_the_pause(client, world):
    case = in_progress(world)
    schedule.record_milestone(case, "injury_accepted", D(2026, 3, 1), world.admin)
    schedule.record_milestone(case, "injury_decision_paused", D(2026, 3, 10), world.admin)
    resume = schedule.record_milestone(case, "injury_decision_resumed", D(2026, 4, 9), world.admin)
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:milestone_edit", args=[case.number, resume.pk])
    response = client.post(url, {"date": "2026-03-20", "note": "更正：交警认定书 3 月 20 日送达"})
    assert response.status_code == 302
    row = deadline(case, "injury.decision")
    # 10 days paused: 04-30 + 10 = Sun 05-10 → Mon 05-11.
    assert (row.suspended_days, row.due_date) == (10, D(2026, 5, 11))


def test_a_paused_decision_is_left_out_of_the_reminders_and_the_board(client, world):
    case = in_progress(world)
    schedule.record_milestone(case, "injury_accepted", D(2026, 11, 2), world.admin)
    schedule.record_milestone(case, "injury_decision_paused", D(2026, 11, 20), world.admin)
    client.force_login(world.beijing.coordinator)
    board = client.get(reverse("cases:deadline_board")).content.decode()
    assert "事实清楚的" not in board  # injury.decision_simple would be due 11-17
    page = client.get(
        reverse("cases:deadline_detail", args=[case.number, deadline(case, "injury.decision").pk])
    ).content.decode()
    assert "起中止中" in page and "记录“工伤认定中止”和“工伤认定恢复”节点" in page
    # Paused by milestones, not by the manual limitation form.
    assert 'value="suspend"' not in page


def test_the_decision_settles_both_decision_clocks(world):
    case = in_progress(world)
    schedule.record_milestone(case, "injury_accepted", D(2026, 9, 1), world.admin)
    schedule.record_milestone(case, "injury_decided", D(2026, 10, 20), world.admin)
    assert deadline(case, "injury.decision").status == "done"
    assert deadline(case, "injury.decision_simple").status == "missed"  # 15 days: 09-16


# --- acceptance of the 工伤认定 application -----------------------------------------------


def test_supplementing_the_material_starts_a_new_fifteen_days_and_settles_the_first(world):
    case = in_progress(world)
    schedule.record_milestone(case, "injury_filed", D(2026, 11, 2), world.admin)
    schedule.record_milestone(case, "injury_supplemented", D(2026, 11, 12), world.admin)
    rows = list(case.deadlines.filter(rule="injury.acceptance").order_by("trigger_date"))
    assert [(d.status, d.due_date) for d in rows] == [
        ("done", D(2026, 11, 17)),
        ("open", D(2026, 11, 27)),
    ]
    schedule.record_milestone(case, "injury_accepted", D(2026, 11, 20), world.admin)
    assert set(
        case.deadlines.filter(rule="injury.acceptance").values_list("status", flat=True)
    ) == {"done"}


# --- 行政复议: the decision, the silence suit, the decision received ---------------------------


def test_the_silence_suit_follows_the_reconsideration_period_and_its_extension(client, world):
    case = in_progress(world)
    schedule.record_milestone(case, "reconsideration_applied", D(2026, 7, 20), world.admin)
    schedule.record_milestone(case, "reconsideration_accepted", D(2026, 8, 2), world.admin)
    decision = deadline(case, "admin.reconsideration_decision")
    silence = deadline(case, "admin.lawsuit_after_reconsideration_silence")
    assert decision.due_date == D(2026, 10, 8)
    # Day 0 is the end of the 复议 period; 15 days later, Fri 10-23.
    assert (silence.trigger_date, silence.due_date, silence.binds) == (
        D(2026, 10, 8),
        D(2026, 10, 23),
        "worker",
    )
    # Applying settled the 60 days to apply (injury_decided was never recorded here:
    # the rule is simply not open); extending the 复议 period moves the suit with it.
    schedule.extend_deadline(decision, user=world.admin, reason="复议机构负责人批准延长")
    silence.refresh_from_db()
    assert (silence.extended, silence.trigger_date, silence.due_date) == (
        True,
        D(2026, 11, 2),
        D(2026, 11, 17),
    )
    client.force_login(world.beijing.lawyer.user)
    panel = client.get(case.get_absolute_url()).content.decode()
    assert "“行政复议机关作出复议决定”届满之日（2026-11-02）起算" in panel


def test_a_reconsideration_decision_received_waives_the_silence_suit(world):
    case = in_progress(world)
    schedule.record_milestone(case, "reconsideration_accepted", D(2026, 8, 2), world.admin)
    schedule.record_milestone(case, "reconsideration_decided", D(2026, 9, 20), world.admin)
    assert deadline(case, "admin.reconsideration_decision").status == "done"
    silence = deadline(case, "admin.lawsuit_after_reconsideration_silence")
    assert silence.status == "waived" and "不再需要办理" in silence.reason
    # …and the 15 days from receiving the decision are open instead.
    assert deadline(case, "admin.lawsuit_after_reconsideration").due_date == D(2026, 10, 8)


def test_applying_for_reconsideration_settles_the_sixty_days_to_apply(world):
    case = in_progress(world)
    schedule.record_milestone(case, "injury_decided", D(2026, 8, 3), world.admin)
    schedule.record_milestone(case, "reconsideration_applied", D(2026, 9, 1), world.admin)
    assert deadline(case, "admin.reconsideration").status == "done"


def test_a_reappraisal_application_settles_the_request_and_starts_the_conclusion(world):
    case = in_progress(world)
    schedule.record_milestone(case, "appraisal_concluded", D(2026, 9, 1), world.admin)
    schedule.record_milestone(case, "reappraisal_applied", D(2026, 9, 10), world.admin)
    assert deadline(case, "injury.reappraisal_request").status == "done"
    conclusion = deadline(case, "injury.reappraisal_conclusion")
    assert (conclusion.due_date, conclusion.binds) == (D(2026, 11, 9), "agency")
    schedule.record_milestone(case, "reappraisal_concluded", D(2026, 11, 1), world.admin)
    conclusion.refresh_from_db()
    assert conclusion.status == "done"


def test_filing_for_arbitration_settles_the_thirty_days_after_preservation(world):
    case = in_progress(world, claims=[ClaimType.WAGE])
    schedule.record_milestone(case, "pre_suit_preservation", D(2026, 9, 1), world.admin)
    schedule.record_milestone(case, "arbitration_filed", D(2026, 9, 20), world.admin)
    assert deadline(case, "civil.preservation_suit").status == "done"


# --- the occupational-injury pilot ----------------------------------------------------------


def test_the_occupational_injury_conclusion_starts_the_reconsideration_and_suit_clocks(world):
    case = accepted(world, claims=[ClaimType.OCCUPATIONAL], incident_date=D(2026, 11, 2))
    schedule.record_milestone(case, "occupational_filed", D(2026, 11, 10), world.admin)
    assert deadline(case, "occupational.application").status == "done"
    schedule.record_milestone(case, "occupational_confirmed", D(2026, 11, 20), world.admin)
    # 60 days from 11-20: Tue 2027-01-19; 6 months: Tue 2027-05-20 (provisional, 2027).
    assert deadline(case, "admin.reconsideration").due_date == D(2027, 1, 19)
    assert deadline(case, "admin.lawsuit").due_date == D(2027, 5, 20)


def test_no_arbitration_limitation_for_an_occupational_injury_only_claim(world):
    only = accepted(world, claims=[ClaimType.OCCUPATIONAL])
    schedule.record_milestone(only, "knew_infringement", D(2026, 11, 2), world.admin)
    assert not only.deadlines.filter(rule="labor.arbitration_limitation").exists()
    both = accepted(world, claims=[ClaimType.OCCUPATIONAL, ClaimType.LABOR])
    schedule.record_milestone(both, "knew_infringement", D(2026, 11, 2), world.admin)
    assert both.deadlines.filter(rule="labor.arbitration_limitation").exists()


# --- the milestone form ---------------------------------------------------------------------


def test_the_milestone_form_offers_the_new_kinds_by_name_and_lists_their_rules(client, world):
    case = in_progress(world)
    client.force_login(world.beijing.lawyer.user)
    page = client.get(reverse("cases:milestone_add", args=[case.number])).content.decode()
    for kind in (
        Milestone.Kind.TRAFFIC_FINDING_SERVED,
        Milestone.Kind.INJURY_DECISION_PAUSED,
        Milestone.Kind.INJURY_DECISION_RESUMED,
        Milestone.Kind.OCCUPATIONAL_CONFIRMED,
        Milestone.Kind.PAYMENT_ORDER_RECEIVED,
    ):
        assert f'value="{kind.value}"' in page and str(kind.label) in page
    for label in (
        "申请道路交通事故认定复核",
        "复议机关逾期不作决定，提起行政诉讼",
        "诉前保全后起诉或申请仲裁",
    ):
        assert label in page


def test_recording_a_new_kind_through_the_form_computes_its_deadline(client, world):
    case = in_progress(world)
    client.force_login(world.beijing.lawyer.user)
    response = client.post(
        reverse("cases:milestone_add", args=[case.number]),
        {"kind": "traffic_finding_served", "date": "2026-11-24", "note": "交警当场送达"},
    )
    assert response.status_code == 302
    assert deadline(case, "traffic.liability_review").due_date == D(2026, 11, 27)
