"""Shared browser steps for the end-to-end journeys (tests/test_journey_*.py).

Each journey keeps a numbered screenshot of every step in test-artifacts/<test name>/
(git-ignored), passing or failing, so a failure can be read step by step. With
README_SCREENSHOTS=1 the steps marked for the README are also written, viewport-sized
and small, to docs/screenshots/ (see README.md, "截图").
"""

import os
import re
import shutil
import time
from pathlib import Path

from tests.conftest import ARTIFACTS
from tests.helpers import delivered_sms

README_SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


class Steps:
    """Numbered screenshots for one test: steps.shot(page, "receipt")."""

    def __init__(self, request):
        self.folder = ARTIFACTS / request.node.name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.n = 0
        # Seconds each step took, next to its screenshot: where a slow journey spends time.
        self.timings = self.folder / "timings.txt"
        self.last = time.monotonic()

    def shot(self, page, name: str, readme: str | None = None, element=None) -> Path:
        """Full page into the artifacts; for the README only the screen, or `element`
        (a panel far down a phone page), so the image stays small (< 150 KB)."""
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        now = time.monotonic()
        with self.timings.open("a") as f:
            f.write(f"{path.stem}\t{now - self.last:.1f} s\n")
        page.screenshot(path=str(path), full_page=True)
        self.last = time.monotonic()
        if readme and os.environ.get("README_SCREENSHOTS"):
            README_SHOTS.mkdir(parents=True, exist_ok=True)
            target = README_SHOTS / f"{readme}.png"
            (element or page).screenshot(path=str(target))
        return path


def login(page, username, password):
    """Log in and wait for the home page the role lands on (not the login page itself)."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def messages(page) -> str:
    return page.locator(".messages").inner_text()


def state_label(page) -> str:
    """The state badge on the case page, as the user reads it."""
    return page.locator("#case-state").inner_text()


def open_action(page, title: str):
    """Open an action on the case page (a <details> in the actions panel); returns it."""
    action = page.locator(
        "#actions details.action", has=page.locator(f"summary:text-is('{title}')")
    )
    action.locator("summary").click()
    return action


def documents_row(page, label: str):
    """One document kind in the documents panel, e.g. documents_row(page, "授权委托书")."""
    return page.locator("#documents .doc-kind", has=page.locator(f"strong:text-is('{label}')"))


def generate_document(page, label: str) -> None:
    row = documents_row(page, label)
    # A PDF and its Word copy: allow for a busy machine.
    with page.expect_navigation(timeout=60_000):
        row.get_by_role("button", name=re.compile("^(生成|重新生成)$")).click(timeout=60_000)


def latest_sms(phone: str, template: str) -> str:
    """The latest SMS as the phone received it (stored copies mask codes)."""
    return delivered_sms(phone, template)


def check_status(page, phone: str) -> str:
    """The worker's status page on their phone: number, SMS code, the case list's text."""
    page.goto("/status/")
    page.fill("#id_phone", phone)
    page.click("button[type=submit]")
    page.wait_for_url("**/status/verify/")
    code = re.search(r"\d{6}", latest_sms(_e164(phone), "status_code")).group()
    page.fill("#id_code", code)
    page.click("button.primary")
    page.wait_for_url("**/status/cases/")
    return page.inner_text("main")


def _e164(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "+86" + digits[-11:]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
