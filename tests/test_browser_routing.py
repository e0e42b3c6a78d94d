"""Headless Chromium: the coordinator auto-assigns, the lawyer accepts on a phone."""

import pytest

from cases.models import Case
from tests.conftest import DESKTOP, PHONE
from tests.helpers import browser_login, make_case, make_world

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_coordinator_auto_assigns_and_the_lawyer_accepts_on_a_phone(new_page, regions):
    world = make_world()
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)

    coordinator = new_page(DESKTOP)
    browser_login(coordinator, bj.coordinator.username)
    coordinator.goto(case.get_absolute_url())
    panel = coordinator.locator("#assignment-panel")
    assert bj.lawyer.name in panel.inner_text()
    assert "北京市 · 工伤 · 0/8 件" in panel.inner_text()
    panel.get_by_role("button", name="自动分配").click()
    coordinator.wait_for_load_state()
    assert f"已自动分配给律师{bj.lawyer.name}" in coordinator.locator(".messages").inner_text()

    lawyer = new_page(PHONE)
    browser_login(lawyer, bj.lawyer.user.username)
    assert lawyer.locator("h1").first.inner_text() == "我的案件"
    awaiting = lawyer.locator('[data-section="awaiting"]')
    assert case.number in awaiting.inner_text()
    awaiting.get_by_role("button", name="接案").click()
    lawyer.wait_for_load_state()
    assert "已接案" in lawyer.locator(".messages").inner_text()
    in_progress = lawyer.locator('[data-section="in_progress"]')
    assert case.number in in_progress.inner_text()
    assert lawyer.locator('[data-section="awaiting"]').count() == 0
    # The phone layout fits: nothing wider than the screen.
    assert lawyer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Filtering refreshes the rows in place.
    lawyer.select_option("#id_state", "assigned")
    lawyer.wait_for_function("() => !document.querySelector('[data-section=\"in_progress\"]')")
    assert "没有符合筛选条件的案件" in lawyer.locator("#queue-rows").inner_text()
