"""A volunteer registers a request on a tablet, fixes a bad phone number, prints the
receipt; the coordinator accepts it for legal aid. Headless Chromium."""

import re

import pytest

from cases.models import Case
from tests.conftest import DESKTOP, TABLET
from tests.helpers import browser_login, make_consent

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_volunteer_fixes_a_bad_phone_and_the_coordinator_accepts_the_case(new_page, world):
    make_consent()
    bj = world.beijing

    page = new_page(TABLET)
    browser_login(page, bj.volunteer.username)
    page.click("text=登记求助")
    page.fill("#id_name", "陈小军")
    page.fill("#id_phone", "1380013800")  # one digit short
    page.select_option("#id_platform", "eleme")
    page.select_option("#id_arrangement", "agency")
    page.check("input[name=claims][value=wage]")
    page.fill("#id_incident_date", "2026-09-30")
    page.fill("#id_facts", "外包公司拖欠 8 月至 10 月三个月工资，共计 18600 元。")
    page.fill("#id_amount_claimed", "18600")
    page.select_option("#id_parties-0-kind", "agency")
    page.fill("#id_parties-0-name", "北京众包人力资源有限公司")
    page.check("input[name=evidence][value=pay_records]")
    page.check("#id_consent")
    page.click("button:has-text('保存并打印回执')")

    error = page.locator("#field-phone .errorlist")
    assert error.inner_text() == "请输入有效的手机号，例如 13800138000"
    assert error.is_visible()
    # everything else typed is still there
    assert page.input_value("#id_name") == "陈小军"
    assert page.input_value("#id_facts").startswith("外包公司拖欠")
    assert page.input_value("#id_parties-0-name") == "北京众包人力资源有限公司"
    assert page.is_checked("input[name=claims][value=wage]")
    assert page.is_checked("input[name=evidence][value=pay_records]")
    assert page.input_value("#id_platform") == "eleme"
    assert not Case.objects.exists()

    page.fill("#id_phone", "13800138000")
    page.check("#id_consent")
    page.click("button:has-text('保存并打印回执')")
    page.wait_for_url(re.compile(r"/cases/110105-2026-\d{5}/receipt/$"))
    number = page.locator("#case-number").inner_text()
    code = page.locator("#access-code").inner_text()
    assert re.fullmatch(r"110105-2026-\d{5}", number)
    assert re.fullmatch(r"\d{8}", code)
    assert "138****8000" in page.content()

    coordinator = new_page(DESKTOP)
    browser_login(coordinator, bj.coordinator.username)
    assert coordinator.locator("h1").first.inner_text() == "待审案件"
    card = coordinator.locator(f"#case-{number}")
    assert "陈小军" in card.inner_text() and "欠薪" in card.inner_text()
    card.locator("summary:has-text('受理法律援助')").click()
    exemption = card.locator("input[name='accept_for_aid-eligibility'][value=exempt_42_3]")
    assert exemption.is_checked()  # 法律援助法 第四十二条第三项: pay claim, no hardship check
    card.locator("button:has-text('受理援助')").click()
    coordinator.wait_for_load_state()
    assert number in coordinator.locator(".messages").inner_text()
    coordinator.goto(f"/cases/{number}/")
    assert coordinator.locator("#case-state").inner_text() == "已受理援助"
    assert coordinator.locator("#worker-state-label").inner_text() == "已受理，正在为您安排律师"


@pytest.mark.django_db(transaction=True)
def test_attachments_over_the_request_limit_are_caught_before_sending(new_page, world, tmp_path):
    """Over MAX_REQUEST_BYTES the server answers with a page of its own; the page says so
    at the files field first, and nothing typed is lost."""
    make_consent()
    page = new_page(TABLET)
    browser_login(page, world.beijing.volunteer.username)
    page.goto("/cases/intake/")
    page.fill("#id_name", "陈小军")
    big = tmp_path / "合同扫描.pdf"
    with big.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(30 * 1024 * 1024)
    page.set_input_files("#id_files", str(big))
    page.click("button:has-text('保存并打印回执')")
    error = page.locator("#error-files-total")
    assert error.inner_text().replace("\xa0", " ") == (
        "所选附件合计超过 25.0 MB，请少选几个，其余的登记后在案件页面上传。"
    )
    assert page.url.endswith("/cases/intake/") and page.input_value("#id_name") == "陈小军"
    assert not Case.objects.exists()
