"""Headless Chromium logs in as each demo role and lands on that role's home."""

import pytest
from django.core.management import call_command

from cases.management.demo import DEMO_PASSWORD
from tests.conftest import DESKTOP, PHONE
from tests.helpers import browser_login

pytestmark = pytest.mark.browser

LANDINGS = [
    ("volunteer", "本站案件", DESKTOP),
    ("coordinator", "待审案件", DESKTOP),
    ("lawyer", "我的案件", PHONE),
    ("volunteer2", "本站案件", PHONE),
    ("coordinator2", "待审案件", DESKTOP),
    ("lawyer2", "我的案件", PHONE),
]


@pytest.mark.django_db(transaction=True)
def test_every_demo_login_lands_on_its_home_page(new_page):
    call_command("seed_demo")
    for username, heading, viewport in LANDINGS:
        page = new_page(viewport)
        browser_login(page, username, DEMO_PASSWORD)
        assert page.locator("h1").first.inner_text() == heading, username
        page.context.close()
    page = new_page()
    browser_login(page, "admin", DEMO_PASSWORD)
    assert "后台管理" in page.content()


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_shows_a_clear_message_and_keeps_the_username(new_page):
    call_command("seed_demo")
    page = new_page(PHONE)
    browser_login(page, "volunteer", "wrong-password")
    assert page.input_value("#id_username") == "volunteer"
    assert page.locator("[role=alert]").is_visible()
