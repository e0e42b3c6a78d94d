import json
import os
from pathlib import Path

import pytest

from cases.notices import sms
from tests.helpers import DELIVERED, make_world

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def sms_gateway(monkeypatch):
    """The outbox backend also hands each message to tests.helpers.DELIVERED, as a phone
    would receive it (the stored row has its codes masked)."""
    DELIVERED.clear()
    outbox = sms.BACKENDS["outbox"]

    def deliver(message):
        outbox(message)
        DELIVERED.append((str(message.phone), message.template, message.body))

    monkeypatch.setitem(sms.BACKENDS, "outbox", deliver)
    return DELIVERED


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: drawn statistics pages (and limits kept in the
    cache) must not carry over from a test whose rows were rolled back."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def staff_session_limits_off(settings):
    """Many tests sign a client in at today's time and then travel to a fixed date; the
    idle timeout and the absolute maximum would end those sessions. They are tested in
    tests/test_staff_sessions.py, which sets them again."""
    settings.STAFF_IDLE_MINUTES = 100 * 365 * 24 * 60
    settings.STAFF_SESSION_MAX_HOURS = 100 * 365 * 24


@pytest.fixture(autouse=True)
def site_language(settings):
    """Each test starts in the site's language: a request in English must not leak the
    active translation into the next test run by the same worker thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Every test stores attachments and documents under its own tmp_path, never in var/."""
    local = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")},
    }
    settings.STORAGES = {**settings.STORAGES, "private": local, "default": local}
    return tmp_path / "private"


@pytest.fixture
def regions(db):
    """GB/T 2260 regions. The data migration loads them, but transactional tests flush them
    (and which test ran before on the same worker changes as files are added)."""
    from stations.models import Region
    from stations.region_data import load_regions

    if Region.objects.count() < 3000:
        load_regions(Region)


@pytest.fixture
def world(db, regions):
    return make_world()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser downloads here)."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


PHONE = {"width": 375, "height": 667}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def new_page(browser, live_server, request):
    """new_page(viewport) → a page whose relative URLs go to the live server; screenshots
    of every page are kept under test-artifacts/<test name>/ when the test fails."""
    contexts = []
    violations = []

    def watch(page):
        # A page the policy broke says so on the console (Chromium: "Refused to …
        # because it violates the following Content Security Policy directive").
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )

    def factory(viewport=DESKTOP, locale="zh-CN"):
        context = browser.new_context(viewport=viewport, locale=locale, base_url=live_server.url)
        context.set_default_timeout(10_000)
        context.on("page", watch)
        contexts.append(context)
        return context.new_page()

    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    folder = ARTIFACTS / request.node.name
    for i, context in enumerate(contexts):
        if failed:
            folder.mkdir(parents=True, exist_ok=True)
            for j, page in enumerate(context.pages):
                page.screenshot(path=str(folder / f"failure-{i}-{j}.png"), full_page=True)
        context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def shipped_consent(db):
    """The consent text `migrate` ships (cases migration 0016), put back if a transactional
    test that ran earlier in this process flushed the tables."""
    import importlib

    from django.apps import apps

    from cases.models import ConsentText

    if not ConsentText.objects.filter(version="1.0").exists():
        importlib.import_module("cases.migrations.0017_consent_text_v1").ship_consent(apps, None)
    return ConsentText.objects.get(version="1.0")


@pytest.fixture
def worker_post(client, django_capture_on_commit_callbacks):
    """POST to a worker operation of the API; after-commit work (the SMS task) runs at once."""

    def submit(path, body, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/api/v1/worker{path}",
                data=json.dumps(body),
                content_type="application/json",
                **headers,
            )

    return submit
