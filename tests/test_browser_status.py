"""A worker on a phone: enters the number, the code from the SMS, reads the case, leaves."""

import re

import pytest

from cases.models import Case
from tests.conftest import CHROMIUM_ARGS, PHONE  # noqa: F401 — PHONE is the 375×667 viewport
from tests.helpers import delivered_sms, make_case, make_world

pytestmark = pytest.mark.browser

NUMBER = "+8613912345678"


def latest_code():
    return re.search(r"\d{6}", delivered_sms(NUMBER, "status_code")).group()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_worker_checks_the_case_on_a_phone_and_logs_out(new_page):
    world = make_world()
    case = make_case(
        world.kunming.station,
        world.kunming.volunteer,
        worker={"phone": NUMBER},
        state=Case.State.IN_PROGRESS,
        lawyer=world.kunming.lawyer,
    )
    page = new_page(PHONE)
    page.goto("/status/")
    assert page.locator("h1").inner_text() == "查询案件进度"
    page.fill("#id_phone", "139 1234 5678")
    page.click("button[type=submit]")
    page.wait_for_url("**/status/verify/")
    assert "如果该号码登记过求助，验证码已发送" in page.inner_text("main")
    assert page.get_attribute("#id_code", "autocomplete") == "one-time-code"

    page.fill("#id_code", latest_code())
    page.click("button.primary")
    page.wait_for_url("**/status/cases/")
    main = page.inner_text("main")
    assert case.number in main
    assert "律师已接案，正在办理" in main
    assert world.kunming.lawyer.name in main
    assert world.kunming.station.phone in main
    assert fits_the_screen(page)

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/status/")
    assert "您已退出查询" in page.inner_text("main")
    page.goto("/status/cases/")
    assert case.number not in page.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_the_status_page_works_at_360_pixels_without_javascript(browser, live_server):
    world = make_world()
    case = make_case(world.beijing.station, worker={"phone": NUMBER})
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        java_script_enabled=False,
        base_url=live_server.url,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/status/")
        page.fill("#id_phone", "1391234567")  # one digit short
        page.click("button[type=submit]")
        assert "请输入正确的 11 位手机号" in page.inner_text("main")
        assert page.input_value("#id_phone") == "1391234567"
        page.fill("#id_phone", "13912345678")
        page.click("button[type=submit]")
        assert fits_the_screen(page)
        page.fill("#id_code", "000000" if latest_code() != "000000" else "111111")
        page.click("button.primary")
        assert "还可以再试 4 次" in page.inner_text("main")
        page.fill("#id_code", latest_code())
        page.click("button.primary")
        assert "已登记，工会正在审核您的求助" in page.inner_text("main")
        assert case.number in page.inner_text("main")
        assert fits_the_screen(page)
    finally:
        context.close()
