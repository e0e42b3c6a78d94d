"""The transition UI: who may run which transition on which case, and what they see."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cases.management.commands.state_diagram import mermaid
from cases.models import Case, CaseEvent
from tests.helpers import login, make_case, make_document, make_lawyer

FORM_DATA = {
    "resolve_at_intake": {"advice": "已告知可向平台申请职业伤害保障待遇。"},
    "accept_for_aid": {"eligibility": Case.Eligibility.EXEMPT_42_3, "eligibility_note": "进城务工"},
    "refer": {"to": "朝阳区劳动保障监察大队", "reason": "属于劳动监察受理范围"},
    "withdraw": {"worker_request": "on", "reason": "已与站点私下和解"},
    "resolve": {
        "outcome": Case.Outcome.SETTLEMENT,
        "amount_recovered": "8000",
        "outcome_note": "调解",
    },
    "reopen": {"reason": "对方未按调解协议付款"},
    "close": {"confirm_waive": "on"},
}

TARGET = {
    "resolve_at_intake": Case.State.RESOLVED,
    "accept_for_aid": Case.State.ACCEPTED,
    "refer": Case.State.REFERRED,
    "withdraw": Case.State.WITHDRAWN,
    "resolve": Case.State.RESOLVED,
    "reopen": Case.State.IN_PROGRESS,
    "close": Case.State.CLOSED,
}

# transition, the state the case is in, claims, and who may run it. Personas:
#   volunteer   – volunteer at the case's station          coordinator – its district union
#   lawyer      – the assigned lawyer (when there is one)   admin       – superuser
#   other_*     – the same roles in the other region: they must get a 404 for everything
ALLOWED = "allowed"
REFUSED = "refused"
HIDDEN = "404"
TABLE = [
    (
        "resolve_at_intake",
        "received",
        ["consult"],
        {"volunteer": ALLOWED, "coordinator": ALLOWED, "admin": ALLOWED},
    ),
    (
        "accept_for_aid",
        "received",
        ["injury"],
        {"volunteer": REFUSED, "coordinator": ALLOWED, "admin": ALLOWED},
    ),
    (
        "refer",
        "received",
        ["wage"],
        {"volunteer": REFUSED, "coordinator": ALLOWED, "admin": ALLOWED},
    ),
    (
        "withdraw",
        "received",
        ["wage"],
        {"volunteer": ALLOWED, "coordinator": ALLOWED, "admin": ALLOWED},
    ),
    ("withdraw", "accepted", ["wage"], {"volunteer": ALLOWED, "coordinator": ALLOWED}),
    (
        "withdraw",
        "in_progress",
        ["injury"],
        {"volunteer": ALLOWED, "coordinator": ALLOWED, "lawyer": ALLOWED},
    ),
    (
        "resolve",
        "in_progress",
        ["injury"],
        {"volunteer": REFUSED, "coordinator": ALLOWED, "lawyer": ALLOWED, "admin": ALLOWED},
    ),
    (
        "reopen",
        "resolved",
        ["injury"],
        {"volunteer": REFUSED, "coordinator": ALLOWED, "lawyer": REFUSED, "admin": ALLOWED},
    ),
    (
        "close",
        "resolved",
        ["injury"],
        {"volunteer": REFUSED, "coordinator": ALLOWED, "lawyer": REFUSED, "admin": ALLOWED},
    ),
    ("close", "referred", ["wage"], {"volunteer": REFUSED, "coordinator": ALLOWED}),
]
PERSONAS = [
    "volunteer",
    "coordinator",
    "lawyer",
    "admin",
    "other_volunteer",
    "other_coordinator",
    "other_lawyer",
]


def cases_for_table():
    for name, state, claims, who in TABLE:
        for persona in PERSONAS:
            if persona == "lawyer" and state in ("received", "accepted", "referred"):
                continue  # no lawyer on the case yet
            # The superuser passes every permission check (only the scheduler runs expire).
            default = ALLOWED if persona == "admin" else REFUSED
            expected = who.get(persona, default)
            if persona.startswith("other_"):
                expected = HIDDEN
            yield pytest.param(
                name, state, claims, persona, expected, id=f"{name}-{state}-{persona}"
            )


def person(world, persona):
    bj, km = world.beijing, world.kunming
    return {
        "volunteer": bj.volunteer,
        "coordinator": bj.coordinator,
        "lawyer": bj.lawyer.user,
        "admin": world.admin,
        "other_volunteer": km.volunteer,
        "other_coordinator": km.coordinator,
        "other_lawyer": km.lawyer.user,
    }[persona]


def post(client, case, name, **extra):
    data = {f"{name}-{k}": v for k, v in FORM_DATA[name].items()}
    data[f"{name}-expected_state"] = extra.pop("expected_state", case.state)
    data.update({f"{name}-{k}": v for k, v in extra.items()})
    return client.post(reverse("cases:transition", args=[case.number, name]), data)


def case_in(world, state, claims):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=state, lawyer=bj.lawyer, claims=claims)
    if state in ("resolved", "referred"):
        make_document(case, kind="closing_report")
    return case


@pytest.mark.django_db
@pytest.mark.parametrize("name, state, claims, persona, expected", list(cases_for_table()))
def test_every_transition_is_allowed_or_refused_per_role_and_scope(
    client, world, name, state, claims, persona, expected
):
    case = case_in(world, state, claims)
    events_before = CaseEvent.objects.filter(case=case).count()
    user = person(world, persona)
    login(client, user)
    response = post(client, case, name)
    case.refresh_from_db()
    if expected == ALLOWED:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert case.state == TARGET[name]
        # (close then stores the final closing report as the system: a DOCUMENT event.)
        event = CaseEvent.objects.filter(case=case, kind="transition").latest("pk")
        assert (event.kind, event.transition, event.actor) == ("transition", name, user)
        assert (event.source_state, event.target_state) == (state, TARGET[name])
    elif expected == REFUSED:
        assert response.status_code == 400
        assert "您没有权限对该案件执行此操作" in response.content.decode()
        assert case.state == state
        assert CaseEvent.objects.filter(case=case).count() == events_before
    else:
        assert response.status_code == 404
        assert case.state == state


@pytest.mark.django_db
def test_the_actions_panel_shows_only_what_the_user_may_run(client, world):
    case = case_in(world, "received", ["injury"])
    login(client, world.beijing.volunteer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-transition="withdraw"' in page
    assert 'data-transition="accept_for_aid"' not in page
    assert 'data-transition="resolve_at_intake"' not in page  # not a pure consultation
    assert 'data-blocked="resolve_at_intake"' in page  # shown with the reason instead
    client.logout()
    login(client, world.beijing.coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    for name in ("accept_for_aid", "refer", "withdraw"):
        assert f'data-transition="{name}"' in page


@pytest.mark.django_db
def test_a_stale_page_gets_the_changed_message_and_keeps_what_was_typed(client, world):
    case = case_in(world, "received", ["wage"])
    login(client, world.beijing.coordinator)
    response = post(
        client, case, "refer", expected_state="accepted", reason="这是我刚刚打的一段很长的理由"
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "该案件刚被他人更新，请刷新后重试" in page
    assert "这是我刚刚打的一段很长的理由" in page and "朝阳区劳动保障监察大队" in page
    case.refresh_from_db()
    assert case.state == Case.State.RECEIVED


@pytest.mark.django_db
def test_acting_twice_from_the_same_page_changes_the_case_once(client, world):
    case = case_in(world, "received", ["wage"])
    login(client, world.beijing.coordinator)
    assert post(client, case, "accept_for_aid").status_code == 302
    second = post(client, case, "refer", expected_state="received")
    assert second.status_code == 409
    assert "该案件刚被他人更新，请刷新后重试" in second.content.decode()
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED
    assert CaseEvent.objects.filter(case=case, kind="transition").count() == 1


@pytest.mark.django_db
def test_a_consultation_cannot_be_accepted_for_aid_and_an_injury_cannot_be_resolved_at_intake(
    client, world
):
    consult = case_in(world, "received", ["consult"])
    injury = case_in(world, "received", ["injury"])
    login(client, world.beijing.coordinator)
    response = post(client, consult, "accept_for_aid", eligibility="hardship_met")
    assert (
        response.status_code == 400
        and "仅咨询的求助不属于法律援助事项" in response.content.decode()
    )
    response = post(client, injury, "resolve_at_intake")
    assert (
        response.status_code == 400
        and "只有“仅咨询”的求助才能当场解答办结" in response.content.decode()
    )
    consult.refresh_from_db(), injury.refresh_from_db()
    assert consult.state == injury.state == Case.State.RECEIVED


@pytest.mark.django_db
def test_closing_needs_a_closing_report(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state="resolved", lawyer=bj.lawyer)
    login(client, bj.coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    # Offered, with why not yet: no form to submit.
    assert 'data-transition="close"' not in page and "请先生成结案报告，再归档" in page
    response = post(client, case, "close")
    assert response.status_code == 400 and "请先生成结案报告，再归档" in response.content.decode()
    make_document(case, kind="closing_report")
    assert post(client, case, "close").status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.closed_at is not None


@pytest.mark.django_db
def test_closing_with_open_worker_deadlines_needs_an_explicit_confirmation(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state="resolved", lawyer=bj.lawyer)
    make_document(case, kind="closing_report")
    open_deadlines = case.deadlines.filter(status="open", binds="worker")
    assert open_deadlines.exists()  # the injury clock started at intake
    login(client, bj.coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "仍在进行的我方期限" in page and open_deadlines[0].citation in page
    response = post(client, case, "close", confirm_waive="")
    assert response.status_code == 400
    assert "请确认无需办理后再归档" in response.content.decode()
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED and open_deadlines.exists()
    assert post(client, case, "close", confirm_waive="on").status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and not open_deadlines.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "claims, preselected",
    [
        (["wage"], True),
        (["injury"], True),
        (["occupational"], True),
        (["tort"], False),
        (["labor"], False),
    ],
)
def test_the_42_3_exemption_is_preselected_for_pay_and_injury_claims(
    client, world, claims, preselected
):
    case = case_in(world, "received", claims)
    login(client, world.beijing.coordinator)
    page = client.get(reverse("cases:triage")).content.decode()
    assert "第四十二条第三项" in page
    radio = page.split('value="exempt_42_3"', 1)[1].split(">", 1)[0]
    checked = "checked" in radio
    assert checked is preselected, case.claims


@pytest.mark.django_db
def test_the_42_3_exemption_is_refused_for_a_claim_it_does_not_cover(client, world):
    case = case_in(world, "received", ["tort"])
    login(client, world.beijing.coordinator)
    response = post(client, case, "accept_for_aid", eligibility="exempt_42_3")
    assert response.status_code == 400
    assert "第四十二条第三项只适用于" in response.content.decode()
    response = post(
        client, case, "accept_for_aid", eligibility="hardship_met", eligibility_note="低保户"
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.eligibility == "hardship_met" and case.eligibility_note == "低保户"


@pytest.mark.django_db
def test_accepting_for_aid_records_the_eligibility_and_the_exemption(client, world):
    case = case_in(world, "received", ["wage", "labor"])
    login(client, world.beijing.coordinator)
    assert post(client, case, "accept_for_aid").status_code == 302
    case.refresh_from_db()
    assert case.eligibility == Case.Eligibility.EXEMPT_42_3 and case.accepted_at is not None
    assert case.eligibility_note == "进城务工"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, state, fields, message",
    [
        ("refer", "received", {"to": ""}, "请填写转介的机构"),
        ("refer", "received", {"reason": ""}, "请说明转介原因"),
        ("withdraw", "received", {"worker_request": ""}, "只有劳动者本人要求时才能撤回"),
        ("withdraw", "received", {"reason": ""}, "请记录撤回原因"),
        ("resolve_at_intake", "received", {"advice": ""}, "请记录向劳动者给出的解答"),
        ("resolve", "in_progress", {"amount_recovered": "-5"}, "金额不能为负数"),
        ("resolve", "in_progress", {"outcome_date": "2099-01-01"}, "办结日期不能晚于今天"),
        ("resolve", "in_progress", {"outcome": ""}, "请选择办理结果"),
        ("reopen", "resolved", {"reason": ""}, "请说明为什么重新办理"),
        ("accept_for_aid", "received", {"eligibility": "hardship_not_met"}, "不能受理法律援助"),
    ],
)
def test_transition_forms_refuse_bad_input_with_a_clear_message(
    client, world, name, state, fields, message
):
    claims = ["consult"] if name == "resolve_at_intake" else ["wage", "injury"]
    case = case_in(world, state, claims)
    login(client, world.beijing.coordinator)
    response = post(client, case, name, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.state == state


@pytest.mark.django_db
def test_resolving_records_the_outcome(client, world):
    case = case_in(world, "in_progress", ["wage"])
    login(client, world.beijing.lawyer.user)
    response = post(client, case, "resolve", outcome_date="2026-11-20")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "settlement" and str(case.amount_recovered) == "8000.00"
    assert str(case.outcome_date) == "2026-11-20" and case.outcome_note == "调解"


@pytest.mark.django_db
def test_referral_records_where_and_why(client, world):
    case = case_in(world, "received", ["wage"])
    login(client, world.beijing.coordinator)
    post(client, case, "refer")
    case.refresh_from_db()
    assert case.referred_to == "朝阳区劳动保障监察大队" and case.referral_reason
    event = CaseEvent.objects.filter(case=case, transition="refer").get()
    assert "朝阳区劳动保障监察大队" in event.note


@pytest.mark.django_db
def test_routing_transitions_are_not_run_through_this_page(client, world):
    case = case_in(world, "accepted", ["wage"])
    login(client, world.beijing.coordinator)
    url = reverse("cases:transition", args=[case.number, "assign"])
    assert client.post(url, {"assign-expected_state": "accepted"}).status_code == 404


@pytest.mark.django_db
def test_transitions_only_answer_post(client, world):
    case = case_in(world, "received", ["wage"])
    login(client, world.beijing.coordinator)
    assert client.get(reverse("cases:transition", args=[case.number, "refer"])).status_code == 405


@pytest.mark.django_db
def test_the_worker_facing_label_changes_with_the_state(client, world):
    case = case_in(world, "received", ["wage"])
    login(client, world.beijing.coordinator)
    assert "已登记，工会正在审核您的求助" in client.get(case.get_absolute_url()).content.decode()
    post(client, case, "accept_for_aid")
    assert "已受理，正在为您安排律师" in client.get(case.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_triage_board_lists_received_cases_in_scope_oldest_first(client, world):
    bj, km = world.beijing, world.kunming
    first = make_case(bj.station, bj.volunteer, claims=["wage"])
    second = make_case(bj.station, bj.volunteer, claims=["injury"])
    accepted = make_case(bj.station, bj.volunteer, state="accepted")
    elsewhere = make_case(km.station, km.volunteer)
    login(client, bj.coordinator)
    page = client.get(reverse("cases:triage")).content.decode()
    assert page.index(first.number) < page.index(second.number)
    assert accepted.number not in page and elsewhere.number not in page
    assert "{#" not in page and "#}" not in page  # no template comment shown as text


@pytest.mark.django_db
def test_triage_acts_inline_and_comes_back_to_the_board(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, claims=["wage"])
    login(client, bj.coordinator)
    triage = reverse("cases:triage")
    data = {
        "accept_for_aid-expected_state": "received",
        "accept_for_aid-eligibility": "exempt_42_3",
        "next": triage,
    }
    response = client.post(reverse("cases:transition", args=[case.number, "accept_for_aid"]), data)
    assert response.status_code == 302 and response.url == triage
    follow = client.get(triage).content.decode()
    assert case.number in follow  # in the success message
    assert "受理法律援助" in follow


@pytest.mark.django_db
def test_an_outside_next_url_is_ignored(client, world):
    case = case_in(world, "received", ["wage"])
    login(client, world.beijing.coordinator)
    data = {
        "refer-expected_state": "received",
        "refer-to": "劳动监察",
        "refer-reason": "x",
        "next": "https://evil.example/",
    }
    response = client.post(reverse("cases:transition", args=[case.number, "refer"]), data)
    assert response.url == case.get_absolute_url()


@pytest.mark.django_db
def test_triage_is_only_for_coordinators(client, world):
    login(client, world.beijing.volunteer)
    assert client.get(reverse("cases:triage")).status_code == 404


@pytest.mark.django_db
def test_a_lawyer_can_withdraw_only_their_own_case(client, world):
    bj = world.beijing
    other = make_lawyer(regions=["1101"])
    case = make_case(bj.station, bj.volunteer, state="in_progress", lawyer=other)
    login(client, bj.lawyer.user)
    assert post(client, case, "withdraw").status_code == 404


@pytest.mark.django_db
def test_each_triage_card_acts_on_its_own_case(client, world):
    bj = world.beijing
    first = make_case(bj.station, bj.volunteer, claims=["wage"])
    second = make_case(bj.station, bj.volunteer, claims=["wage"])
    login(client, bj.coordinator)
    page = client.get(reverse("cases:triage"), {"q": ""}).content.decode()
    for case in (first, second):
        card = page.split(f'id="case-{case.number}"', 1)[1].split("</article>", 1)[0]
        assert reverse("cases:transition", args=[case.number, "refer"]) in card
        assert f'id="c{case.pk}-refer-to"' in card and f'for="c{case.pk}-refer-to"' in card
        assert "000000-0000-00000" not in card and "case-x" not in card


@pytest.mark.django_db
def test_the_triage_board_runs_the_same_queries_for_2_or_20_cases(
    client, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bj = world.beijing
    claims = [["wage"], ["tort"], ["consult"]]
    for i in range(2):
        make_case(
            bj.station,
            bj.volunteer,
            claims=claims[i % 3],
            parties=[{"kind": "employer", "name": "甲公司"}],
        )
    login(client, bj.coordinator)
    client.get(reverse("cases:triage"))
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("cases:triage"))
    for i in range(18):
        make_case(
            bj.station,
            bj.volunteer,
            claims=claims[i % 3],
            parties=[{"kind": "employer", "name": "乙公司"}],
        )
    with django_assert_num_queries(len(two)):
        page = client.get(reverse("cases:triage")).content.decode()
    assert page.count('class="card triage-card"') == 20


def test_the_readme_state_diagram_is_the_state_machine():
    # README.md shows `manage.py state_diagram`; a transition added or changed in
    # cases/models.py must show up there too.
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"```mermaid\n(.*?)```", readme, re.DOTALL).group(1)
    assert shown == mermaid(), "run `manage.py state_diagram` and paste it into README.md"
    assert "in_progress --> assigned: reassign" in shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, field, state, claims, limit",
    [
        ("refer", "reason", "received", ["wage"], 1000),
        ("resolve_at_intake", "advice", "received", ["consult"], 2000),
        ("accept_for_aid", "eligibility_note", "received", ["wage"], 1000),
        ("withdraw", "reason", "received", ["wage"], 1000),
        ("resolve", "outcome_note", "in_progress", ["wage"], 2000),
        ("reopen", "reason", "resolved", ["wage"], 1000),
    ],
)
def test_a_hundred_thousand_characters_are_refused_at_the_field_and_the_rest_kept(
    client, world, name, field, state, claims, limit
):
    case = case_in(world, state, claims)
    events_before = CaseEvent.objects.filter(case=case).count()
    login(client, world.admin)
    response = post(client, case, name, **{field: "拖" * 100_000})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"不超过 {limit} 字符 (目前字符数 100000)" in page  # Django's own message
    case.refresh_from_db()
    assert case.state == state and CaseEvent.objects.filter(case=case).count() == events_before
    assert post(client, case, name, **{field: "拖" * limit}).status_code == 302
