"""Milestones and deadlines on cases: intake, transitions, recording and editing
milestones, done/waive, interruption and suspension, and the provisional recompute."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import events
from cases.deadlines import bookkeeping as schedule
from cases.deadlines import recompute
from cases.models import Case, CaseEvent, Deadline, HolidayOverride, Milestone
from cases.workflow import apply_transition
from lawyers.models import ClaimType
from tests.helpers import make_case, make_lawyer

D = datetime.date
# Monday 2026-11-23, 10:00 Beijing time.
MONDAY = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def open_rules(case):
    return sorted(case.deadlines.filter(status="open").values_list("rule", flat=True))


# --- intake and transitions (the contract with the workflow) --------------------------


@time_machine.travel(MONDAY, tick=False)
def test_intake_of_an_injury_records_the_accident_and_starts_both_injury_deadlines(world):
    case = make_case(world.beijing.station, incident_date=D(2026, 11, 2))
    milestone = case.milestones.get()
    assert (milestone.kind, milestone.date) == (Milestone.Kind.ACCIDENT, D(2026, 11, 2))
    employer = case.deadlines.get(rule="injury.employer_application")
    worker = case.deadlines.get(rule="injury.worker_application")
    # 30 days from 11-02: Wed 12-02. One year: Tue 2027-11-02, provisional (2027 unknown).
    assert (employer.due_date, employer.binds, employer.provisional) == (
        D(2026, 12, 2),
        "agency",
        False,
    )
    assert (worker.due_date, worker.binds, worker.provisional) == (D(2027, 11, 2), "worker", True)


@time_machine.travel(MONDAY, tick=False)
def test_intake_of_a_traffic_accident_starts_the_tort_limitation(world):
    case = make_case(world.beijing.station, claims=[ClaimType.TORT], incident_date=D(2025, 3, 1))
    # 3 years from 2025-03-01: 2028-03-01 (Wed), provisional.
    assert case.deadlines.get(rule="civil.tort_limitation").due_date == D(2028, 3, 1)


@time_machine.travel(MONDAY, tick=False)
def test_intake_of_an_occupational_injury_starts_the_configurable_pilot_limit(world, settings):
    settings.OCCUPATIONAL_APPLICATION_DAYS = 60
    case = make_case(
        world.beijing.station, claims=[ClaimType.OCCUPATIONAL], incident_date=D(2026, 11, 2)
    )
    assert case.milestones.get().kind == Milestone.Kind.ACCIDENT
    assert open_rules(case) == ["occupational.application"]
    deadline = case.deadlines.get()
    # 60 days from 11-02: Fri 2027-01-01 (元旦) → Mon 01-04, provisional (2027 not yet known).
    assert (deadline.due_date, deadline.binds, deadline.provisional) == (
        D(2027, 1, 4),
        "worker",
        True,
    )
    assert "非法定" in deadline.citation


@time_machine.travel(MONDAY, tick=False)
def test_the_case_page_says_a_pilot_limit_is_not_settled_law(client, world):
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        claims=[ClaimType.OCCUPATIONAL, ClaimType.TORT],
        incident_date=D(2026, 11, 2),
    )
    client.force_login(world.beijing.lawyer.user)
    page = client.get(case.get_absolute_url()).content.decode()
    panel = page[page.index('id="deadlines-panel"') :]
    pilot = panel[panel.index('data-rule="occupational.application"') :]
    pilot = pilot[: pilot.index("</li>")]
    assert "2026-12-02" in pilot and "试点政策期限，以当地规定为准" in pilot
    # The statutory tort limitation next to it carries no such notice.
    tort = panel[panel.index('data-rule="civil.tort_limitation"') :]
    assert "试点政策期限" not in tort[: tort.index("</li>")]


def test_a_wage_claim_without_an_accident_starts_nothing_at_intake(world):
    case = make_case(world.beijing.station, claims=[ClaimType.WAGE])
    assert not case.milestones.exists() and not case.deadlines.exists()


@time_machine.travel(MONDAY, tick=False)
def test_accepting_for_aid_starts_the_three_day_assignment_deadline(world):
    case = make_case(world.beijing.station, state=Case.State.ACCEPTED)
    deadline = case.deadlines.get(rule="legalaid.assignment")
    assert (deadline.due_date, deadline.status) == (D(2026, 11, 26), "open")
    assert "第四十三条" in deadline.citation


@time_machine.travel(MONDAY, tick=False)
def test_assigning_closes_the_assignment_deadline_and_starts_the_lawyer_sla(world):
    case = make_case(world.beijing.station, state=Case.State.ASSIGNED, lawyer=world.beijing.lawyer)
    assert case.deadlines.get(rule="legalaid.assignment").status == "done"
    sla = case.deadlines.get(rule="sla.lawyer_accept")
    # Mon + 2 working days = Wed 11-25; binds the lawyer.
    assert (sla.due_date, sla.binds, sla.status) == (D(2026, 11, 25), "lawyer", "open")


@time_machine.travel(MONDAY, tick=False)
def test_the_lawyer_accepting_closes_the_sla_and_starts_first_contact(world):
    case = make_case(
        world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=world.beijing.lawyer
    )
    assert case.deadlines.get(rule="sla.lawyer_accept").status == "done"
    assert case.deadlines.get(rule="sla.first_contact").due_date == D(2026, 11, 26)


@time_machine.travel(MONDAY, tick=False)
def test_declining_and_expiring_close_the_open_sla(world):
    lawyer = world.beijing.lawyer
    case = make_case(world.beijing.station, state=Case.State.ASSIGNED, lawyer=lawyer)
    apply_transition(case, "decline", lawyer.user, reason="案件太多")
    assert case.deadlines.get(rule="sla.lawyer_accept").status == "done"
    apply_transition(case, "assign", world.admin, lawyer=make_lawyer(regions=["1101"]))
    with time_machine.travel(MONDAY + datetime.timedelta(days=7), tick=False):
        # Only the sweep expires an offer, and only once its window has passed.
        apply_transition(case, "expire", None)
    statuses = sorted(
        case.deadlines.filter(rule="sla.lawyer_accept").values_list("status", flat=True)
    )
    assert statuses == ["done", "missed"]


@time_machine.travel(MONDAY, tick=False)
def test_reassigning_keeps_exactly_one_open_lawyer_sla(world):
    case = make_case(
        world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=world.beijing.lawyer
    )
    apply_transition(
        case, "reassign", world.admin, lawyer=make_lawyer(regions=["1101"]), note="开庭冲突"
    )
    assert case.deadlines.filter(rule="sla.lawyer_accept", status="open").count() == 1
    assert case.deadlines.get(rule="sla.first_contact").status == "waived"


@pytest.mark.db_sensitive
def test_the_database_refuses_a_second_open_sla_row_for_the_same_case(world):
    case = make_case(world.beijing.station, state=Case.State.ASSIGNED, lawyer=world.beijing.lawyer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(
            case=case,
            rule="sla.lawyer_accept",
            trigger_date=D(2026, 11, 1),
            due_date=D(2026, 11, 3),
            binds="lawyer",
            citation="x",
        )


@time_machine.travel(MONDAY, tick=False)
def test_the_routing_expiry_query_finds_an_overdue_sla(world):
    case = make_case(world.beijing.station, state=Case.State.ASSIGNED, lawyer=world.beijing.lawyer)
    with time_machine.travel(datetime.datetime(2026, 11, 26, 2, 0, tzinfo=datetime.UTC)):
        overdue = Deadline.objects.filter(
            rule="sla.lawyer_accept",
            status="open",
            due_date__lt=timezone.localdate(),
            case__state="assigned",
        )
        assert list(overdue.values_list("case_id", flat=True)) == [case.pk]


def test_withdrawing_waives_every_open_deadline(world):
    case = make_case(world.beijing.station, state=Case.State.ACCEPTED)
    apply_transition(case, "withdraw", world.admin, reason="劳动者已与单位和解")
    assert open_rules(case) == []
    assert set(case.deadlines.values_list("status", flat=True)) == {"waived"}


@time_machine.travel(MONDAY, tick=False)
def test_filing_the_injury_application_settles_the_deadlines_that_waited_for_it(world):
    case = make_case(world.beijing.station, incident_date=D(2026, 11, 2))
    assert open_rules(case) == ["injury.employer_application", "injury.worker_application"]
    schedule.record_milestone(case, "injury_filed", D(2026, 11, 20), world.admin)
    settled = {d.rule: (d.status, d.reason) for d in case.deadlines.all()}
    assert settled["injury.worker_application"] == ("done", "已于 2026-11-20 提出工伤认定申请")
    assert settled["injury.employer_application"][0] == "done"


@time_machine.travel(MONDAY, tick=False)
def test_an_act_recorded_after_its_due_date_settles_the_deadline_as_missed(world):
    case = in_progress(world)
    schedule.record_milestone(case, "arbitration_filed", D(2026, 9, 1), world.admin)
    acceptance = case.deadlines.get(rule="labor.arbitration_acceptance")  # due 09-07
    schedule.record_milestone(case, "arbitration_accepted", D(2026, 9, 20), world.admin)
    acceptance.refresh_from_db()
    assert acceptance.status == "missed"
    assert acceptance.reason == "2026-09-20 才仲裁委受理，已过届满日"


@time_machine.travel(MONDAY, tick=False)
def test_a_case_that_ends_records_its_overdue_deadlines_as_missed_and_the_rest_waived(world):
    case = in_progress(world)
    schedule.record_milestone(case, "award_received", D(2026, 9, 15), world.admin)  # due 09-30
    schedule.record_milestone(case, "judgment_served", D(2026, 11, 20), world.admin)  # 12-07
    apply_transition(case, "withdraw", world.admin, reason="劳动者已与单位和解")
    status = dict(case.deadlines.values_list("rule", "status"))
    assert status["labor.suit_after_award"] == "missed"
    assert status["civil.appeal"] == "waived"
    missed = case.deadlines.get(rule="labor.suit_after_award")
    assert missed.reason == "劳动者撤回求助时已届满，仍未办理"


@time_machine.travel(MONDAY, tick=False)
def test_only_an_overdue_deadline_can_be_marked_missed(client, world):
    case = in_progress(world)
    schedule.record_milestone(case, "award_received", D(2026, 9, 15), world.admin)  # overdue
    schedule.record_milestone(case, "judgment_served", D(2026, 11, 20), world.admin)  # not yet
    overdue = case.deadlines.get(rule="labor.suit_after_award")
    upcoming = case.deadlines.get(rule="civil.appeal")
    client.force_login(world.beijing.lawyer.user)

    page = client.get(reverse("cases:deadline_detail", args=[case.number, upcoming.pk]))
    assert "已错过（届满时仍未办理）" not in page.content.decode()
    url = reverse("cases:deadline_close", args=[case.number, upcoming.pk])
    response = client.post(url, {"status": "missed", "reason": "忘了"})
    assert response.status_code == 200 and "请选择处理结果。" in response.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.status == "open"

    page = client.get(reverse("cases:deadline_detail", args=[case.number, overdue.pk]))
    assert "已错过（届满时仍未办理）" in page.content.decode()
    url = reverse("cases:deadline_close", args=[case.number, overdue.pk])
    response = client.post(url, {"status": "missed", "reason": "劳动者未按约提供材料"})
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert (overdue.status, overdue.reason) == ("missed", "劳动者未按约提供材料")


def test_withdrawing_while_assigned_marks_the_unanswered_offer_withdrawn(world):
    from cases.models import Assignment
    from tests.helpers import assign

    case = make_case(world.beijing.station, state=Case.State.ACCEPTED)
    assign(case, world.beijing.lawyer, world.beijing.coordinator)
    offer = case.assignments.get()
    assert offer.status == Assignment.Status.PENDING
    apply_transition(case, "withdraw", world.beijing.coordinator, reason="劳动者已与平台和解")
    offer.refresh_from_db()
    assert (offer.status, offer.reason) == (Assignment.Status.WITHDRAWN, "劳动者已与平台和解")
    assert offer.responded_at is not None
    assert not case.assignments.filter(status=Assignment.Status.PENDING).exists()


def test_withdrawing_after_the_lawyer_accepted_keeps_the_accepted_offer(world):
    from cases.models import Assignment

    case = make_case(world.beijing.station, state=Case.State.IN_PROGRESS)
    before = list(case.assignments.values_list("status", flat=True))
    apply_transition(case, "withdraw", world.admin, reason="劳动者本人要求撤回")
    assert list(case.assignments.values_list("status", flat=True)) == before
    assert Assignment.Status.WITHDRAWN not in before


def test_annotate_next_deadline_gives_the_nearest_open_worker_side_deadline(world):
    case = make_case(world.beijing.station, incident_date=D(2026, 11, 2))
    annotated = schedule.annotate_next_deadline(Case.objects.filter(pk=case.pk)).get()
    assert annotated.next_deadline_due == D(2027, 11, 2)


# --- recording and editing milestones -------------------------------------------------


def in_progress(world):
    return make_case(
        world.beijing.station, state=Case.State.IN_PROGRESS, lawyer=world.beijing.lawyer
    )


def test_a_lawyer_records_an_award_and_the_fifteen_day_suit_deadline_appears(client, world):
    case = in_progress(world)
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:milestone_add", args=[case.number])
    response = client.post(
        url, {"kind": "award_received", "date": "2026-09-15", "note": "邮寄送达"}
    )
    assert response.status_code == 302
    deadline = case.deadlines.get(rule="labor.suit_after_award")
    assert (deadline.due_date, deadline.binds) == (D(2026, 9, 30), "worker")
    assert CaseEvent.objects.filter(case=case, kind="milestone").exists()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "2026-09-30" in page and "第四十八条" in page


def test_editing_a_milestone_recomputes_its_open_deadlines(client, world):
    case = in_progress(world)
    milestone = schedule.record_milestone(case, "judgment_served", D(2026, 9, 1), world.admin)
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:milestone_edit", args=[case.number, milestone.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "2026-09-16", "note": "更正送达日期"})
    assert response.status_code == 302
    assert case.deadlines.get(rule="civil.appeal").due_date == D(2026, 10, 8)


def test_a_future_or_missing_date_is_refused_next_to_the_field_and_the_note_kept(client, world):
    case = in_progress(world)
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:milestone_add", args=[case.number])
    response = client.post(
        url, {"kind": "award_received", "date": "2030-01-01", "note": "我的备注"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "不能晚于今天" in body and "我的备注" in body
    response = client.post(url, {"kind": "award_received", "date": "", "note": "我的备注"})
    assert "请填写日期" in response.content.decode()
    assert not case.milestones.filter(kind="award_received").exists()


def test_someone_outside_the_case_gets_a_404_not_a_403(client, world):
    case = in_progress(world)
    client.force_login(world.kunming.lawyer.user)
    assert client.get(reverse("cases:milestone_add", args=[case.number])).status_code == 404
    client.force_login(world.kunming.coordinator)
    assert (
        client.post(
            reverse("cases:milestone_add", args=[case.number]),
            {"kind": "award_received", "date": "2026-09-15"},
        ).status_code
        == 404
    )


def test_a_station_volunteer_may_see_but_not_record_milestones(client, world):
    case = in_progress(world)
    client.force_login(world.beijing.volunteer)
    response = client.post(
        reverse("cases:milestone_add", args=[case.number]),
        {"kind": "award_received", "date": "2026-09-15"},
    )
    assert response.status_code == 404
    assert not case.milestones.filter(kind="award_received").exists()


# --- acting on a deadline --------------------------------------------------------------


def test_marking_a_deadline_done_needs_a_reason_and_records_it(client, world):
    case = in_progress(world)
    schedule.record_milestone(case, "award_received", D(2026, 9, 15), world.admin)
    deadline = case.deadlines.get(rule="labor.suit_after_award")
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:deadline_close", args=[case.number, deadline.pk])
    response = client.post(url, {"status": "done", "reason": ""})
    assert response.status_code == 200 and "请填写说明" in response.content.decode()
    response = client.post(url, {"status": "done", "reason": "已向朝阳区法院起诉"})
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert (deadline.status, deadline.reason) == ("done", "已向朝阳区法院起诉")
    # Twice: a clear message, not a 500.
    response = client.post(url, {"status": "waived", "reason": "x"}, follow=True)
    assert "已处理" in response.content.decode()


def test_closing_a_deadline_needs_post(client, world):
    case = in_progress(world)
    deadline = case.deadlines.filter(status="open").first()
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:deadline_close", args=[case.number, deadline.pk])
    assert client.get(url, {"status": "done", "reason": "x"}).status_code == 405
    deadline.refresh_from_db()
    assert deadline.status == "open"


def test_a_deadline_of_another_case_is_a_404(client, world):
    case = in_progress(world)
    other = make_case(world.kunming.station, state=Case.State.ACCEPTED)
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:deadline_close", args=[case.number, other.deadlines.first().pk])
    assert client.post(url, {"status": "done", "reason": "x"}).status_code == 404


def test_interruption_restarts_a_limitation_period_and_is_recorded(client, world):
    case = in_progress(world)
    schedule.record_milestone(case, "knew_infringement", D(2025, 3, 10), world.admin)
    deadline = case.deadlines.get(rule="labor.arbitration_limitation")
    assert deadline.due_date == D(2026, 3, 10)
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:deadline_limitation", args=[case.number, deadline.pk])
    response = client.post(
        url, {"action": "interrupt", "date": "2025-11-20", "reason": "向用人单位书面主张工资"}
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert (deadline.restarted_on, deadline.due_date) == (D(2025, 11, 20), D(2026, 11, 20))
    event = CaseEvent.objects.get(case=case, kind="deadline", data__interrupted_on="2025-11-20")
    assert event.note == "向用人单位书面主张工资"
    assert "中断" in events.describe(event)


def test_suspension_pauses_and_resuming_adds_the_paused_days(world):
    case = in_progress(world)
    schedule.record_milestone(case, "knew_infringement", D(2025, 3, 10), world.admin)
    deadline = case.deadlines.get(rule="labor.arbitration_limitation")
    deadline = schedule.suspend_deadline(
        deadline, since=D(2025, 6, 1), user=world.admin, reason="住院治疗"
    )
    assert deadline.suspended_since == D(2025, 6, 1)
    deadline = schedule.resume_deadline(
        deadline, on=D(2025, 6, 11), user=world.admin, reason="出院"
    )
    # 10 days paused: Tue 2026-03-10 → Fri 03-20.
    assert (deadline.suspended_days, deadline.due_date) == (10, D(2026, 3, 20))


def test_only_limitation_periods_can_be_interrupted(client, world):
    case = in_progress(world)
    schedule.record_milestone(case, "award_received", D(2026, 9, 15), world.admin)
    deadline = case.deadlines.get(rule="labor.suit_after_award")
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:deadline_limitation", args=[case.number, deadline.pk])
    response = client.post(url, {"action": "interrupt", "date": "2026-09-20", "reason": "x"})
    assert response.status_code == 404


def test_the_year_to_apply_for_injury_recognition_can_be_paused_but_not_restarted(client, world):
    case = in_progress(world)  # an injury case: intake started the one-year clock
    deadline = case.deadlines.get(rule="injury.worker_application")
    client.force_login(world.beijing.lawyer.user)
    page = client.get(reverse("cases:deadline_detail", args=[case.number, deadline.pk]))
    body = page.content.decode()
    assert 'value="suspend"' in body and 'value="interrupt"' not in body
    url = reverse("cases:deadline_limitation", args=[case.number, deadline.pk])
    response = client.post(url, {"action": "interrupt", "date": "2026-11-20", "reason": "x"})
    assert "请选择事件" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.restarted_on is None


def test_an_expired_limitation_period_is_not_revived_by_a_later_interruption(world):
    case = in_progress(world)
    schedule.record_milestone(case, "knew_infringement", D(2024, 3, 10), world.admin)
    deadline = case.deadlines.get(rule="labor.arbitration_limitation")
    assert deadline.due_date == D(2025, 3, 10)
    with pytest.raises(ValueError, match="届满"):
        schedule.interrupt_deadline(deadline, on=D(2025, 6, 1), user=world.admin, reason="催告")
    deadline.refresh_from_db()
    assert (deadline.restarted_on, deadline.due_date) == (None, D(2025, 3, 10))


def test_extension_is_applied_where_the_statute_allows_it(world):
    case = in_progress(world)
    schedule.record_milestone(case, "arbitration_accepted", D(2026, 3, 2), world.admin)
    deadline = case.deadlines.get(rule="labor.arbitration_award")
    deadline = schedule.extend_deadline(deadline, user=world.admin, reason="案情复杂，主任批准")
    assert (deadline.extended, deadline.due_date) == (True, D(2026, 5, 6))


# --- provisional recompute ----------------------------------------------------------------


def test_the_daily_recompute_fixes_provisional_deadlines_once_the_schedule_is_known(
    world, settings
):
    case = in_progress(world)
    schedule.record_milestone(case, "judgment_served", D(2026, 12, 17), world.admin)
    schedule.record_milestone(case, "award_received", D(2027, 1, 22), world.admin)
    appeal = case.deadlines.get(rule="civil.appeal")
    suit = case.deadlines.get(rule="labor.suit_after_award")
    # Before the 2027 notice: 15 days end on 元旦 → Mon 01-04, and on Sat 02-06 (初一),
    # past 初二 and 初三 → Tue 02-09. Both provisional.
    assert (appeal.due_date, appeal.provisional) == (D(2027, 1, 4), True)
    assert (suit.due_date, suit.provisional) == (D(2027, 2, 9), True)
    # The admin enters the notice: 元旦 alone, 春节 02-05..02-12, and a make-up Saturday.
    HolidayOverride.objects.create(date=D(2027, 1, 1), kind="restday", note="元旦")
    for day in (9, 10, 11, 12):
        HolidayOverride.objects.create(date=D(2027, 2, day), kind="restday", note="春节")
    HolidayOverride.objects.create(date=D(2027, 2, 20), kind="workday", note="春节调休")
    settings.HOLIDAY_SCHEDULE_COMPLETE_YEARS = [2027]
    # The appeal, the suit, and the intake's one-year injury deadline (2027-11-02).
    assert recompute.recompute_provisional() == 3
    appeal.refresh_from_db()
    suit.refresh_from_db()
    assert (appeal.due_date, appeal.provisional, appeal.rolled_over) == (D(2027, 1, 4), False, True)
    assert (suit.due_date, suit.provisional, suit.rolled_over) == (D(2027, 2, 15), False, True)
    moved = CaseEvent.objects.filter(case=case, kind="deadline", data__recomputed=True)
    assert [(e.data["old_due"], e.data["new_due"]) for e in moved] == [("2027-02-09", "2027-02-15")]
    assert "2027-02-09 → 2027-02-15" in events.describe(moved[0])  # the appeal did not move
    assert recompute.recompute_provisional() == 0  # safe to run twice


def test_a_local_override_in_a_known_year_moves_an_open_deadline(world):
    case = in_progress(world)
    schedule.record_milestone(case, "award_received", D(2026, 11, 10), world.admin)
    HolidayOverride.objects.create(date=D(2026, 11, 25), kind="restday", note="地方调整（测试）")
    recompute.recompute_provisional()
    assert case.deadlines.get(rule="labor.suit_after_award").due_date == D(2026, 11, 26)


def test_a_performance_date_decades_ahead_is_refused_not_a_500(client, world):
    case = in_progress(world)
    client.force_login(world.beijing.lawyer.user)
    url = reverse("cases:milestone_add", args=[case.number])
    for typo in ("9999-12-31", "3000-06-01"):
        response = client.post(url, {"kind": "performance_due", "date": typo})
        assert response.status_code == 200
        assert "日期太远" in response.content.decode()
    assert not case.milestones.filter(kind="performance_due").exists()
