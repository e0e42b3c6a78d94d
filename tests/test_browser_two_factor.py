"""Headless Chromium: a coordinator's first sign-in sets up two-factor with a real
authenticator code, saves the recovery codes, and the next sign-in uses one; on a
375 px phone, without console errors, accessible."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.a11y import assert_accessible
from tests.conftest import PHONE
from tests.helpers import browser_login, make_world

pytestmark = pytest.mark.browser


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_sets_up_two_factor_and_signs_in_with_a_recovery_code(new_page, settings):
    settings.STAFF_2FA_REQUIRED = True
    world = make_world()
    coordinator = world.beijing.coordinator
    page = new_page(PHONE)
    errors = []
    # Script and CSP errors; a 400 answer to a wrong code is logged by Chromium as a
    # failed resource load, which is the page working as meant.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )

    browser_login(page, coordinator.username)
    assert page.locator("h1").inner_text() == "设置两步验证"
    assert page.locator("figure.qr svg").is_visible()
    assert re.fullmatch(r"[A-Z2-7 ]+", page.locator("#otp-secret").inner_text())
    assert fits_the_screen(page)
    assert_accessible(page, "2FA setup")

    page.fill("#id_code", "000000")
    page.click("button.primary")
    assert "验证码不正确" in page.locator("#error-code").inner_text()

    device = TOTPDevice.objects.get(user=coordinator)
    # django-otp throttles for a second after a wrong code; a person takes longer than
    # that to retype, the browser may not (tests/test_two_factor.py covers the throttle).
    device.throttle_reset()
    page.fill("#id_code", code_for(device))
    page.click("button.primary")
    # all_inner_texts() does not wait: wait for the next page before reading it.
    page.locator("#recovery-codes code").first.wait_for()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert fits_the_screen(page)
    assert_accessible(page, "recovery codes")
    page.click("text=我已保存，继续")
    assert page.locator("h1").first.inner_text() == "待审案件"

    page.click("text=退出")
    browser_login(page, coordinator.username)
    assert page.locator("h1").inner_text() == "两步验证"
    assert_accessible(page, "2FA verify")
    page.fill("#id_code", codes[0])
    page.click("button.primary")
    assert page.locator("h1").first.inner_text() == "待审案件"
    assert "还剩 9 个" in page.locator(".messages").inner_text()
    assert errors == []
