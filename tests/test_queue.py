"""The lawyer's queue, the coordinator's board and the lawyer's availability page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Deadline
from cases.routing import offers
from lawyers.models import ClaimType
from tests.helpers import assign, login, make_case, make_lawyer, make_station

QUEUE = "cases:queue"


def worker_deadline(case, due, status=Deadline.Status.OPEN, rule="labor.suit_after_award"):
    return Deadline.objects.create(
        case=case,
        rule=rule,
        trigger_date=due - datetime.timedelta(days=15),
        due_date=due,
        binds=Deadline.Binds.WORKER,
        status=status,
        citation="劳动争议调解仲裁法第五十条",
    )


def numbers(response):
    """Case numbers in the order the queue shows them."""
    html = response.content.decode()
    return sorted(
        {n for n in _case_numbers(html)}, key=lambda n: html.index(f"<strong>{n}</strong>")
    )


def _case_numbers(html):
    import re

    return re.findall(r"<strong>(\d{6}-\d{4}-\d{5})</strong>", html)


@pytest.fixture
def lawyer(world):
    return make_lawyer(capacity=50)


def case_for(lawyer, state=Case.State.IN_PROGRESS, **kwargs):
    station = kwargs.pop("station", None) or make_station(region_code="110105")
    return make_case(station, state=state, lawyer=lawyer, **kwargs)


@pytest.mark.django_db
def test_awaiting_cases_come_first_then_the_nearest_worker_deadline_then_no_deadline(
    client, lawyer
):
    today = timezone.localdate()
    no_deadline = case_for(lawyer)
    far = case_for(lawyer)
    worker_deadline(far, today + datetime.timedelta(days=20))
    near = case_for(lawyer)
    worker_deadline(near, today + datetime.timedelta(days=3))
    worker_deadline(near, today + datetime.timedelta(days=1), status=Deadline.Status.DONE)
    awaiting = case_for(lawyer, state=Case.State.ASSIGNED)
    login(client, lawyer.user)
    response = client.get(reverse(QUEUE))
    assert numbers(response) == [awaiting.number, near.number, far.number, no_deadline.number]
    html = response.content.decode()
    assert "待接案（1）" in html and "办理中（3）" in html


@pytest.mark.django_db
def test_without_deadlines_in_progress_cases_are_ordered_by_acceptance_age(client, lawyer):
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)):
        older = case_for(lawyer)
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC)):
        newer = case_for(lawyer)
    Deadline.objects.filter(case__in=[older, newer]).delete()
    login(client, lawyer.user)
    assert numbers(client.get(reverse(QUEUE))) == [older.number, newer.number]


@pytest.mark.django_db
def test_overdue_cases_are_shown_in_red(client, lawyer):
    late = case_for(lawyer)
    worker_deadline(late, timezone.localdate() - datetime.timedelta(days=1))
    login(client, lawyer.user)
    html = client.get(reverse(QUEUE)).content.decode()
    row = html[html.index(late.number) - 400 : html.index(late.number)]
    assert "overdue" in row and "已逾期" in html


@pytest.mark.django_db
def test_the_queue_filters_by_claim_and_state_and_searches(client, lawyer):
    injury = case_for(lawyer, claims=[ClaimType.INJURY], worker={"name": "李大壮"})
    wage = case_for(lawyer, claims=[ClaimType.WAGE], worker={"name": "赵小红"})
    offered = case_for(lawyer, state=Case.State.ASSIGNED, claims=[ClaimType.WAGE])
    login(client, lawyer.user)
    url = reverse(QUEUE)
    assert numbers(client.get(url, {"claim": "wage"})) == [offered.number, wage.number]
    assert numbers(client.get(url, {"state": "in_progress", "claim": "wage"})) == [wage.number]
    assert numbers(client.get(url, {"q": "大壮"})) == [injury.number]
    assert numbers(client.get(url, {"q": injury.number[-5:]})) == [injury.number]
    response = client.get(url, {"q": "没有这个人"})
    assert "没有符合筛选条件的案件" in response.content.decode()
    assert client.get(url, {"claim": "nonsense"}).status_code == 200  # bad input: no filter


@pytest.mark.django_db
def test_the_queue_masks_worker_phones(client, lawyer):
    case = case_for(lawyer, worker={"name": "王五", "phone": "+8613912345678"})
    login(client, lawyer.user)
    html = client.get(reverse(QUEUE)).content.decode()
    assert case.number in html and "139****5678" in html and "13912345678" not in html


@pytest.mark.django_db
def test_filtering_with_htmx_swaps_only_the_rows(client, lawyer):
    case_for(lawyer)
    login(client, lawyer.user)
    full = client.get(reverse(QUEUE)).content.decode()
    assert "<html" in full and 'hx-get="/cases/queue/"' in full and 'method="get"' in full
    partial = client.get(reverse(QUEUE), {"state": "in_progress"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and "办理中（1）" in html


@pytest.mark.django_db
def test_the_queue_paginates(client, lawyer, settings):
    from cases.routing import views as routing_views

    routing_views.QUEUE_PAGE_SIZE, saved = 2, routing_views.QUEUE_PAGE_SIZE
    try:
        for _ in range(3):
            case_for(lawyer)
        login(client, lawyer.user)
        first = client.get(reverse(QUEUE), {"state": "in_progress"})
        assert len(numbers(first)) == 2 and "state=in_progress&page=2" in first.content.decode()
        assert len(numbers(client.get(reverse(QUEUE), {"page": 2}))) == 1
    finally:
        routing_views.QUEUE_PAGE_SIZE = saved


@pytest.mark.django_db
def test_only_lawyers_have_a_queue_and_see_only_their_own_cases(client, world, lawyer):
    mine = case_for(lawyer)
    theirs = case_for(world.beijing.lawyer)
    login(client, world.beijing.coordinator)
    assert client.get(reverse(QUEUE)).status_code == 404
    login(client, lawyer.user)
    html = client.get(reverse(QUEUE)).content.decode()
    assert mine.number in html and theirs.number not in html


def _fill_queue(lawyer, n):
    station = make_station(region_code="110105")
    today = timezone.localdate()
    for i in range(n):
        case = case_for(
            lawyer,
            state=Case.State.ASSIGNED if i % 5 == 0 else Case.State.IN_PROGRESS,
            station=station,
        )
        if i % 2:
            worker_deadline(case, today + datetime.timedelta(days=i % 30))


@pytest.mark.django_db
def test_the_queue_runs_the_same_number_of_queries_for_5_or_200_cases(
    client, lawyer, django_assert_num_queries
):
    lawyer.capacity = 200  # assigning checks capacity; this lawyer takes the whole queue
    lawyer.save()
    login(client, lawyer.user)
    _fill_queue(lawyer, 5)
    client.get(reverse(QUEUE))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse(QUEUE)).status_code == 200
    _fill_queue(lawyer, 195)
    with django_assert_num_queries(len(five)):
        response = client.get(reverse(QUEUE))
    html = response.content.decode()
    assert "待接案 40" in html and "办理中 160" in html


# ---------------------------------------------------------------------------
# The coordinator's board


@pytest.mark.django_db
def test_the_board_lists_waiting_cases_with_their_top_suggestion_and_open_offers(
    client, world, regions
):
    bj = world.beijing
    waiting = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    offered = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    assign(offered, bj.lawyer, bj.coordinator)
    Deadline.objects.filter(case=offered, rule="sla.lawyer_accept").update(
        due_date=timezone.localdate() + datetime.timedelta(days=2)
    )
    elsewhere = make_case(world.kunming.station, world.kunming.volunteer, state="accepted")
    login(client, bj.coordinator)
    html = client.get(reverse("cases:assignment_board")).content.decode()
    waiting_part, offered_part = html.split('data-section="offered"')
    assert waiting.number in waiting_part and offered.number not in waiting_part
    assert bj.lawyer.name in waiting_part and "北京市 · 工伤 · 1/8 件" in waiting_part
    assert offered.number in offered_part
    if Deadline.objects.filter(case=offered, rule="sla.lawyer_accept").exists():
        assert "还剩 2 天" in offered_part
    assert elsewhere.number not in html


@pytest.mark.django_db
def test_assigning_from_the_board_returns_to_the_board(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    login(client, bj.coordinator)
    response = client.post(
        reverse("cases:assign", args=[case.number]),
        {"lawyer": bj.lawyer.pk, "state": "accepted", "next": "board"},
    )
    assert response.status_code == 302 and response.url == reverse("cases:assignment_board")
    case.refresh_from_db()
    assert case.lawyer == bj.lawyer


@pytest.mark.django_db
def test_the_board_runs_the_same_number_of_queries_for_5_or_200_cases(
    client, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bj = world.beijing
    for _ in range(3):
        make_lawyer(regions=["110105"], conflicts="某某物流有限公司")

    def fill(n):
        for i in range(n):
            state = Case.State.ACCEPTED if i % 2 else Case.State.ASSIGNED
            lawyer = make_lawyer(capacity=50) if state == Case.State.ASSIGNED and i < 4 else None
            make_case(
                bj.station,
                bj.volunteer,
                state=state,
                lawyer=lawyer,
                parties=[{"kind": "employer", "name": f"某某物流{i}有限公司"}],
            )

    login(client, bj.coordinator)
    fill(5)
    client.get(reverse("cases:assignment_board"))
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("cases:assignment_board")).status_code == 200
    fill(195)
    with django_assert_num_queries(len(five)):
        assert client.get(reverse("cases:assignment_board")).status_code == 200


@pytest.mark.django_db
def test_the_board_is_for_coordinators_only(client, world):
    login(client, world.beijing.lawyer.user)
    assert client.get(reverse("cases:assignment_board")).status_code == 404
    login(client, world.beijing.volunteer)
    assert client.get(reverse("cases:assignment_board")).status_code == 404


# ---------------------------------------------------------------------------
# Availability


@pytest.mark.django_db
def test_a_lawyer_marks_leave_and_is_no_longer_suggested(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    assert bj.lawyer in [s.lawyer for s in offers.suggest(case)]
    login(client, bj.lawyer.user)
    until = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("lawyers:availability"), {"on_leave_until": until.isoformat(), "capacity": 6}
    )
    assert response.status_code == 302
    bj.lawyer.refresh_from_db()
    assert bj.lawyer.on_leave_until == until and bj.lawyer.capacity == 6
    assert bj.lawyer not in [s.lawyer for s in offers.suggest(case)]
    client.post(reverse("lawyers:availability"), {"on_leave_until": "", "capacity": 6})
    assert bj.lawyer in [s.lawyer for s in offers.suggest(case)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"on_leave_until": "2020-01-01", "capacity": 5}, "不能早于今天"),
        ({"on_leave_until": "", "capacity": 0}, "至少为 1"),
        ({"on_leave_until": "", "capacity": 51}, "最多为 50"),
        ({"on_leave_until": "", "capacity": "abc"}, "1 到 50"),
        ({"on_leave_until": "明天", "capacity": 5}, "格式"),
    ],
)
def test_bad_availability_input_gets_a_clear_error_and_keeps_what_was_typed(
    client, world, data, field_error
):
    lawyer = world.beijing.lawyer
    login(client, lawyer.user)
    response = client.post(reverse("lawyers:availability"), data)
    html = response.content.decode()
    assert response.status_code == 400 and field_error in html
    for value in data.values():
        assert f'value="{value}"' in html or value == ""
    lawyer.refresh_from_db()
    assert lawyer.capacity == 8 and lawyer.on_leave_until is None


@pytest.mark.django_db
def test_the_availability_page_is_only_for_lawyers(client, world):
    login(client, world.beijing.coordinator)
    assert client.get(reverse("lawyers:availability")).status_code == 404
    login(client, world.beijing.lawyer.user)
    assert "休假与容量" in client.get(reverse("lawyers:availability")).content.decode()


@pytest.mark.django_db
def test_the_queue_page_runs_four_queries(client, lawyer, django_assert_num_queries):
    """Session; the user with the lawyer profile, nav roles and unread count
    (cases.auth.RequestUserBackend); the section counts; the rows."""
    case_for(lawyer)
    case_for(lawyer, state=Case.State.ASSIGNED)
    login(client, lawyer.user)
    with django_assert_num_queries(4):
        html = client.get(reverse(QUEUE)).content.decode()
    assert "待接案 1" in html and "办理中 1" in html and 'href="/cases/queue/"' in html


@pytest.mark.django_db
def test_the_bell_and_the_navigation_come_with_the_user(client, world, lawyer):
    from cases.models import Notification

    Notification.objects.create(user=lawyer.user, message="新案件")
    login(client, lawyer.user)
    html = client.get(reverse(QUEUE)).content.decode()
    assert 'data-testid="unread-count">1<' in html
    assert reverse("cases:queue") in html and reverse("cases:triage") not in html
    login(client, world.beijing.coordinator)
    html = client.get(reverse("cases:triage")).content.decode()
    assert reverse("cases:assignment_board") in html and 'data-testid="unread-count"' not in html


@pytest.mark.django_db
def test_the_compiled_user_query_loads_what_the_orm_query_loads(world, lawyer):
    """cases.auth.load_user runs users_for_request() compiled once per process: the user,
    the lawyer profile (or none), the nav roles and the unread count must be the same."""
    from cases.auth import load_user, users_for_request
    from cases.models import Notification

    Notification.objects.create(user=lawyer.user, message="新案件")
    for user in (lawyer.user, world.beijing.coordinator, world.beijing.volunteer, world.admin):
        loaded, expected = load_user(user.pk), users_for_request().get(pk=user.pk)
        for field in ("pk", "username", "last_login", "date_joined", "is_active", "password"):
            assert getattr(loaded, field) == getattr(expected, field), field
        for name in ("nav_volunteer", "nav_coordinator", "nav_analyst", "unread_notifications"):
            assert getattr(loaded, name) == getattr(expected, name), name
        assert getattr(loaded, "lawyer", None) == getattr(expected, "lawyer", None)
    assert load_user(lawyer.user.pk).lawyer.pk == lawyer.pk
    assert load_user(999_999) is None
