"""Headless Chromium: a lawyer records an arbitration award received date and the
15-day suit deadline appears on the case page with the right date and citation."""

import pytest

from cases.models import Case
from cases.notices.notify import notify_user
from tests.conftest import DESKTOP, PHONE
from tests.helpers import browser_login, make_case, make_world

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_lawyer_records_an_award_and_sees_the_suit_deadline(new_page, viewport):
    world = make_world()
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        claims=["wage"],
    )
    page = new_page(viewport)
    browser_login(page, world.beijing.lawyer.user.username)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="记录程序节点").click()
    page.select_option("#id_kind", label="收到仲裁裁决（非终局）")
    page.fill("#id_date", "2026-09-15")
    page.fill("#id_note", "邮寄送达")
    page.get_by_role("button", name="保存并计算期限").click()
    page.wait_for_load_state()
    panel = page.locator("#deadlines-panel")
    row = panel.locator("li[data-rule='labor.suit_after_award']")
    assert "不服仲裁裁决起诉" in row.inner_text()
    assert row.locator(".due").inner_text() == "2026-09-30"
    assert "我方须办理" in row.inner_text()
    # The citation is shown on tap.
    row.locator("details.citation summary").click()
    assert (
        "《劳动争议调解仲裁法》第四十八条、第五十条" in row.locator("details.citation").inner_text()
    )
    assert row.locator(".overdue").count() == 1  # 2026-09-30 has passed: in red
    assert "已记录" in page.locator(".messages").inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_bad_date_is_explained_next_to_the_field_and_the_note_stays(new_page):
    world = make_world()
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        claims=["wage"],
    )
    page = new_page(PHONE)
    browser_login(page, world.beijing.lawyer.user.username)
    page.goto(f"/cases/{case.number}/milestones/new/")
    page.select_option("#id_kind", value="award_received")
    page.fill("#id_date", "2099-01-01")
    page.fill("#id_note", "我写的备注")
    page.get_by_role("button", name="保存并计算期限").click()
    assert "不能晚于今天" in page.locator("#error-date").inner_text()
    assert page.input_value("#id_note") == "我写的备注"


@pytest.mark.django_db(transaction=True)
def test_the_bell_counts_unread_and_clears_when_read(new_page):
    world = make_world()
    user = world.beijing.coordinator
    notify_user(user, "期限提醒：测试")
    page = new_page(PHONE)
    browser_login(page, user.username)
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.locator("a.bell").click()
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("unread-count").count() == 0
