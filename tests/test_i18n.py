"""The English UI: every page people use reads in English, and the catalogue stays complete.

The source strings are Simplified Chinese, so a missing English entry shows up as Chinese
on an English page. The page tests below strip out the data (names, stations, facts)
and fail on any Chinese that is left: UI chrome that was never marked for translation or
that has no English entry. The catalogue tests fail CI when a new string is added
without a translation, and say which.
"""

import datetime
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cases.models import Case
from cases.status import page
from tests.helpers import (
    accept,
    assign,
    login,
    make_case,
    make_case_with_code,
    make_consent,
    make_lawyer,
    reassign,
)

ROOT = Path(__file__).resolve().parent.parent
EN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES_IGNORE = [".venv", "bench", "tests", "test-artifacts"]
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
PHONE = "+8613912345678"


# --- reading pages -----------------------------------------------------------------------


class _Visible(HTMLParser):
    """What a person (or a screen reader) gets from a page: text and a few attributes."""

    ATTRS = {"aria-label", "title", "placeholder", "alt", "value"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            # Hidden inputs carry data (the `next` URL), not words; button values do not show.
            if (
                name in self.ATTRS
                and value
                and not (name == "value" and tag in ("input", "button", "option"))
            ):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _Visible()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def chinese_left(response, data=()) -> list[str]:
    """Runs of Chinese on the page once the data (names, places, facts) is taken out,
    each with a little of the English around it so the failure says where it is."""
    text = visible_text(response)
    # The language switch offers 中文 by name; longest data first so parts do not linger.
    for value in sorted({*data, "中文"}, key=len, reverse=True):
        if value:
            text = text.replace(str(value), " ")
    return sorted({text[max(m.start() - 25, 0) : m.end() + 25] for m in CJK.finditer(text)})


def assert_english(response, *expected, data=()):
    assert response.status_code == 200, response.status_code
    text = visible_text(response)
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    for words in expected:
        assert words in text, f"{words!r} not on the page"
    left = chinese_left(response, data)
    assert not left, f"Chinese UI text on an English page: {left}"


def case_data(case):
    """The case's own data, shown as typed (names, station, region, parties, lawyer)."""
    values = [
        case.worker.name,
        case.facts,
        case.station.name,
        case.station.phone,
        case.referred_to,
        case.outcome_note,
        case.eligibility_note,
    ]
    values += [p.name for p in case.parties.all()] + [p.contact for p in case.parties.all()]
    if case.lawyer:
        values += [case.lawyer.name, case.lawyer.firm]
    values += [e.note for e in case.events.all()]
    return [v for v in values if v]


def world_data(world):
    values = []
    for region in (world.beijing, world.kunming):
        values += [region.station.name, region.union.name, region.lawyer.name, region.lawyer.firm]
    return values


def region_names():
    from stations.models import Region

    return list(Region.objects.values_list("name", flat=True)) + list(
        Region.objects.values_list("full_name", flat=True)
    )


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# --- switching language --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_language_switch_turns_the_login_page_into_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert_english(response, "Log in", "Username", "Password", "Check progress")
    assert "登录" not in visible_text(response)


@pytest.mark.django_db
def test_chinese_stays_the_default(client):
    response = client.get(reverse("login"))
    text = visible_text(response)
    assert "登录" in text and "Log in" not in text
    assert "English" in text


@pytest.mark.django_db
def test_the_browser_language_alone_picks_english(client):
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert_english(response, "Log in")


# --- the pages people use ------------------------------------------------------------------


@pytest.mark.django_db
def test_volunteer_station_list_reads_in_english(english, world, clock):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer)
    login(english, bj.volunteer)
    response = english.get(reverse("cases:station_cases"))
    assert_english(
        response,
        "Station cases",
        "New request",
        "Received",
        "Work injury",
        data=case_data(case) + world_data(world) + region_names(),
    )
    assert "登记求助" not in visible_text(response)


@pytest.mark.django_db
def test_intake_form_and_its_field_errors_read_in_english(english, world, clock):
    bj = world.beijing
    make_consent()
    login(english, bj.volunteer)
    response = english.get(reverse("cases:intake"))
    assert_english(
        response,
        "Worker's name",
        "Type of help",
        "Save and print receipt",
        data=world_data(world) + region_names() + ["同意书正文"],
    )

    response = english.post(
        reverse("cases:intake"),
        {
            "station": bj.station.pk,
            "name": "",
            "phone": "12345",
            "claims": ["injury"],
            "incident_date": "2026-13-40",
            "facts": "送餐途中摔伤。",
            "parties-TOTAL_FORMS": "0",
            "parties-INITIAL_FORMS": "0",
            "parties-MIN_NUM_FORMS": "0",
            "parties-MAX_NUM_FORMS": "8",
        },
    )
    assert response.status_code == 400
    text = visible_text(response)
    for error in (
        "Enter the worker's name.",
        "Enter a valid mobile number, e.g. 13800138000",
        "Enter a valid date in the format year-month-day, e.g. 2026-11-02.",
        "read the personal-information notice and consent form",
        "A few fields need changes",
    ):
        assert error in text, f"{error!r} not on the page"
    assert not Case.objects.exists()
    # The facts typed so far are kept; nothing else on the page is Chinese.
    left = chinese_left(
        response, world_data(world) + region_names() + ["同意书正文", "送餐途中摔伤。"]
    )
    assert not left, left


@pytest.mark.django_db
def test_case_page_reads_in_english(english, world, clock):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer)
    login(english, bj.coordinator)
    response = english.get(case.get_absolute_url())
    assert_english(
        response,
        "In progress",
        "Assigned lawyer",
        "Evidence checklist",
        "Notes and log",
        data=case_data(case) + world_data(world) + region_names(),
    )


@pytest.mark.django_db
def test_lawyer_queue_reads_in_english(english, world, clock):
    bj = world.beijing
    waiting = make_case(bj.station, bj.volunteer, state=Case.State.ASSIGNED, lawyer=bj.lawyer)
    working = make_case(bj.station, bj.volunteer, state=Case.State.IN_PROGRESS, lawyer=bj.lawyer)
    login(english, bj.lawyer.user)
    response = english.get(reverse("cases:queue"))
    assert_english(
        response,
        "My cases",
        "Awaiting your reply (1)",
        "In progress (1)",
        "Leave and capacity",
        data=case_data(waiting) + case_data(working) + world_data(world) + region_names(),
    )
    assert "我的案件" not in visible_text(response)


@pytest.mark.django_db
def test_a_reassigned_lawyers_notes_read_in_english(english, world, clock):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    assign(case, bj.lawyer, bj.coordinator)
    accept(case, bj.lawyer.user)
    reassign(case, make_lawyer(), bj.coordinator, reason="出差")
    login(english, bj.lawyer.user)
    data = case_data(case) + world_data(world) + region_names()
    response = english.get(reverse("cases:handed_over"))
    assert_english(response, "Reassigned cases", "0 notes", data=data)
    response = english.get(reverse("cases:own_notes", args=[case.number]))
    assert_english(response, "My notes", "You wrote no notes on this case.", data=data)


@pytest.mark.django_db
def test_a_notice_reads_in_the_language_of_whoever_opens_it(
    english, world, clock, django_capture_on_commit_callbacks
):
    # Written once in every site language when it is made, not in the language of
    # whoever clicked: the coordinator declines in English, the lawyer reads Chinese.
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        with translation.override("en"):
            assign(case, bj.lawyer, bj.coordinator)
    login(english, bj.lawyer.user)
    page = visible_text(english.get(reverse("cases:notifications")))
    assert f"New case awaiting your reply: {case.number}" in page
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = visible_text(english.get(reverse("cases:notifications")))
    assert f"新案件待接案：{case.number}" in page


@pytest.mark.django_db
def test_coordinator_boards_read_in_english(english, world, clock):
    bj = world.beijing
    received = make_case(bj.station, bj.volunteer)
    accepted = make_case(bj.station, bj.volunteer, state=Case.State.ACCEPTED)
    data = case_data(received) + case_data(accepted) + world_data(world) + region_names()
    login(english, bj.coordinator)

    response = english.get(reverse("cases:triage"))
    assert_english(response, "Triage", "Accept for aid", "Refer", data=data)

    response = english.get(reverse("cases:assignment_board"))
    assert_english(response, "Assign lawyers", "To assign (1)", data=data)

    response = english.get(reverse("cases:deadline_board"))
    assert_english(response, "Deadlines", "Filter", data=data)


@pytest.mark.django_db
def test_worker_status_page_reads_in_english(english, world, clock):
    kunming = world.kunming
    case, code = make_case_with_code(
        kunming.station,
        kunming.volunteer,
        worker={"phone": PHONE},
        state=Case.State.IN_PROGRESS,
        lawyer=kunming.lawyer,
    )
    data = case_data(case) + world_data(world) + region_names()

    response = english.get(reverse("status:start"))
    assert_english(response, "Check case progress", "Get code", data=data)

    response = english.post(reverse("status:start"), {"phone": "12345"})
    assert "Enter a valid 11-digit mobile number, e.g. 13800138000." in visible_text(response)

    response = english.post(reverse("status:start"), {"phone": PHONE[3:]}, follow=True)
    assert_english(response, "Enter code", data=data)

    response = english.post(reverse("status:verify"), {"code": code}, follow=True)
    assert_english(
        response,
        "A lawyer has taken your case and is working on it",
        "Next step",
        data=data,
    )


def test_wording_remembered_per_language_follows_the_active_language():
    # The status page keeps its phrases per language (config/i18n.py): asking in one
    # language must never hand back what was remembered for the other.
    day = datetime.date(2026, 11, 26)
    for _round in range(2):
        assert page.claims_words("injury wage") == "工伤、欠薪"
        assert page.date_words(day) == "2026年11月26日"
        with translation.override("en"):
            assert page.claims_words("injury wage") == "Work injury, Unpaid wages"
            assert page.date_words(day) == "Nov. 26, 2026"
        assert page.claims_words.in_language("en", "injury") == "Work injury"


# --- the catalogue -------------------------------------------------------------------------


def _msgids(po_path: Path) -> dict[str, list[str]]:
    """msgid → its msgstr forms, read with a small parser (polib is not a dependency)."""
    entries, current, key = {}, None, None

    def unquote(s):
        return s.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")

    def flush():
        if current and current.get("msgid"):
            # A msgid with a context is looked up as "context\x04msgid" (what pgettext does).
            context = current.get("msgctxt")
            key = f"{context}\x04{current['msgid']}" if context else current["msgid"]
            entries[key] = current["msgstr"]

    for line in po_path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            flush()
            current, key = None, None
            continue
        if line.startswith("#"):
            if line.startswith("#~"):  # obsolete entries are not in the catalogue
                current = {"obsolete": True}
            continue
        if current is None:
            current = {"msgid": "", "msgstr": []}
        if current.get("obsolete"):
            continue
        m = re.match(r"(msgid|msgid_plural|msgctxt|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if m:
            key = m.group(1)
            value = unquote(m.group(2))
            if key.startswith("msgstr"):
                current["msgstr"].append(value)
            elif key in ("msgid", "msgctxt"):
                current[key] = value
            continue
        if line.startswith('"') and key:
            if key.startswith("msgstr"):
                current["msgstr"][-1] += unquote(line)
            elif key == "msgid":
                current["msgid"] += unquote(line)
    return entries


def test_every_english_entry_is_translated():
    text = EN_PO.read_text(encoding="utf-8")
    entries = _msgids(EN_PO)
    assert len(entries) > 900
    untranslated = sorted(m for m, forms in entries.items() if not forms or not all(forms))
    assert not untranslated, (
        f"{len(untranslated)} msgids have no English in {EN_PO.relative_to(ROOT)}:\n"
        + "\n".join(untranslated)
    )
    fuzzy = re.findall(r'#,[^\n]*fuzzy[^\n]*\n(?:#[^\n]*\n)*msgid "(.*)"', text)
    assert not fuzzy, f"fuzzy entries left (check and remove '#, fuzzy'): {fuzzy}"


def test_english_entries_keep_their_placeholders():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    wrong = [
        (msgid, form)
        for msgid, forms in _msgids(EN_PO).items()
        for form in forms
        if form
        and sorted(set(placeholder.findall(form))) != sorted(set(placeholder.findall(msgid)))
    ]
    assert not wrong, wrong


def test_the_compiled_catalogue_is_in_step_with_the_po_file():
    # A .po edited without `compilemessages` would pass the tests above and still show Chinese.
    entries = _msgids(EN_PO)
    with translation.override("en"):
        stale = [m for m, forms in entries.items() if all(forms) and translation.gettext(m) == m]
    # Plural entries are looked up through ngettext, not gettext: leave them to the page tests.
    stale = [m for m in stale if len(entries[m]) == 1]
    assert not stale, f"run `make messages`: the .mo file lacks {stale[:20]}"


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext is not installed")
def test_makemessages_finds_exactly_the_msgids_of_the_catalogue(tmp_path):
    """Run makemessages on a copy of the source: any msgid it finds must already be
    translated, and every msgid of the catalogue must still be found (a string that
    makemessages cannot see, such as a Jinja2 `_()` nested in a macro call, would
    otherwise lose its translation at the next `make messages`)."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            *MAKEMESSAGES_IGNORE, ".git", "var", "media", "*.sqlite3*", "__pycache__", "*.mo"
        ),
    )
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"]
    command += [f"--ignore={path}" for path in MAKEMESSAGES_IGNORE]
    subprocess.run(command, cwd=copy, check=True, capture_output=True)
    found = set(_msgids(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    ours = {m for m, forms in _msgids(EN_PO).items() if forms and all(forms)}
    new = sorted(found - ours)
    assert not new, (
        f"{len(new)} msgids in the source have no English translation; run `make messages`, "
        "translate them in locale/en/LC_MESSAGES/django.po and compile:\n" + "\n".join(new)
    )
    unseen = sorted(set(_msgids(EN_PO)) - found)
    assert not unseen, (
        f"{len(unseen)} msgids of the catalogue are no longer found in the source; write "
        "them where makemessages can see them, or run `make messages`:\n" + "\n".join(unseen)
    )
