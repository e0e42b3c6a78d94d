"""Bad input in headless Chromium: what a person sees when they get something wrong,
or reach for a case that is not theirs.

Real app (live_server), real database. django-q2 runs with Q_SYNC=1 (pytest-env,
pyproject.toml): any async_task runs inline through the same code path.
"""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from tests.conftest import PHONE, TABLET
from tests.helpers import PASSWORD, make_case, make_consent
from tests.journeys import Steps, login

pytestmark = pytest.mark.browser

TWELVE_MB = 12 * 1024 * 1024  # over one file's 10 MB, under a request's 25 MB


@pytest.mark.django_db(transaction=True)
def test_three_mistakes_at_intake_get_three_clear_messages_and_nothing_typed_is_lost(
    new_page, world, request, tmp_path
):
    steps = Steps(request)
    make_consent()
    bj = world.beijing
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    page = new_page(TABLET)
    login(page, bj.volunteer.username, PASSWORD)
    page.goto("/cases/intake/")
    page.fill("#id_name", "陈小军")
    page.fill("#id_phone", "1380013800")  # one digit short
    page.select_option("#id_platform", "eleme")
    page.select_option("#id_arrangement", "agency")
    page.check("input[name=claims][value=wage]")
    page.fill("#id_incident_date", tomorrow.isoformat())
    page.fill("#id_facts", "外包公司拖欠 8 月至 10 月三个月工资，共计 18600 元。")
    page.fill("#id_amount_claimed", "18600")
    page.select_option("#id_parties-0-kind", "agency")
    page.fill("#id_parties-0-name", "北京众包人力资源有限公司")
    page.check("input[name=evidence][value=pay_records]")
    # A path, not a buffer: Playwright hands a local file to Chromium without copying it.
    big = tmp_path / "工资条.pdf"
    with big.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(TWELVE_MB)
    page.set_input_files("#id_files", str(big))
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("button:has-text('保存并打印回执')")

    # Three messages, each next to its field, in plain Chinese.
    assert (
        page.locator("#field-phone .errorlist").inner_text()
        == "请输入有效的手机号，例如 13800138000"
    )
    assert page.locator("#field-incident_date .errorlist").inner_text() == "事发日期不能晚于今天。"
    too_big = page.locator("#field-files .errorlist").inner_text().replace("\xa0", " ")
    assert too_big == "“工资条.pdf”太大（12.0 MB），单个附件不能超过 10.0 MB。"
    assert page.locator(".errorlist[role=alert]").count() == 3
    assert "其余内容已保留" in page.locator("p.msg.error").inner_text()
    steps.shot(page, "three-errors", readme="intake-errors")

    # Everything else typed is still there (a file input cannot be refilled by a server).
    assert page.input_value("#id_name") == "陈小军"
    assert page.input_value("#id_phone") == "1380013800"
    assert page.input_value("#id_incident_date") == tomorrow.isoformat()
    assert page.input_value("#id_facts").startswith("外包公司拖欠")
    assert page.input_value("#id_amount_claimed") == "18600"
    assert page.input_value("#id_platform") == "eleme"
    assert page.input_value("#id_arrangement") == "agency"
    assert page.input_value("#id_parties-0-name") == "北京众包人力资源有限公司"
    assert page.is_checked("input[name=claims][value=wage]")
    assert page.is_checked("input[name=evidence][value=pay_records]")
    assert "请重新选择附件" in page.locator("#field-files").locator("xpath=..").inner_text()
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_lawyer_who_opens_a_case_of_another_region_gets_the_404_page(new_page, world, request):
    steps = Steps(request)
    kunming_case = make_case(
        world.kunming.station,
        state=Case.State.IN_PROGRESS,
        lawyer=world.kunming.lawyer,
        claims=["wage"],
    )
    page = new_page(PHONE)
    login(page, world.beijing.lawyer.user.username, PASSWORD)
    for url in [
        kunming_case.get_absolute_url(),
        f"/cases/{kunming_case.number}/milestones/new/",
        f"/cases/{kunming_case.number}/receipt/",
    ]:
        response = page.goto(url)
        assert response.status == 404, url
        assert page.locator("h1").inner_text() == "页面不存在"
        assert kunming_case.worker.name not in page.content()
    assert page.get_by_role("link", name="返回首页").is_visible()
    steps.shot(page, "not-found")
