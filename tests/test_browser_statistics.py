"""Headless Chromium: the analyst drills from the whole country to 朝阳区 and downloads
the monthly report; the coordinator follows a figure to its cases. Both pages pass axe
and fit a phone."""

import pytest
from openpyxl import load_workbook

from cases.models import Case
from tests.a11y import assert_accessible
from tests.conftest import DESKTOP, PHONE
from tests.helpers import browser_login, make_analyst, make_case, make_world

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_analyst_drills_down_and_the_coordinator_follows_a_figure(new_page, regions, tmp_path):
    world = make_world()
    bj, km = world.beijing, world.kunming
    for i in range(7):
        make_case(
            bj.station, bj.volunteer, claims=[["wage"], ["injury"]][i % 2], amount_claimed=2000 + i
        )
    make_case(km.station, km.volunteer, state=Case.State.REFERRED)
    analyst = make_analyst("", "analyst_national")

    page = new_page(DESKTOP)
    browser_login(page, analyst.username)
    assert "全国" in page.locator("h1").inner_text()  # the analyst lands on the statistics
    assert_accessible(page, "statistics, national")
    page.locator('[data-partition="children"]').get_by_role("link", name="北京市").click()
    page.wait_for_load_state()
    assert "北京市" in page.locator("h1").inner_text()
    page.locator('[data-partition="children"]').get_by_role("link", name="朝阳区").click()
    page.wait_for_load_state()
    assert "朝阳区" in page.locator("h1").inner_text()
    assert "<5" in page.locator('[data-partition="claim"]').inner_text()  # 3 injury cases
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 XLSX").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert "朝阳区" in sheet["A1"].value
    assert_accessible(page, "statistics, district")

    phone = new_page(PHONE)
    browser_login(phone, bj.coordinator.username)
    phone.goto("/stats/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    claims = phone.locator('[data-partition="claim"]')
    claims.get_by_role("link", name="欠薪：4 件，查看案件").click()
    phone.wait_for_load_state()
    assert "统计数字背后的案件" in phone.locator("h1").inner_text()
    rows = phone.locator("tbody tr")
    assert rows.count() == 4
    assert "****" in rows.first.inner_text()  # the phone masked
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(phone, "cases behind a figure")
