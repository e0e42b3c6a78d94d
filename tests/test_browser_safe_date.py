"""Headless Chromium on a phone: a lawyer records that the worker learned of the
infringement on 2026-01-01; the one-year arbitration limitation ends on 元旦 2027, before
the 2027 holiday schedule is known, so it is due Mon 01-04, provisionally. The case page
and then the worker's status page show the day to act by, "最晚请在…前办理（暂定）", on a
375-pixel screen without sideways scrolling."""

import re

import pytest

from cases.models import Case
from tests.a11y import assert_accessible
from tests.conftest import PHONE
from tests.helpers import browser_login, delivered_sms, make_case, make_world

pytestmark = pytest.mark.browser

NUMBER = "+8613912345678"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_the_lawyer_and_the_worker_both_read_the_day_to_act_by(new_page):
    world = make_world()
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        worker={"phone": NUMBER},
        claims=["wage", "labor"],
    )
    page = new_page(PHONE)
    browser_login(page, world.beijing.lawyer.user.username)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="记录程序节点").click()
    page.select_option("#id_kind", label="知道权利被侵害")
    page.fill("#id_date", "2026-01-01")
    page.get_by_role("button", name="保存并计算期限").click()
    page.wait_for_load_state()
    row = page.locator("#deadlines-panel li[data-rule='labor.arbitration_limitation']")
    assert "申请劳动仲裁" in row.inner_text()
    assert row.locator(".due").inner_text() == "2027-01-04"
    assert row.locator(".safe-date").inner_text() == "最晚请在 2027-01-01 前办理（暂定）"
    assert fits_the_screen(page)

    worker = new_page(PHONE)
    worker.goto("/status/")
    worker.fill("#id_phone", NUMBER)
    worker.click("button[type=submit]")
    worker.wait_for_url("**/status/verify/")
    body = delivered_sms(NUMBER, "status_code")  # the stored copy masks the code
    worker.fill("#id_code", re.search(r"\d{6}", body).group())
    worker.click("button.primary")
    worker.wait_for_url("**/status/cases/")
    assert worker.locator(".status-safe-date").inner_text() == "最晚请在2027年1月1日前办理（暂定）"
    assert "申请劳动仲裁" in worker.locator(".status-deadline").inner_text()
    assert fits_the_screen(worker)
    assert_accessible(worker, "status page with a safe date")
