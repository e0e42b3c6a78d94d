"""Issue 13: what the first real users hit walking a wage case through the product.

One test (at least) per defect; the visual ones are in test_browser_first_week.py."""

import pytest
from django.urls import reverse

from cases.models import Case, Worker
from lawyers.models import ClaimType
from tests.helpers import login, make_case, make_consent, make_document

WAGE = {"claims": [ClaimType.WAGE], "facts": "拖欠三个月工资。"}


# --- 2. every transition the role could do shows, enabled or with its reason ----------


@pytest.mark.django_db
def test_archive_is_offered_with_its_reason_and_a_link_to_the_closing_report(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.RESOLVED, lawyer=bj.lawyer, **WAGE)
    make_document(case, kind="receipt")
    make_document(case, kind="arbitration_application")
    html = login(client, bj.coordinator).get(reverse("cases:detail", args=[case.number]))
    html = html.content.decode()
    assert 'data-blocked="close"' in html
    assert "请先生成结案报告，再归档。" in html
    assert 'href="#doc-closing_report"' in html
    assert 'id="doc-closing_report"' in html
    assert 'data-transition="reopen"' in html


# --- 4. the platform has no default -----------------------------------------------


@pytest.mark.django_db
def test_the_intake_form_asks_for_a_platform_instead_of_defaulting_to_meituan(client, world):
    from tests.test_intake import intake_data

    make_consent()
    bj = world.beijing
    login(client, bj.volunteer)
    page = client.get(reverse("cases:intake")).content.decode()
    select = page.split('id="id_platform"')[1].split("</select>")[0]
    assert '<option value="" selected>请选择</option>' in select
    assert '<option value="unknown">不确定</option>' in select
    assert '<option value="other">其他</option>' in select

    data = intake_data(bj.station)
    del data["platform"]
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 400
    assert "请选择平台" in response.content.decode()
    assert not Case.objects.exists()

    response = client.post(reverse("cases:intake"), intake_data(bj.station, platform="unknown"))
    assert response.status_code == 302
    assert Case.objects.get().worker.platform == Worker.Platform.UNKNOWN


@pytest.mark.django_db
def test_a_worker_whose_platform_nobody_asked_is_recorded_as_unknown(world):
    case = make_case(world.beijing.station, world.beijing.volunteer, **WAGE)
    assert case.worker.platform == Worker.Platform.UNKNOWN


def test_an_unknown_platform_names_no_platform_company_in_self_help():
    from cases.selfhelp.submission import _party, platform_of

    assert platform_of("不确定") == Worker.Platform.OTHER
    assert platform_of("  ") == Worker.Platform.UNKNOWN  # a self-report naming nobody
    assert platform_of("美团 望京站") == Worker.Platform.MEITUAN
    assert _party("不确定", Worker.Platform.UNKNOWN)["kind"] == "employer"


# --- 6. the worker is told the outcome --------------------------------------------


@pytest.mark.django_db
def test_the_resolved_sms_and_the_status_page_say_the_outcome_and_the_amount(
    world, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from cases.status.page import shown_cases
    from cases.workflow import apply_transition
    from tests.helpers import delivered_sms

    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer)
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(
            case,
            "resolve",
            bj.lawyer.user,
            outcome=Case.Outcome.MEDIATION,
            amount_recovered=Decimal("12000"),
        )
    sms = delivered_sms(case.worker.phone, "case_resolved")
    assert "结果：经调解结案（有调解书），追回 12,000 元。" in sms
    assert len(sms) <= 70

    [view], _more = shown_cases([case.worker_id], case.outcome_date)
    assert view.outcome == "结果：经调解结案（有调解书），追回 12,000 元。"
    from django.utils import translation

    with translation.override("en"):
        [view], _more = shown_cases([case.worker_id], case.outcome_date)
    assert "12,000" in view.outcome and "结果" not in view.outcome


def test_the_outcome_sentence_leaves_out_an_amount_nobody_recovered():
    from cases.status.page import outcome_words

    assert outcome_words("unsuccessful", None) == "结果：您的请求未获支持。"
    assert outcome_words("", None) == ""


# --- 7. a deadline shows whose move it is ------------------------------------------

THEIRS = {
    "injury.employer_application",  # the employer
    "injury.acceptance",
    "injury.decision",
    "injury.decision_simple",
    "injury.appraisal_conclusion",
    "injury.reappraisal_conclusion",
    "admin.reconsideration_decision",
    "labor.mediation",
    "labor.arbitration_acceptance",
    "labor.arbitration_award",
    "labor.set_aside_final_award",  # the employer
    "civil.payment_order_objection",  # the debtor (the employer)
    "legalaid.decision",
    "legalaid.assignment",  # when a 法律援助机构 granted aid; ours when the union accepted
    "inspection.investigation",
}


def test_every_rule_says_whose_move_it_is():
    from cases.deadlines import rules

    for code, rule in rules.RULES.items():
        expected = code not in THEIRS
        by_transition = expected or code == "legalaid.assignment"
        assert rules.is_ours(rule.binds_for(None)) == by_transition, code
        assert rules.is_ours(rule.binds_for(object())) == expected, code


@pytest.mark.django_db
def test_the_unions_own_duty_to_assign_is_tagged_as_ours(client, world):
    from cases.models import Deadline

    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED, **WAGE)
    deadline = case.deadlines.get(rule="legalaid.assignment")
    assert deadline.binds == Deadline.Binds.UNION
    html = login(client, bj.coordinator).get(reverse("cases:detail", args=[case.number]))
    item = html.content.decode().split('data-rule="legalaid.assignment"')[1].split("</li>")[0]
    assert "工会须办理" in item and "whose-move ours" in item
    assert "等待对方/机关" not in item


# --- 8. milestones filtered by claim ----------------------------------------------


@pytest.mark.django_db
def test_a_wage_case_offers_its_own_milestones_first_and_the_rest_behind_other(client, world):
    bj = world.beijing
    case = make_case(
        bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer, **WAGE
    )
    page = login(client, bj.lawyer.user).get(reverse("cases:milestone_add", args=[case.number]))
    select = page.content.decode().split('id="id_kind"')[1].split("</select>")[0]
    ours, others = select.split('<optgroup label="其他节点">')
    assert '<optgroup label="本案常用节点">' in ours
    assert 'value="arbitration_filed"' in ours and 'value="employment_ended"' in ours
    for injury_only in ("injury_filed", "appraisal_applied", "accident"):
        assert f'value="{injury_only}"' not in ours
        assert f'value="{injury_only}"' in others


def test_every_claims_milestone_is_a_milestone_kind_and_every_kind_has_a_claim():
    from cases.claims import MILESTONES
    from cases.models import Milestone

    kinds = set(Milestone.Kind.values)
    listed = {kind for group in MILESTONES.values() for kind in group}
    assert listed <= kinds
    # Pauses and the complaint itself start no deadline on their own, but still belong
    # to a claim: nothing is only reachable under 其他节点.
    assert kinds - listed == set(), kinds - listed


@pytest.mark.django_db
def test_the_milestone_reference_names_milestones_instead_of_codes(client, world):
    bj = world.beijing
    case = make_case(
        bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer, **WAGE
    )
    page = login(client, bj.lawyer.user).get(reverse("cases:milestone_add", args=[case.number]))
    reference = page.content.decode().split('id="milestone-reference"')[1]
    assert (
        "<strong>申请劳动仲裁</strong>" in reference
        and "<strong>劳动关系终止</strong>" in reference
    )
    for code in ("accident ·", "knew_infringement ·", "arbitration_filed ·"):
        assert code not in reference


# --- 10. no accept option that always fails ----------------------------------------


@pytest.mark.django_db
def test_accepting_aid_does_not_offer_hardship_not_met(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, **WAGE)
    html = login(client, bj.coordinator).get(reverse("cases:detail", args=[case.number]))
    form = html.content.decode().split('data-transition="accept_for_aid"')[1].split("</form>")[0]
    assert "hardship_not_met" not in form and "不符合经济困难标准" not in form
    assert 'value="exempt_42_3"' in form


# --- 11. the smaller ones ----------------------------------------------------------


@pytest.mark.django_db
def test_after_accepting_aid_the_confirmation_links_to_assigning_a_lawyer(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, **WAGE)
    login(client, bj.coordinator)
    response = client.post(
        reverse("cases:transition", args=[case.number, "accept_for_aid"]),
        {
            "accept_for_aid-expected_state": "received",
            "accept_for_aid-eligibility": "exempt_42_3",
        },
        follow=True,
    )
    html = response.content.decode()
    assert f'<a href="{reverse("cases:assign", args=[case.number])}">分派律师</a>' in html


@pytest.mark.django_db
def test_the_receipt_with_its_one_time_code_is_never_cached(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, **WAGE)
    response = login(client, bj.volunteer).get(reverse("cases:receipt", args=[case.number]))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_without_public_url_the_printed_receipt_uses_the_address_the_request_came_to(
    world, settings
):
    from cases.documents.generate import render_html

    settings.PUBLIC_URL = ""
    case = make_case(world.beijing.station, world.beijing.volunteer, **WAGE)
    html = render_html(case, "receipt", base_url="https://yizhan.example.org/")
    assert "https://yizhan.example.org/status/" in html
    assert "（/status/）" not in html


@pytest.mark.django_db
def test_the_arbitration_application_prints_the_legal_name_and_no_platform_as_occupation(world):
    from cases.documents.generate import render_html
    from cases.models import Party

    case = make_case(
        world.beijing.station,
        world.beijing.volunteer,
        worker={"platform": "unknown"},
        parties=[{"kind": Party.Kind.AGENCY, "name": "北京鑫源人力资源服务有限公司"}],
        **WAGE,
    )
    html = render_html(case, "arbitration_application")
    assert "北京鑫源人力资源服务有限公司（" not in html
    assert "不确定" not in html and "其他" not in html.split("职业")[1][:60]


@pytest.mark.django_db
def test_a_chosen_language_is_remembered_beyond_the_browser_session(client, world):
    login(client, world.beijing.volunteer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 300 * 24 * 3600
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9", follow=True)
    assert '<html lang="en">' in page.content.decode()


@pytest.mark.django_db
def test_a_chosen_language_follows_the_account_to_another_device(client, world):
    """The choice is saved on the account: a second browser that says it prefers Chinese
    and has never seen the switch shows English after sign-in; switching back to Chinese
    there is remembered on the account too."""
    from django.test import Client

    from accounts.models import LanguagePreference

    volunteer = world.beijing.volunteer
    login(client, volunteer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert LanguagePreference.objects.get(user=volunteer).language == "en"

    other = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert '<html lang="zh-hans">' in other.get(reverse("login")).content.decode()
    login(other, volunteer)
    page = other.get("/", follow=True)
    assert '<html lang="en">' in page.content.decode()
    assert other.cookies["django_language"].value == "en"

    other.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert LanguagePreference.objects.get(user=volunteer).language == "zh-hans"
    third = Client(HTTP_ACCEPT_LANGUAGE="en")
    login(third, volunteer)
    assert '<html lang="zh-hans">' in third.get("/", follow=True).content.decode()


# --- 9. the closing report: true order, names, written at archive time --------------


@pytest.mark.django_db
def test_the_closing_report_is_rewritten_at_archive_with_the_deadlines_archiving_settled(
    world,
):
    import datetime

    from cases.deadlines import bookkeeping
    from cases.documents.fill import _deadlines, _timeline
    from cases.workflow import apply_transition

    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.RESOLVED, lawyer=bj.lawyer, **WAGE)
    bookkeeping.record_milestone(case, "arbitration_filed", datetime.date.today(), bj.lawyer.user)
    before = _deadlines(case)
    assert before["deadline_counts"]["open"] >= 1
    make_document(case, kind="closing_report")
    apply_transition(case, "close", world.admin)

    assert case.documents.filter(kind="closing_report").count() == 2  # the final one, by the system
    after = _deadlines(case)
    assert after["deadline_counts"]["open"] == 0
    assert all("《" not in d["name"] and d["citation"] for d in after["deadlines"])
    texts = [row["text"] for row in _timeline(case)]
    # The milestone recorded after the resolution, the same day, comes after it.
    assert texts.index("申请劳动仲裁") > texts.index("律师办理中 → 已办结")


# --- 12. no Chinese left in the English case log ------------------------------------


@pytest.mark.django_db
def test_the_case_log_written_by_the_system_reads_in_english(client, world):
    import datetime
    import re

    from cases.deadlines import bookkeeping
    from cases.workflow import apply_transition

    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.RESOLVED, lawyer=bj.lawyer, **WAGE)
    bookkeeping.record_milestone(
        case, "arbitration_filed", datetime.date(2026, 11, 20), bj.lawyer.user
    )
    make_document(case, kind="receipt")
    make_document(case, kind="closing_report")
    apply_transition(case, "close", world.admin)
    client.cookies["django_language"] = "en"
    html = login(client, bj.coordinator).get(reverse("cases:detail", args=[case.number]))
    log = html.content.decode().split('id="timeline"')[1].split("</section>")[0]
    text = re.sub(r"<[^>]+>", " ", log)
    for name in (bj.lawyer.name, bj.coordinator.first_name, bj.volunteer.first_name, "root"):
        text = text.replace(name, "")
    assert not re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", text)
    assert "Arbitration" in text or "arbitration" in text


# --- 5. an archived case generates no documents -------------------------------------


@pytest.mark.django_db
def test_an_archived_case_offers_no_document_generation_and_refuses_it(client, world):
    from cases.documents.generate import DocumentRefused, generate

    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.CLOSED, lawyer=bj.lawyer, **WAGE)
    html = login(client, bj.coordinator).get(reverse("cases:detail", args=[case.number]))
    panel = html.content.decode().split('id="documents"')[1].split("</section>")[0]
    assert "/generate/" not in panel
    stored = case.documents.count()
    with pytest.raises(DocumentRefused):
        generate(case, "closing_report", bj.coordinator)
    response = client.post(reverse("cases:document_generate", args=[case.number, "closing_report"]))
    assert case.documents.count() == stored
    assert response.status_code in (302, 400, 403, 404)
