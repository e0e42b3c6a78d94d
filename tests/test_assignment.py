"""Assigning, accepting, declining, expiring and reassigning ."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import workflow
from cases.models import Assignment, Case, CaseEvent, Deadline, Notification, SmsMessage
from cases.routing import offers
from cases.tasks import SCHEDULES
from cases.workflow import TransitionRefused
from lawyers.models import ClaimType
from tests.helpers import (
    accept,
    assign,
    decline,
    login,
    make_case,
    make_lawyer,
    make_station,
    make_world,
    reassign,
)

ASSIGNED_DAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)  # a Tuesday


def accepted_case(region, **kwargs):
    return make_case(region.station, region.volunteer, state=Case.State.ACCEPTED, **kwargs)


def accept_window(case, due):
    """The sla.lawyer_accept deadline the deadlines feature opens on assign, due on `due`
    (created here when that feature is not wired in)."""
    window = Deadline.objects.filter(
        case=case, rule="sla.lawyer_accept", status=Deadline.Status.OPEN
    ).first()
    if window is None:
        return Deadline.objects.create(
            case=case,
            rule="sla.lawyer_accept",
            trigger_date=due - datetime.timedelta(days=2),
            due_date=due,
            binds=Deadline.Binds.LAWYER,
            citation="内部服务时限",
        )
    Deadline.objects.filter(pk=window.pk).update(due_date=due)
    window.refresh_from_db()
    return window


def open_count(lawyer):
    return lawyer.cases.filter(state__in=["assigned", "in_progress"]).count()


# ---------------------------------------------------------------------------
# Assigning


@pytest.mark.django_db
def test_assigning_records_the_offer_and_tells_the_lawyer_in_app_and_by_sms(
    world, django_capture_on_commit_callbacks
):
    bj = world.beijing
    case = accepted_case(bj)
    with django_capture_on_commit_callbacks(execute=True):
        assign(case, bj.lawyer, bj.coordinator)
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED and case.lawyer == bj.lawyer
    offer = case.assignments.get()
    assert offer.status == Assignment.Status.PENDING and offer.assigned_by == bj.coordinator
    bj.lawyer.refresh_from_db()
    assert bj.lawyer.last_assigned_at is not None
    note = Notification.objects.get(user=bj.lawyer.user)
    assert case.number in note.message and "确认接案" in note.message
    sms = SmsMessage.objects.get(phone=bj.lawyer.phone)
    assert case.number in sms.body and sms.template == "lawyer_assigned"


@pytest.mark.django_db
def test_running_the_notices_twice_sends_once(world, django_capture_on_commit_callbacks):
    from cases.notices.notify import transition_done

    bj = world.beijing
    case = accepted_case(bj)
    event = assign(case, bj.lawyer, bj.coordinator)
    transition_done(event.pk)
    transition_done(event.pk)
    assert Notification.objects.filter(user=bj.lawyer.user).count() == 1
    assert SmsMessage.objects.filter(phone=bj.lawyer.phone).count() == 1


@pytest.mark.django_db
def test_assigning_a_lawyer_at_capacity_is_refused_with_the_reason(world):
    bj = world.beijing
    lawyer = make_lawyer(capacity=1)
    make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=lawyer)
    case = accepted_case(bj)
    with pytest.raises(offers.AssignmentRefused, match="已满"):
        assign(case, lawyer, bj.coordinator)
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED and not case.assignments.exists()


@pytest.mark.django_db
def test_assigning_a_lawyer_with_a_conflict_or_outside_the_area_is_refused(world):
    bj = world.beijing
    case = accepted_case(bj, parties=[{"kind": "platform", "name": "北京三快科技有限公司"}])
    conflicted = make_lawyer(conflicts="北京三快科技")
    with pytest.raises(offers.AssignmentRefused, match="利益冲突"):
        assign(case, conflicted, bj.coordinator)
    with pytest.raises(offers.AssignmentRefused, match="服务地区"):
        assign(case, world.kunming.lawyer, bj.coordinator)


@pytest.mark.django_db
def test_auto_assign_takes_the_top_suggestion(world):
    bj = world.beijing
    district = make_lawyer(regions=["110105"])
    case = accepted_case(bj)
    assert offers.suggest(case)[0].lawyer == district
    event = workflow.auto_assign(case, bj.coordinator)
    case.refresh_from_db()
    assert case.lawyer == district and event.data["auto"] is True


@pytest.mark.django_db
def test_auto_assign_with_nobody_eligible_leaves_the_case_waiting(world):
    bj = world.beijing
    case = accepted_case(bj, claims=[ClaimType.OCCUPATIONAL])  # nobody lists it
    assert workflow.auto_assign(case, bj.coordinator) is None
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED


@pytest.mark.db_sensitive
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_racing_for_a_lawyers_last_slot_never_exceed_capacity():
    world = make_world()
    bj = world.beijing
    lawyer = make_lawyer(capacity=2)
    make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=lawyer)
    cases = [accepted_case(bj), accepted_case(bj)]
    second = make_world_coordinator(bj)
    barrier = threading.Barrier(2)
    results = []

    def run(case, user):
        try:
            barrier.wait(timeout=10)
            assign(case, lawyer, user)
            results.append("assigned")
        except offers.AssignmentRefused:
            results.append("refused")
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            results.append(repr(exc))
        finally:
            connection.close()

    if connection.vendor == "sqlite":
        # The in-memory test database is shared-cache SQLite: a second writer gets
        # "table is locked" at once instead of waiting, so it cannot race here. The
        # embedded default serialises writers anyway (IMMEDIATE transactions).
        barrier = threading.Barrier(1)
        run(cases[0], bj.coordinator)
        run(cases[1], second)
    else:
        threads = [
            threading.Thread(target=run, args=(cases[0], bj.coordinator)),
            threading.Thread(target=run, args=(cases[1], second)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert sorted(results) == ["assigned", "refused"]
    assert open_count(lawyer) == 2
    # One offer from the race (the case in progress has its own, accepted one).
    assert Assignment.objects.filter(lawyer=lawyer, status="pending").count() == 1


def make_world_coordinator(region):
    from tests.helpers import make_coordinator

    return make_coordinator(region.union)


# ---------------------------------------------------------------------------
# Accepting


@pytest.mark.django_db
def test_accepting_moves_the_case_into_progress_and_closes_the_window(world):
    bj = world.beijing
    case = accepted_case(bj)
    assign(case, bj.lawyer, bj.coordinator)
    window = accept_window(case, datetime.date(2026, 12, 3))
    accept(case, bj.lawyer.user, expected_state=Case.State.ASSIGNED)
    case.refresh_from_db()
    window.refresh_from_db()
    assert case.state == Case.State.IN_PROGRESS
    assert case.assignments.get().status == Assignment.Status.ACCEPTED
    assert window.status == Deadline.Status.DONE


@pytest.mark.django_db
def test_another_lawyer_cannot_accept_the_case(world):
    from cases.workflow import TransitionRefused

    bj = world.beijing
    case = accepted_case(bj)
    assign(case, bj.lawyer, bj.coordinator)
    with pytest.raises(TransitionRefused):
        accept(case, make_lawyer().user)


# ---------------------------------------------------------------------------
# Declining


@pytest.mark.django_db
def test_declining_needs_a_reason(world):
    bj = world.beijing
    case = accepted_case(bj)
    assign(case, bj.lawyer, bj.coordinator)
    with pytest.raises(TransitionRefused, match="拒绝理由"):
        decline(case, bj.lawyer.user, reason="  ")
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED


@pytest.mark.django_db
def test_declining_excludes_the_lawyer_and_offers_the_case_to_the_next_candidate(
    world, django_capture_on_commit_callbacks
):
    bj = world.beijing
    first = make_lawyer(regions=["110105"])
    nxt = make_lawyer(regions=["1101"], last_assigned_at=None)
    case = accepted_case(bj)
    assign(case, first, bj.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        decline(case, first.user, reason="与对方单位存在利益冲突")
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED
    assert case.lawyer in {nxt, bj.lawyer} and case.lawyer != first
    declined = case.assignments.get(lawyer=first)
    assert declined.status == Assignment.Status.DECLINED
    assert declined.reason == "与对方单位存在利益冲突"
    assert first not in [s.lawyer for s in offers.suggest(case)]
    auto = CaseEvent.objects.filter(case=case, transition="assign").last()
    assert auto.actor is None  # the router, not a person
    told = Notification.objects.get(user=bj.coordinator)
    assert "拒绝" in told.message and "与对方单位存在利益冲突" in told.message
    assert case.lawyer.name in told.message
    assert Notification.objects.filter(user=case.lawyer.user, case=case).exists()


@pytest.mark.django_db
def test_declining_with_no_other_candidate_returns_the_case_to_the_board(
    world, client, django_capture_on_commit_callbacks
):
    bj = world.beijing
    case = accepted_case(bj)  # only the world's Beijing lawyer serves 110105
    assign(case, bj.lawyer, bj.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        decline(case, bj.lawyer.user, reason="出差一个月")
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED and case.lawyer is None
    assert "重新分配" in Notification.objects.get(user=bj.coordinator).message
    assert not Notification.objects.filter(user=world.kunming.coordinator).exists()
    login(client, bj.coordinator)
    page = client.get(reverse("cases:assignment_board")).content.decode()
    assert case.number in page and "出差一个月" in page


# ---------------------------------------------------------------------------
# Expiry


@pytest.mark.django_db
def test_an_unanswered_offer_expires_after_its_window_and_the_router_moves_on(
    world, django_capture_on_commit_callbacks
):
    bj = world.beijing
    silent = make_lawyer(regions=["110105"])
    with time_machine.travel(ASSIGNED_DAY, tick=False):
        case = accepted_case(bj)
        assign(case, silent, bj.coordinator)
        window = accept_window(case, datetime.date(2026, 12, 3))
    with time_machine.travel(datetime.date(2026, 12, 3), tick=False):
        assert workflow.expire_overdue() == 0  # the last day still belongs to the lawyer
    with time_machine.travel(datetime.date(2026, 12, 4), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert workflow.expire_overdue() == 1
        assert workflow.expire_overdue() == 0  # a second run finds nothing
    case.refresh_from_db()
    window.refresh_from_db()
    assert window.status == Deadline.Status.MISSED
    offer = case.assignments.get(lawyer=silent)
    assert offer.status == Assignment.Status.EXPIRED and offer.reason == "超时未答复"
    expire = CaseEvent.objects.get(case=case, transition="expire")
    assert expire.actor is None and expire.note == "超时未答复"
    assert case.lawyer == bj.lawyer  # the next candidate got it
    assert "超时未答复" in Notification.objects.get(user=bj.coordinator).message


@pytest.mark.django_db
def test_an_expired_case_with_nobody_left_waits_on_the_board(world):
    bj = world.beijing
    case = accepted_case(bj)
    assign(case, bj.lawyer, bj.coordinator)
    accept_window(case, datetime.date(2026, 12, 3))
    assert workflow.expire_overdue(today=datetime.date(2026, 12, 4)) == 1
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED and case.lawyer is None


@pytest.mark.django_db
def test_an_offer_accepted_in_time_is_not_expired(world):
    bj = world.beijing
    case = accepted_case(bj)
    assign(case, bj.lawyer, bj.coordinator)
    window = accept_window(case, datetime.date(2026, 12, 3))
    accept(case, bj.lawyer.user)
    # Even a window someone forgot to close is left alone once the case moved on.
    Deadline.objects.filter(pk=window.pk).update(status=Deadline.Status.OPEN)
    assert workflow.expire_overdue(today=datetime.date(2026, 12, 10)) == 0
    case.refresh_from_db()
    assert case.state == Case.State.IN_PROGRESS


@pytest.mark.taskqueue
@pytest.mark.django_db
def test_the_expiry_task_is_scheduled_and_runs_through_django_q(world):
    from django.core.management import call_command
    from django_q.models import Schedule
    from django_q.tasks import async_task

    names = {s["name"] for s in SCHEDULES}
    assert "yizhan:expire_lawyer_offers" in names
    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    assert Schedule.objects.filter(func="cases.tasks.expire_lawyer_offers").exists()
    bj = world.beijing
    case = accepted_case(bj)
    assign(case, bj.lawyer, bj.coordinator)
    accept_window(case, timezone.localdate() - datetime.timedelta(days=1))
    async_task("cases.tasks.expire_lawyer_offers", sync=True)
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED


# ---------------------------------------------------------------------------
# Reassigning


@pytest.mark.django_db
def test_a_coordinator_reassigns_an_in_progress_case_to_another_lawyer(
    world, django_capture_on_commit_callbacks
):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer)
    new = make_lawyer()
    assert bj.lawyer not in [s.lawyer for s in offers.suggest(case)]
    with django_capture_on_commit_callbacks(execute=True):
        reassign(case, new, bj.coordinator, reason="原律师长期出差")
    case.refresh_from_db()
    assert case.state == Case.State.ASSIGNED and case.lawyer == new
    assert case.assignments.get(lawyer=new).status == Assignment.Status.PENDING
    assert Notification.objects.filter(user=new.user, case=case).exists()
    assert "改派" in Notification.objects.get(user=bj.lawyer.user).message
    event = CaseEvent.objects.get(case=case, transition="reassign")
    assert event.note == "原律师长期出差"


@pytest.mark.django_db
def test_reassigning_to_the_same_lawyer_is_refused(world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer)
    with pytest.raises(offers.AssignmentRefused):
        reassign(case, bj.lawyer, bj.coordinator, reason="x")


# ---------------------------------------------------------------------------
# Through the web


@pytest.mark.django_db
def test_the_coordinator_assigns_from_the_case_page_and_the_lawyer_accepts(client, world):
    bj = world.beijing
    case = accepted_case(bj)
    login(client, bj.coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "推荐律师" in page and bj.lawyer.name in page and "工伤" in page
    response = client.post(
        reverse("cases:assign", args=[case.number]), {"lawyer": bj.lawyer.pk, "state": "accepted"}
    )
    assert response.status_code == 302
    login(client, bj.lawyer.user)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "接案" in page and "拒绝" in page
    response = client.post(reverse("cases:accept", args=[case.number]), {"state": "assigned"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.IN_PROGRESS


@pytest.mark.django_db
def test_the_assign_page_searches_eligible_lawyers_and_explains_a_refusal(client, world):
    bj = world.beijing
    full = make_lawyer(name="钱满", capacity=1)
    make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=full)
    make_lawyer(name="孙闲")
    case = accepted_case(bj)
    login(client, bj.coordinator)
    url = reverse("cases:assign", args=[case.number])
    page = client.get(url, {"q": "孙"}).content.decode()
    assert "孙闲" in page and bj.lawyer.name not in page
    response = client.post(url, {"lawyer": full.pk, "state": "accepted"})
    assert response.status_code == 400
    assert "在办案件已满" in response.content.decode()
    response = client.post(url, {"state": "accepted"})
    assert "请选择一位律师" in response.content.decode()


@pytest.mark.django_db
def test_declining_through_the_web_needs_a_reason_shown_next_to_the_field(client, world):
    bj = world.beijing
    case = accepted_case(bj)
    assign(case, bj.lawyer, bj.coordinator)
    login(client, bj.lawyer.user)
    url = reverse("cases:decline", args=[case.number])
    response = client.post(url, {"reason": "", "state": "assigned"})
    assert response.status_code == 400 and "请填写拒绝理由" in response.content.decode()
    response = client.post(url, {"reason": "时间冲突", "state": "assigned"})
    assert response.status_code == 302 and response.url == reverse("cases:queue")
    assert client.get(case.get_absolute_url()).status_code == 404  # no longer theirs


@pytest.mark.django_db
def test_reassigning_through_the_web_needs_a_reason(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer)
    other = make_lawyer()
    login(client, bj.coordinator)
    url = reverse("cases:reassign", args=[case.number])
    response = client.post(url, {"lawyer": other.pk, "state": "in_progress"})
    assert response.status_code == 400 and "请填写改派原因" in response.content.decode()
    response = client.post(url, {"lawyer": other.pk, "state": "in_progress", "reason": "出差"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lawyer == other


@pytest.mark.django_db
def test_a_stale_page_gets_a_reload_message_not_an_error(client, world):
    bj = world.beijing
    case = accepted_case(bj)
    assign(case, bj.lawyer, bj.coordinator)
    login(client, bj.coordinator)
    response = client.post(
        reverse("cases:auto_assign", args=[case.number]), {"state": "accepted"}, follow=True
    )
    assert response.status_code == 200 and "刷新" in response.content.decode()


@pytest.mark.django_db
def test_actions_outside_ones_scope_are_404_and_state_changes_need_post(client, world):
    bj, km = world.beijing, world.kunming
    case = accepted_case(bj)
    login(client, km.coordinator)
    for name in ("assign", "reassign"):
        assert client.get(reverse(f"cases:{name}", args=[case.number])).status_code == 404
    assert client.post(reverse("cases:auto_assign", args=[case.number])).status_code == 404
    login(client, bj.volunteer)  # sees the case, may not assign
    assert client.get(reverse("cases:assign", args=[case.number])).status_code == 404
    assign(case, bj.lawyer, bj.coordinator)
    login(client, km.lawyer.user)
    assert client.post(reverse("cases:accept", args=[case.number])).status_code == 404
    login(client, bj.lawyer.user)
    assert client.get(reverse("cases:accept", args=[case.number])).status_code == 405
    login(client, bj.coordinator)
    assert client.get(reverse("cases:auto_assign", args=[case.number])).status_code == 405


@pytest.mark.django_db
def test_a_station_in_another_district_is_served_by_a_province_wide_lawyer(world):
    km = world.kunming
    station = make_station(region_code="530102")  # 五华区: the Panlong lawyer does not serve it
    yunnan = make_lawyer(regions=["53"])
    case = make_case(station, state=Case.State.ACCEPTED)
    assert [s.lawyer for s in offers.suggest(case)] == [yunnan]
    assert km.lawyer not in [s.lawyer for s in offers.suggest(case)]


@pytest.mark.django_db
def test_the_assign_page_of_a_case_not_yet_accepted_sends_the_coordinator_back(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    client.force_login(bj.coordinator)
    response = client.get(reverse("cases:assign", args=[case.number]))
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert not case.assignments.exists()


# ---------------------------------------------------------------------------
# After a reassignment: the old lawyer keeps reading their own notes


def handed_over_case(bj, old, new):
    """An injury case the old lawyer worked and wrote a note on, then reassigned to new."""
    case = accepted_case(bj, worker={"name": "周建华", "phone": "+8613912340001"})
    assign(case, old, bj.coordinator)
    accept(case, old.user)
    CaseEvent.objects.create(
        case=case, actor=old.user, kind="note", note="已电话联系劳动者，约好周三面谈。"
    )
    CaseEvent.objects.create(case=case, actor=bj.coordinator, kind="note", note="协调员备注")
    reassign(case, new, bj.coordinator, reason="原律师长期出差")
    CaseEvent.objects.create(case=case, actor=new.user, kind="note", note="新律师的备注")
    return case


@pytest.mark.django_db
def test_a_reassigned_lawyer_reads_their_own_notes_and_nothing_else_of_the_case(client, world):
    bj = world.beijing
    old, new = bj.lawyer, make_lawyer()
    case = handed_over_case(bj, old, new)
    login(client, old.user)

    listing = client.get(reverse("cases:handed_over")).content.decode()
    assert case.number in listing and "1 条备注" in listing

    page = client.get(reverse("cases:own_notes", args=[case.number]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "已电话联系劳动者，约好周三面谈。" in text
    for hidden in ("协调员备注", "新律师的备注", "周建华", "13912340001", "139****0001"):
        assert hidden not in text, hidden
    # The case itself is closed to them.
    assert client.get(case.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_only_the_lawyer_it_was_taken_from_gets_the_notes_page(client, world):
    bj = world.beijing
    old, new = bj.lawyer, make_lawyer()
    case = handed_over_case(bj, old, new)
    url = reverse("cases:own_notes", args=[case.number])
    # The new lawyer works the case itself; a stranger and a coordinator have no notes page.
    for user in (new.user, make_lawyer().user, bj.coordinator):
        login(client, user)
        assert client.get(url).status_code == 404, user
        assert case.number not in client.get(reverse("cases:handed_over")).content.decode()
    # Given back to the old lawyer, the case is theirs again: the notes page gives way.
    accept(case, new.user)
    reassign(case, old, bj.coordinator, reason="出差结束")
    login(client, old.user)
    assert client.get(url).status_code == 404
    assert client.get(case.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_router_never_offers_a_case_back_to_the_lawyer_it_was_taken_from(world):
    bj = world.beijing
    old, new = bj.lawyer, make_lawyer()
    case = handed_over_case(bj, old, new)
    assert old not in [s.lawyer for s in offers.suggest(case)]
    # The new lawyer declines: the router looks further, but not back to the old one.
    decline(case, new.user, reason="利益冲突")
    case.refresh_from_db()
    assert case.lawyer != old
    assert case.assignments.filter(lawyer=old).values_list("status", flat=True).get() == "replaced"


@pytest.mark.django_db
def test_an_old_notice_about_a_case_no_longer_theirs_does_not_lead_to_a_404(
    client, world, django_capture_on_commit_callbacks
):
    bj = world.beijing
    old, new = bj.lawyer, make_lawyer()
    with django_capture_on_commit_callbacks(execute=True):
        case = handed_over_case(bj, old, new)
    login(client, old.user)
    notices = Notification.objects.filter(user=old.user, case=case)
    assert notices.exists()  # the offer, and the reassignment
    for notice in notices:
        url = reverse("cases:notification_read", args=[notice.pk])
        response = client.post(url, {"go": "1"})
        assert response.url == reverse("cases:own_notes", args=[case.number])
    # One who declined and never worked the case: back to the list, with a word.
    declined = accepted_case(bj)
    with django_capture_on_commit_callbacks(execute=True):
        assign(declined, new, bj.coordinator)
        decline(declined, new.user, reason="出差")
    login(client, new.user)
    notice = Notification.objects.filter(user=new.user, case=declined).first()
    url = reverse("cases:notification_read", args=[notice.pk])
    response = client.post(url, {"go": "1"}, follow=True)
    assert f"案件 {declined.number} 已不由您办理。" in response.content.decode()


@pytest.mark.django_db
def test_the_queue_links_to_the_handed_over_cases_and_the_list_starts_empty(client, world):
    login(client, world.beijing.lawyer.user)
    queue = client.get(reverse("cases:queue")).content.decode()
    assert reverse("cases:handed_over") in queue
    assert "您还没有被改派走的案件。" in client.get(reverse("cases:handed_over")).content.decode()
