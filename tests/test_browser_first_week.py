"""Issue 13, the visual defects, in a real browser on a 375×667 phone."""

import pytest

from cases.models import Case
from tests.conftest import PHONE
from tests.helpers import browser_login, make_case, make_world

pytestmark = pytest.mark.browser


def in_view(page, selector) -> bool:
    box = page.locator(selector).first.bounding_box()
    return (
        box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE["height"]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_milestone_reference_fits_a_phone_and_the_save_button_stays_reachable(new_page, locale):
    world = make_world()
    case = make_case(
        world.beijing.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.beijing.lawyer,
        claims=["wage"],
    )
    page = new_page(PHONE, locale=locale)
    browser_login(page, world.beijing.lawyer.user.username)
    page.goto(f"/cases/{case.number}/milestones/new/")
    page.locator("#milestone-reference > summary").click()
    page.locator(".milestone-reference-others > summary").click()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width} px wide"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 9000, f"page is {height} px tall"
    text = page.locator("#milestone-reference").inner_text()
    assert "arbitration_filed" not in text and "knew_infringement ·" not in text
    # The save button is the topmost element where it is drawn: it can be tapped.
    button = page.locator("form button.primary")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('button.primary') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_shows_where_the_page_lands_after_a_save(new_page):
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
    page.select_option("#id_kind", value="arbitration_filed")
    page.fill("#id_date", "2026-11-20")
    page.get_by_role("button", name="保存并计算期限").click()
    page.wait_for_load_state()
    assert page.url.endswith("#deadlines-panel")
    assert "已记录" in page.locator(".messages").inner_text()
    assert in_view(page, ".messages")

    page.goto(case.get_absolute_url())
    page.locator("#doc-power_of_attorney button", has_text="生成").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("#documents")
    assert in_view(page, ".messages")


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_in_english_the_language_switch_and_the_badges_stay_on_one_line(new_page):
    world = make_world()
    case = make_case(world.beijing.station, state=Case.State.ACCEPTED, claims=["wage"])
    page = new_page(PHONE, locale="en-US")
    browser_login(page, world.beijing.coordinator.username)
    page.goto(case.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "en"
    brand = page.locator(".topbar .brand").bounding_box()
    switch = page.locator(".topbar .lang button").bounding_box()
    assert abs(switch["y"] + switch["height"] / 2 - (brand["y"] + brand["height"] / 2)) < 12
    for badge in page.locator("#deadlines-panel .badge").all():
        box = badge.bounding_box()
        line = float(badge.evaluate("b => parseFloat(getComputedStyle(b).lineHeight) || 20"))
        assert box["height"] < 1.8 * line, badge.inner_text()
