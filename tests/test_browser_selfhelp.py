"""A worker at an unattended station asks for help from its QR code on a phone; the
station's volunteer completes the case; the worker follows it on /status/. And the
public pages (self-help, finder, status) pass axe in both languages and fit 320 px."""

import os
import re
import subprocess

import pytest
from playwright.sync_api import expect

from cases.management.demo import seed_structure
from cases.models import Case, SmsMessage
from cases.selfhelp import posters
from stations.models import Station
from tests.a11y import assert_accessible
from tests.conftest import PHONE, TABLET
from tests.helpers import browser_login, delivered_sms
from tests.journeys import README_SHOTS, Steps

pytestmark = pytest.mark.browser

NUMBER = "+8613912345678"
STATION = "BJ-110105-001"  # 望京骑迹工会驿站, the demo volunteer's station


def latest_code(template):
    body = delivered_sms(NUMBER, template)
    return re.search(r"\d{6}", body).group()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_worker_asks_for_help_alone_and_the_volunteer_completes_it(new_page, regions, request):
    seed_structure()
    steps = Steps(request)
    if os.environ.get("README_SCREENSHOTS"):
        poster = posters.render_poster(
            Station.objects.get(code=STATION), "https://legal.example.org"
        )
        pdf = steps.folder / "poster.pdf"
        pdf.write_bytes(poster)
        target = README_SHOTS / "poster"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", pdf, target], check=True)
    worker = new_page(PHONE)
    worker.goto(f"/s/{STATION}/")
    assert "望京骑迹工会驿站" in worker.inner_text("main")
    assert_accessible(worker, "self-help start")
    worker.fill("#id_phone", "139 1234 5678")
    worker.click("button.primary")
    worker.wait_for_url(f"**/s/{STATION}/verify/")
    assert_accessible(worker, "self-help code")
    worker.fill("#id_code", latest_code("selfhelp_code"))
    worker.click("button.primary")
    worker.wait_for_url(f"**/s/{STATION}/new/")

    worker.get_by_label("工资被拖欠或克扣").check()
    worker.fill("#id_employer", "美团 望京站")
    worker.fill("#id_amount", "三千五")  # the one mistake
    worker.fill("#id_facts", "站长说月底发工资，到现在两个月没发。")
    worker.fill("#id_name", "赵师傅")
    worker.check("#id_consent")
    worker.click("button.primary")
    error = worker.locator("#id_amount ~ .errorlist")
    assert "请输入金额数字" in error.inner_text()
    assert worker.input_value("#id_facts") == "站长说月底发工资，到现在两个月没发。"
    assert worker.input_value("#id_employer") == "美团 望京站"
    assert worker.is_checked("#id_consent")
    assert fits(worker)
    assert_accessible(worker, "self-help request with an error")
    worker.locator("#id_amount").scroll_into_view_if_needed()
    steps.shot(worker, "request-error", readme="selfhelp-error")
    worker.fill("#id_amount", "3500")
    worker.click("button.primary")
    worker.wait_for_url(f"**/s/{STATION}/done/**")

    case = Case.objects.get()
    assert case.self_reported and case.station.code == STATION
    receipt = worker.inner_text("main")
    assert case.number in receipt
    code = worker.inner_text("#access-code")
    assert re.fullmatch(r"\d{8}", code)
    assert fits(worker)
    assert_accessible(worker, "self-help receipt")
    steps.shot(worker, "receipt")

    staff = new_page(TABLET)
    browser_login(staff, "volunteer", "demo12345")
    staff.goto("/cases/")
    row = staff.locator("tr", has_text=case.number)
    assert "劳动者自助提交" in row.inner_text()
    row.get_by_role("link", name=case.number).click()
    assert staff.locator("#self-reported").is_visible()
    staff.click("#worker-edit summary")
    staff.fill("#id_worker-id_number", "11010519491231002X")
    staff.get_by_role("button", name="保存劳动者信息").click()
    assert "劳动者信息已更新" in staff.inner_text("main")
    staff.click("#party-add summary")
    staff.select_option("#id_party-kind", "agency")
    staff.fill("#id_party-name", "北京某某配送服务有限公司")
    staff.get_by_role("button", name="添加", exact=True).click()
    assert "北京某某配送服务有限公司" in staff.inner_text("#parties")
    staff.locator("#evidence input[value=pay_records]").check()
    staff.get_by_role("button", name="保存证据清单").click()
    timeline = staff.inner_text("#timeline")
    for line in ("工会已查看自助求助", "劳动者信息已更新", "添加对方当事人", "更新证据清单"):
        assert line in timeline, line
    assert SmsMessage.objects.filter(phone=NUMBER, template="selfhelp_seen").count() == 1

    # The phone was proven a few minutes ago: the status page opens without a new code.
    worker.goto("/status/")
    worker.wait_for_url("**/status/cases/")
    main = worker.inner_text("main")
    assert case.number in main and "已登记，工会正在审核您的求助" in main
    assert fits(worker)


@pytest.mark.django_db(transaction=True)
def test_near_me_asks_the_browser_and_lists_the_nearest_first(
    browser, live_server, regions, request
):
    seed_structure()
    steps = Steps(request)
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        locale="zh-CN",
        geolocation={"latitude": 39.9355, "longitude": 116.4490},  # WGS-84, by 三里屯
        permissions=["geolocation"],
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/stations/")
        page.get_by_role("button", name="找我附近的驿站").click()
        page.wait_for_url("**/stations/?*lat=*")
        names = page.locator(".station-card h2").all_inner_texts()
        assert names[:2] == ["三里屯快递小哥之家", "望京骑迹工会驿站"]
        assert "昆明" not in " ".join(names[:2])
        first = page.locator(".station-card").first
        assert (
            first.get_by_role("link", name="用高德地图导航")
            .get_attribute("href")
            .startswith("https://uri.amap.com/marker?position=116.4551%2C39.9371")
        )
        assert fits(page)
        steps.shot(page, "near-me", readme="finder")
        page.get_by_label("24 小时开放").check()
        page.get_by_role("button", name="按条件查找").click()
        expect(page.locator(".station-card h2")).to_have_text(
            ["三里屯快递小哥之家", "茨坝街道骑手温馨驿站"]
        )
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_the_finder_works_without_javascript_at_320_pixels(browser, live_server, regions):
    seed_structure()
    context = browser.new_context(
        viewport={"width": 320, "height": 640},
        java_script_enabled=False,
        base_url=live_server.url,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/stations/")
        assert not page.get_by_role("button", name="找我附近的驿站").is_visible()
        page.get_by_role("link", name="云南省").click()
        page.get_by_role("link", name="昆明市").click()
        page.get_by_role("link", name="盘龙区").click()
        expect(page.locator(".station-card h2")).to_have_text(
            ["盘龙区北京路新就业形态劳动者驿站", "茨坝街道骑手温馨驿站"]
        )
        assert fits(page)
        page.get_by_role("link", name="自助求助（没有工作人员时）").first.click()
        assert "没有工作人员？在这里向工会求助" in page.inner_text("h1")
        assert fits(page)
    finally:
        context.close()


PUBLIC_PAGES = [
    "/status/",
    f"/s/{STATION}/",
    "/s/NO-SUCH-STATION/",
    "/stations/",
    "/stations/?region=110105",
    "/stations/?lat=39.9965&lng=116.4807",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.django_db(transaction=True)
def test_the_public_pages_pass_axe_and_fit_320_pixels_in_both_languages(
    browser, live_server, regions, language
):
    seed_structure()
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, base_url=live_server.url, locale="zh-CN"
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        for path in PUBLIC_PAGES:
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language, path
            assert_accessible(page, f"{path} ({language})")
            assert fits(page), path
        # The request form itself, behind a proven phone.
        page.goto(f"/s/{STATION}/")
        page.fill("#id_phone", "13912345678")
        page.click("button.primary")
        page.wait_for_url("**/verify/")
        assert_accessible(page, f"verify ({language})")
        page.fill("#id_code", latest_code("selfhelp_code"))
        page.click("button.primary")
        page.wait_for_url("**/new/")
        assert_accessible(page, f"request form ({language})")
        assert fits(page)
        if language == "en":
            assert "What is the problem?" in page.inner_text("main")
    finally:
        context.close()
