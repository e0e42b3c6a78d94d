"""Two unpaid-wage journeys in headless Chromium.

1. A collective unpaid-wage request is referred to labour inspection: the worker gets
   the referral by SMS and reads it on the status page; the coordinator closes it with
   a closing report.
2. A wage case is declined by the first lawyer offered it: the router offers it to the
   next lawyer, the coordinator sees why and where it went, the second lawyer accepts.

Real app (live_server), real database, real WeasyPrint. django-q2 runs with Q_SYNC=1
(pytest-env, pyproject.toml): async_task (notifications, SMS delivery) runs inline
through the same code path the cluster would run. Screenshots of every step are kept in
test-artifacts/<test name>/.
"""

import datetime
import re

import pytest
from django.utils import timezone

from cases.models import Case, Document, SmsMessage
from tests.conftest import DESKTOP, PHONE, TABLET
from tests.helpers import PASSWORD, make_case, make_consent, make_lawyer
from tests.journeys import (
    Steps,
    check_status,
    documents_row,
    generate_document,
    login,
    messages,
    open_action,
    state_label,
)

pytestmark = pytest.mark.browser

LABOUR_INSPECTION = "朝阳区人社局劳动保障监察大队"


@pytest.mark.django_db(transaction=True)
def test_a_collective_wage_claim_is_referred_and_the_worker_reads_where_to_go(
    new_page, world, request
):
    steps = Steps(request)
    make_consent()
    bj = world.beijing
    phone = "13811112204"

    volunteer = new_page(TABLET)
    login(volunteer, bj.volunteer.username, PASSWORD)
    volunteer.locator("a.button:has-text('登记求助')").click()
    volunteer.fill("#id_name", "钱大勇")
    volunteer.fill("#id_phone", phone)
    volunteer.select_option("#id_platform", "zto")
    volunteer.select_option("#id_arrangement", "agency")
    volunteer.check("input[name=claims][value=wage]")
    volunteer.fill(
        "#id_incident_date", (timezone.localdate() - datetime.timedelta(days=40)).isoformat()
    )
    volunteer.fill("#id_facts", "分拣站与 26 名工人同批被拖欠 9 月工资，站点负责人已失联。")
    volunteer.fill("#id_amount_claimed", "5200")
    volunteer.check("#id_consent")
    volunteer.click("button:has-text('保存并打印回执')")
    volunteer.wait_for_url(re.compile(r"/receipt/$"))
    number = volunteer.locator("#case-number").inner_text()
    steps.shot(volunteer, "receipt")

    coordinator = new_page(DESKTOP)
    login(coordinator, bj.coordinator.username, PASSWORD)
    card = coordinator.locator(f"#case-{number}")
    assert "欠薪" in card.inner_text()
    card.locator("summary:has-text('转介')").click()
    card.locator("input[name='refer-to']").fill(LABOUR_INSPECTION)
    card.locator("textarea[name='refer-reason']").fill("集体欠薪，劳动监察已立案，统一处理更快。")
    steps.shot(coordinator, "refer-form")
    with coordinator.expect_navigation():
        card.get_by_role("button", name="转介", exact=True).click()
    assert number in messages(coordinator)
    coordinator.goto(f"/cases/{number}/")
    assert state_label(coordinator) == "已转介"
    assert LABOUR_INSPECTION in coordinator.locator("#facts").inner_text()
    assert coordinator.locator("#worker-state-label").inner_text() == "已转介到其他机构办理"
    steps.shot(coordinator, "referred")

    # The worker hears where to go by SMS, and reads it on the status page.
    sms = SmsMessage.objects.get(template="case_referred")
    assert number in sms.body and LABOUR_INSPECTION in sms.body
    worker = new_page(PHONE)
    main = check_status(worker, phone)
    assert number in main
    assert "已转介到其他机构办理" in main
    assert LABOUR_INSPECTION in main
    steps.shot(worker, "worker-status")

    # A referred case is closed with a closing report, like any other.
    generate_document(coordinator, "结案报告")
    assert "已生成结案报告第 1 版" in messages(coordinator)
    # Archiving renders the final closing report: allow for a busy machine.
    with coordinator.expect_navigation(timeout=60_000):
        open_action(coordinator, "归档").get_by_role("button", name="归档结案").click()
    assert state_label(coordinator) == "已归档"
    # Archiving stores the final report (version 2) as the system (issue 13.9).
    reports = Document.objects.filter(case__number=number, kind="closing_report")
    assert reports.count() == 2
    assert reports.get(version=2).generated_by is None
    steps.shot(coordinator, "closed")


@pytest.mark.django_db(transaction=True)
def test_a_wage_case_declined_by_one_lawyer_goes_to_the_next_who_accepts(
    new_page, world, regions, request
):
    steps = Steps(request)
    bj = world.beijing
    # A district lawyer ranks before the city-wide one (region specificity).
    first = make_lawyer("lawyer_wang", regions=["110105"], name="王强")
    second = bj.lawyer
    case = make_case(
        bj.station,
        bj.volunteer,
        state=Case.State.ACCEPTED,
        claims=["wage"],
        worker={"name": "周强", "phone": "+8613811112205"},
        incident_date=timezone.localdate() - datetime.timedelta(days=60),
        parties=[{"kind": "agency", "name": "北京鑫源人力资源服务有限公司"}],
    )

    coordinator = new_page(DESKTOP)
    login(coordinator, bj.coordinator.username, PASSWORD)
    coordinator.get_by_role("link", name="分派律师").click()
    board = coordinator.locator("main")
    assert case.number in board.inner_text()
    steps.shot(coordinator, "board", readme="assignment-board")
    coordinator.goto(case.get_absolute_url())
    panel = coordinator.locator("#assignment-panel")
    suggestions = panel.locator("ol.suggestions li")
    assert "王强" in suggestions.nth(0).inner_text()
    assert second.name in suggestions.nth(1).inner_text()
    with coordinator.expect_navigation():
        panel.get_by_role("button", name="自动分配").click()
    assert "已自动分配给律师王强" in messages(coordinator)
    assert state_label(coordinator) == "待律师接案"

    # The first lawyer declines on a phone, with a reason.
    wang = new_page(PHONE)
    login(wang, first.user.username, PASSWORD)
    awaiting = wang.locator('[data-section="awaiting"]')
    assert case.number in awaiting.inner_text()
    awaiting.get_by_role("link", name="拒绝").click()
    wang.get_by_role("button", name="确认拒绝").click()
    assert "请填写拒绝理由" in wang.locator(".errorlist").inner_text()  # no reason, no decline
    wang.fill("#id_reason", "曾代理北京鑫源人力资源服务有限公司，存在利益冲突。")
    steps.shot(wang, "decline")
    with wang.expect_navigation():
        wang.get_by_role("button", name="确认拒绝").click()
    assert f"已拒绝案件 {case.number}" in messages(wang)
    assert wang.locator('[data-section="awaiting"]').count() == 0  # gone from the queue
    wang.goto(case.get_absolute_url())
    assert wang.locator("h1").inner_text() == "页面不存在"  # no longer theirs: a 404

    # The router offered it to the next lawyer; the coordinator sees why and where.
    coordinator.reload()
    assert state_label(coordinator) == "待律师接案"
    panel = coordinator.locator("#assignment-panel")
    assert second.name in panel.locator("p").first.inner_text()
    assert "王强 · 已拒绝：曾代理北京鑫源人力资源服务有限公司" in panel.inner_text()
    coordinator.goto("/cases/notifications/")
    notice = coordinator.locator("main").inner_text()
    assert "律师王强拒绝了案件" in notice and f"系统已自动分配给下一位律师{second.name}" in notice
    steps.shot(coordinator, "coordinator-notified")

    # The second lawyer accepts; the worker hears the lawyer's name.
    lawyer = new_page(PHONE)
    login(lawyer, second.user.username, PASSWORD)
    with lawyer.expect_navigation():
        lawyer.locator('[data-section="awaiting"]').get_by_role("button", name="接案").click()
    assert "已接案" in messages(lawyer)
    lawyer.get_by_role("link", name=case.number).click()
    assert state_label(lawyer) == "律师办理中"
    assert second.name in SmsMessage.objects.get(template="lawyer_accepted").body
    steps.shot(lawyer, "accepted")
    assert documents_row(lawyer, "授权委托书").count() == 1  # the new lawyer can file now
