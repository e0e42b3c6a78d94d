"""axe-core on every page a user can reach, in each role, in both languages, on a phone.

One browser page per role and language walks that role's pages, including pages with
a confirmation or with form errors showing; every page is scanned and the test fails
on any critical or serious violation (tests/a11y.py). The public self-help and finder
pages are scanned in test_browser_selfhelp.py; the 2FA pages in
test_browser_two_factor.py.

The counts found (by impact, every violation) are written to
test-artifacts/a11y-<language>.json for the closing note of a change.
"""

import datetime
import json
import re

import pytest

from cases.deadlines import bookkeeping
from cases.models import Case
from tests.a11y import BLOCKING, scan
from tests.conftest import ARTIFACTS, PHONE
from tests.helpers import (
    PASSWORD,
    browser_login,
    delivered_sms,
    make_analyst,
    make_case,
    make_consent,
    make_document,
    make_world,
)

pytestmark = pytest.mark.browser

NUMBER = "+8613912345678"


class Sweep:
    """Scans pages and keeps every violation, by page."""

    def __init__(self, language):
        self.language = language
        self.pages: dict[str, list[dict]] = {}

    def check(self, page, label):
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == self.language, label
        self.pages[f"{label} ({self.language})"] = scan(page)

    def blocking(self):
        out = {}
        for label, found in self.pages.items():
            bad = [
                f"{v['impact']} {v['id']} at {v['nodes']}" for v in found if v["impact"] in BLOCKING
            ]
            if bad:
                out[label] = bad
        return out

    def counts(self):
        impacts = {}
        for found in self.pages.values():
            for v in found:
                impacts[v["impact"]] = impacts.get(v["impact"], 0) + 1
        return {"pages": sorted(self.pages), "violations": impacts}


def role_page(browser, live_server, language):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(10_000)
    return context, context.new_page()


def world_with_cases():
    world = make_world()
    bj = world.beijing
    wage = {"claims": ["wage"], "facts": "拖欠三个月工资共一万二千元。"}
    cases = {
        "received": make_case(bj.station, bj.volunteer, **wage),
        "accepted": make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED, **wage),
        "assigned": make_case(
            bj.station, bj.volunteer, state=Case.State.ASSIGNED, lawyer=bj.lawyer, **wage
        ),
        "in_progress": make_case(
            bj.station,
            bj.volunteer,
            state=Case.State.IN_PROGRESS,
            lawyer=bj.lawyer,
            worker={"phone": NUMBER},
            **wage,
        ),
        "resolved": make_case(
            bj.station, bj.volunteer, state=Case.State.RESOLVED, lawyer=bj.lawyer, **wage
        ),
    }
    bookkeeping.record_milestone(
        cases["in_progress"], "employment_ended", datetime.date(2026, 10, 31), bj.lawyer.user
    )
    make_document(cases["resolved"], kind="receipt")
    return world, cases


def sweep_volunteer(page, world, cases, sweep):
    bj = world.beijing
    page.goto("/login/")
    sweep.check(page, "login")
    page.fill("#id_username", bj.volunteer.username)
    page.fill("#id_password", "wrong-password-1")
    page.click("button[type=submit]")
    sweep.check(page, "login with an error")
    browser_login(page, bj.volunteer.username, PASSWORD)
    sweep.check(page, "volunteer home (station cases)")
    page.goto("/cases/intake/")
    sweep.check(page, "intake")
    page.locator("#intake-form button.primary").click()
    sweep.check(page, "intake with errors")
    page.fill("#id_name", "李大壮")
    page.fill("#id_phone", "13800138000")
    page.select_option("#id_platform", "unknown")
    page.check("input[name=claims][value=wage]")
    page.fill("#id_incident_date", "2026-11-02")
    page.fill("#id_facts", "拖欠两个月工资。")
    page.check("#id_consent")
    page.locator("#intake-form button.primary").click()
    page.wait_for_url("**/receipt/")
    sweep.check(page, "receipt")
    page.goto(cases["received"].get_absolute_url())
    sweep.check(page, "case page (received)")
    page.fill("#id_text", "已电话联系劳动者。")
    page.locator("#timeline button[type=submit]").click()
    sweep.check(page, "case page with a confirmation")
    for path, label in [
        ("/cases/posters/", "station posters"),
        ("/cases/notifications/", "notifications"),
        ("/account/", "account security"),
        ("/account/password/", "change password"),
    ]:
        page.goto(path)
        sweep.check(page, label)


def sweep_coordinator(page, world, cases, sweep):
    bj = world.beijing
    browser_login(page, bj.coordinator.username)
    for path, label in [
        ("/cases/triage/", "triage board"),
        ("/cases/assignments/", "assignment board"),
        (f"/cases/{cases['accepted'].number}/assign/", "assign a lawyer"),
        ("/cases/deadlines/", "deadline board"),
        ("/cases/closing-reports/", "closing reports"),
        (cases["resolved"].get_absolute_url(), "case page (resolved, archive blocked)"),
        (f"/cases/{cases['received'].number}/worker/", "the worker's data"),
        ("/stats/", "statistics overview"),
        ("/stats/sources/", "statistics: sources"),
        ("/stats/flow/", "statistics: flow"),
        ("/stats/outcomes/", "statistics: outcomes"),
        ("/stats/lawyers/", "statistics: lawyers"),
        ("/stats/cases/?key=claim&value=wage", "statistics: cases behind a figure"),
    ]:
        page.goto(path)
        sweep.check(page, label)
    page.goto(cases["received"].get_absolute_url())
    sweep.check(page, "case page (received, to accept)")
    form = page.locator("form[data-transition=accept_for_aid]")
    form.locator("xpath=ancestor::details").locator("summary").click()
    form.locator("input[value=hardship_met]").check()
    form.locator("button[type=submit]").click()
    sweep.check(page, "case page after accepting aid")
    page.goto(cases["resolved"].get_absolute_url())
    refer = page.locator("form[data-transition=reopen]")
    refer.locator("xpath=ancestor::details").locator("summary").click()
    refer.locator("button[type=submit]").click()
    sweep.check(page, "case page with a transition error")


def sweep_lawyer(page, world, cases, sweep):
    bj = world.beijing
    number = cases["in_progress"].number
    browser_login(page, bj.lawyer.user.username)
    deadline = cases["in_progress"].deadlines.first()
    for path, label in [
        ("/cases/queue/", "lawyer queue"),
        (cases["in_progress"].get_absolute_url(), "case page (in progress)"),
        (f"/cases/{cases['assigned'].number}/decline/", "decline"),
        (f"/cases/{number}/deadlines/{deadline.pk}/", "a deadline"),
        (f"/cases/{number}/particulars/", "document particulars"),
        (f"/cases/{number}/calculate/", "calculator"),
        ("/cases/calendar/", "calendar feed"),
        ("/cases/handed-over/", "handed over"),
        ("/lawyers/me/", "lawyer profile"),
        ("/lawyers/me/availability/", "availability"),
    ]:
        page.goto(path)
        sweep.check(page, label)
    page.goto(f"/cases/{number}/milestones/new/")
    page.locator("#milestone-reference > summary").click()
    sweep.check(page, "record a milestone, reference open")
    page.locator("form button.primary").click()
    sweep.check(page, "record a milestone with errors")
    page.select_option("#id_kind", "arbitration_filed")
    page.fill("#id_date", "2026-11-20")
    page.locator("form button.primary").click()
    sweep.check(page, "case page after saving a milestone")


def sweep_analyst(page, sweep, analyst):
    browser_login(page, analyst.username)
    page.goto("/stats/")
    sweep.check(page, "statistics overview (analyst)")


def sweep_worker(page, sweep):
    page.goto("/status/")
    sweep.check(page, "status: step 1")
    page.fill("#id_phone", "139 1234 5678")
    page.click("button[type=submit]")
    page.wait_for_url("**/status/verify/")
    sweep.check(page, "status: step 2")
    page.fill("#id_code", "000000")
    page.click("button.primary")
    sweep.check(page, "status: step 2 with an error")
    code = re.search(r"\d{6}", delivered_sms(NUMBER, "status_code")).group()
    page.fill("#id_code", code)
    page.click("button.primary")
    page.wait_for_url("**/status/cases/")
    sweep.check(page, "status: step 3")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.django_db(transaction=True)
def test_every_page_a_user_reaches_has_no_serious_accessibility_violation(
    browser, live_server, language
):
    make_consent()
    world, cases = world_with_cases()
    analyst = make_analyst()
    sweep = Sweep(language)
    walks = [
        lambda page: sweep_volunteer(page, world, cases, sweep),
        lambda page: sweep_coordinator(page, world, cases, sweep),
        lambda page: sweep_lawyer(page, world, cases, sweep),
        lambda page: sweep_analyst(page, sweep, analyst),
        lambda page: sweep_worker(page, sweep),
    ]
    for walk in walks:
        context, page = role_page(browser, live_server, language)
        try:
            walk(page)
        finally:
            context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"a11y-{language}.json").write_text(
        json.dumps({**sweep.counts(), "blocking": sweep.blocking()}, ensure_ascii=False, indent=1)
    )
    assert sweep.blocking() == {}, json.dumps(sweep.blocking(), ensure_ascii=False, indent=1)
