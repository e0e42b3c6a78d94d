"""The whole injury journey in headless Chromium, as its people live it.

A volunteer on a tablet logs the rider-hits-taxi request and prints the receipt PDF;
the coordinator accepts it for aid and auto-assigns; the lawyer on a phone accepts,
records the 工伤认定 decision, reads the reconsideration and lawsuit deadlines with
their citations, generates the power of attorney and the arbitration application;
the worker checks the status on a 375×667 phone with an SMS code; the lawyer resolves
with the amount recovered; the coordinator generates the closing report and closes.

Real app (live_server), real database, real WeasyPrint. django-q2 runs with Q_SYNC=1
(pytest-env, pyproject.toml): every async_task (SMS delivery, notifications) runs
inline through the same code path the cluster would run, right after the commit.
Each step asserts what the person checks with their eyes and leaves a screenshot in
test-artifacts/<test name>/.
"""

import datetime
import re

import pytest
from django.utils import timezone

from cases.deadlines import counting
from cases.deadlines.workdays import load_calendar
from cases.models import Case, Document, SmsMessage
from tests.conftest import DESKTOP, PHONE, TABLET
from tests.helpers import PASSWORD, make_consent
from tests.journeys import (
    Steps,
    check_status,
    documents_row,
    fits_the_screen,
    generate_document,
    login,
    messages,
    open_action,
    state_label,
)

pytestmark = pytest.mark.browser

WORKER_PHONE = "13811112299"


def ymd(date: datetime.date) -> str:
    return date.isoformat()


@pytest.mark.django_db(transaction=True)
def test_an_injury_case_from_the_station_to_the_closing_report(new_page, world, regions, request):
    steps = Steps(request)
    make_consent()
    bj = world.beijing
    today = timezone.localdate()
    accident = today - datetime.timedelta(days=40)
    decided = today - datetime.timedelta(days=3)

    # --- 1. The volunteer logs the request at the station (tablet) ----------------------
    volunteer = new_page(TABLET)
    login(volunteer, bj.volunteer.username, PASSWORD)
    volunteer.locator("a.button:has-text('登记求助')").click()
    volunteer.fill("#id_name", "马建军")
    volunteer.fill("#id_phone", WORKER_PHONE)
    volunteer.select_option("#id_platform", "meituan")
    volunteer.select_option("#id_arrangement", "crowd")
    volunteer.check("input[name=claims][value=injury]")
    volunteer.check("input[name=claims][value=tort]")
    volunteer.fill("#id_incident_date", ymd(accident))
    volunteer.fill(
        "#id_facts",
        "送外卖途中在阜通东大街与一辆右转的出租车相撞，右脚跖骨骨折，住院 9 天。"
        "交警认定出租车司机负主要责任。",
    )
    volunteer.fill("#id_amount_claimed", "68000")
    volunteer.select_option("#id_parties-0-kind", "platform")
    volunteer.fill("#id_parties-0-name", "北京三快在线科技有限公司")
    volunteer.check("input[name=evidence][value=medical_records]")
    volunteer.check("#id_consent")
    steps.shot(volunteer, "intake-filled", readme="intake")
    volunteer.click("button:has-text('保存并打印回执')")
    volunteer.wait_for_url(re.compile(r"/cases/110105-\d{4}-\d{5}/receipt/$"))
    number = volunteer.locator("#case-number").inner_text()
    assert re.fullmatch(r"\d{8}", volunteer.locator("#access-code").inner_text())
    assert "138****2299" in volunteer.inner_text("main")
    assert "已登记，工会正在审核您的求助" in volunteer.inner_text("main")
    steps.shot(volunteer, "receipt", readme="receipt")
    case = Case.objects.get(number=number)
    # The worker got the receipt SMS with the case number (and the access code).
    assert number in SmsMessage.objects.get(template="case_received").body

    # --- 2. …and prints the receipt PDF ---------------------------------------------------
    # Headless Chromium downloads a PDF rather than showing it: check the response.
    # (Two PDFs and a Word copy: seconds on a shared, busy machine.)
    with volunteer.expect_response(
        re.compile(r"/documents/receipt/generate/$"), timeout=60_000
    ) as info:
        volunteer.get_by_role("button", name="生成 PDF 回执").click(timeout=60_000)
    response = info.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    receipt = Document.objects.get(case=case, kind="receipt")
    assert receipt.version == 1 and receipt.size > 1000

    # --- 3. The coordinator accepts it for legal aid and auto-assigns (office PC) -------
    coordinator = new_page(DESKTOP)
    login(coordinator, bj.coordinator.username, PASSWORD)
    card = coordinator.locator(f"#case-{number}")
    assert "马建军" in card.inner_text() and "工伤" in card.inner_text()
    steps.shot(coordinator, "triage", readme="triage")
    card.locator("summary:has-text('受理法律援助')").click()
    assert card.locator("input[value=exempt_42_3]").is_checked()
    with coordinator.expect_navigation():
        card.get_by_role("button", name="受理援助").click()
    assert number in messages(coordinator)
    # Accepted cases leave the triage list; the coordinator opens the case itself.
    coordinator.goto(f"/cases/{number}/")
    assert state_label(coordinator) == "已受理援助"
    panel = coordinator.locator("#assignment-panel")
    assert bj.lawyer.name in panel.inner_text()
    with coordinator.expect_navigation():
        panel.get_by_role("button", name="自动分配").click()
    assert f"已自动分配给律师{bj.lawyer.name}" in messages(coordinator)
    assert state_label(coordinator) == "待律师接案"
    steps.shot(coordinator, "assigned")

    # --- 4. The lawyer accepts on a phone ---------------------------------------------------
    lawyer = new_page(PHONE)
    login(lawyer, bj.lawyer.user.username, PASSWORD)
    awaiting = lawyer.locator('[data-section="awaiting"]')
    assert number in awaiting.inner_text()
    with lawyer.expect_navigation():
        awaiting.get_by_role("button", name="接案").click()
    assert "已接案" in messages(lawyer)
    steps.shot(lawyer, "queue", readme="lawyer-queue")
    lawyer.locator('[data-section="in_progress"]').get_by_role("link", name=number).click()
    assert state_label(lawyer) == "律师办理中"
    assert fits_the_screen(lawyer)

    # --- 5. …records the 工伤认定 decision and reads the deadlines ------------------------
    lawyer.get_by_role("link", name="记录程序节点").click()
    lawyer.select_option("#id_kind", label="收到工伤认定决定")
    lawyer.fill("#id_date", ymd(decided))
    lawyer.fill("#id_note", "人社局决定不予认定工伤，邮寄送达")
    with lawyer.expect_navigation():
        lawyer.get_by_role("button", name="保存并计算期限").click()
    assert "收到工伤认定决定" in messages(lawyer)
    calendar = load_calendar()
    for code, citation in [
        ("admin.reconsideration", "《行政复议法》第二十条第一款"),
        ("admin.lawsuit", "《行政诉讼法》第四十六条第一款"),
    ]:
        due = counting.compute(code, decided, calendar).due
        row = lawyer.locator(f"#deadlines-panel li[data-rule='{code}']")
        assert row.locator(".due").inner_text() == ymd(due), code
        assert "我方须办理" in row.inner_text()
        row.locator("details.citation summary").click()
        assert citation in row.locator("details.citation").inner_text()
    steps.shot(lawyer, "deadlines", readme="deadlines", element=lawyer.locator("#deadlines-panel"))

    # --- 6. …generates the power of attorney and the arbitration application -----------
    for label in ["授权委托书", "劳动人事争议仲裁申请书"]:
        generate_document(lawyer, label)
        assert f"已生成{label}第 1 版" in messages(lawyer)
        versions = documents_row(lawyer, label).locator(".doc-versions")
        assert "v1" in versions.inner_text()
        assert versions.get_by_role("link", name="下载 PDF").count() == 1
        assert versions.get_by_role("link", name="下载 Word").count() == 1
    assert set(
        Document.objects.filter(case=case).exclude(kind="receipt").values_list("kind", flat=True)
    ) == {"power_of_attorney", "arbitration_application"}
    steps.shot(lawyer, "documents", readme="documents", element=lawyer.locator("#documents"))

    # --- 7. The worker checks the status on their own phone (375×667) ----------------------
    worker = new_page(PHONE)
    main = check_status(worker, WORKER_PHONE)
    assert number in main
    assert "律师已接案，正在办理" in main
    assert bj.lawyer.name in main
    assert bj.station.phone in main
    assert fits_the_screen(worker)
    steps.shot(worker, "worker-status", readme="status")

    # --- 8. The lawyer resolves with the amount recovered ----------------------------------
    lawyer.reload()
    action = open_action(lawyer, "办结")
    action.locator("select[name='resolve-outcome']").select_option(label="自行和解（和解协议）")
    action.locator("input[name='resolve-amount_recovered']").fill("52000")
    action.locator("textarea[name='resolve-outcome_note']").fill("出租车保险公司与平台调解赔付。")
    with lawyer.expect_navigation():
        action.get_by_role("button", name="办结").click()
    assert state_label(lawyer) == "已办结"
    assert "52000" in lawyer.locator("#facts").inner_text()
    steps.shot(lawyer, "resolved")
    assert "已办结" in SmsMessage.objects.filter(template="case_resolved").get().body

    # --- 9. The coordinator generates the closing report and closes the case -------------
    coordinator.goto(f"/cases/{number}/")
    assert state_label(coordinator) == "已办结"
    generate_document(coordinator, "结案报告")
    assert "已生成结案报告第 1 版" in messages(coordinator)
    # The worker-side deadlines still open are listed before anything is waived; the
    # coordinator confirms they are no longer needed (the worker settled).
    close = open_action(coordinator, "归档")
    reconsideration = counting.compute("admin.reconsideration", decided, calendar).due
    assert ymd(reconsideration) in close.inner_text()
    close.get_by_label("以上期限已无需办理：已届满的记为错过，其余免除").check()
    steps.shot(coordinator, "close-confirm")
    # Archiving renders the final closing report: allow for a busy machine.
    with coordinator.expect_navigation(timeout=60_000):
        close.get_by_role("button", name="归档结案").click()
    assert state_label(coordinator) == "已归档"
    assert "v1" in documents_row(coordinator, "结案报告").inner_text()
    assert Document.objects.filter(case=case, kind="closing_report").exists()
    steps.shot(coordinator, "closed", readme="case-closed")
