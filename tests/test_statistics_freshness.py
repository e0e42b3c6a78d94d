"""Drawn statistics pages kept in the cache (cases/statistics/freshness.py): served again
with one query for their version, redrawn when a change reaches their scope, each viewer
kind and language with its own copy, and a copy younger than STATISTICS_MAX_AGE served
as it was, saying when its figures were taken."""

import datetime
import html
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, StatCell, StatChange
from cases.statistics import rollup
from cases.workflow import apply_transition
from tests.helpers import login, make_analyst, make_case

pytestmark = pytest.mark.usefixtures("regions")

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=TZ)
OVERVIEW = reverse("statistics:overview")


def received(client, region="110105", headline="received") -> str:
    """A headline count (requests received, by default) as the page shows it."""
    response = client.get(OVERVIEW, {"region": region})
    assert response.status_code == 200
    found = re.search(rf'data-headline="{headline}">(?:<a [^>]*>)?([^<]+)<', response.text)
    return html.unescape(found.group(1).strip())


def queries(client, region="110105") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(OVERVIEW, {"region": region}).status_code == 200
    return len(captured)


def cases_in(region, n, **fields):
    return [make_case(region.station, region.volunteer, **fields) for _ in range(n)]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_page_seen_again_is_served_from_the_cache_with_fewer_queries(client, world):
    cases_in(world.beijing, 6)
    login(client, world.beijing.coordinator)
    first = queries(client)
    again = queries(client)
    assert received(client) == "6"
    # The drawn section costs its rollup queries; served again, only the version's.
    assert again < first
    assert again <= 8


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_change_in_the_scope_shows_at_once_and_one_elsewhere_leaves_the_copy(client, world):
    bj, km = world.beijing, world.kunming
    cases_in(bj, 6)
    login(client, bj.coordinator)
    assert received(client) == "6"
    cases_in(km, 2)  # another province: the Beijing district's copy stays good
    served = queries(client)
    assert received(client) == "6"
    cases_in(bj, 1)
    assert received(client) == "7"
    # and a transition, not only an intake, moves the version
    case = Case.objects.filter(region_code="110105", state="received").first()
    apply_transition(case, "refer", bj.coordinator, to="区劳动保障监察大队", reason="x")
    assert received(client, headline="decided") == "1"
    assert queries(client) == served


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_viewers_and_languages_get_their_own_copies(client, world):
    bj = world.beijing
    cases_in(bj, 3)
    analyst = make_analyst("")
    login(client, analyst)
    assert received(client) == "<5"
    login(client, bj.coordinator)
    assert received(client) == "3"  # not the analyst's suppressed copy
    english = client.get(OVERVIEW, {"region": "110105"}, headers={"accept-language": "en"})
    chinese = client.get(OVERVIEW, {"region": "110105"})
    assert "Requests by month" in english.text
    assert "按月求助量" in chinese.text


@pytest.mark.django_db
def test_a_young_copy_is_served_as_it_was_and_says_when_it_was_taken(client, world, settings):
    settings.STATISTICS_MAX_AGE = 60
    bj = world.beijing
    with time_machine.travel(NOW, tick=False):
        cases_in(bj, 5)
        login(client, bj.coordinator)
        assert received(client) == "5"
        cases_in(bj, 1)
        page = client.get(OVERVIEW, {"region": "110105"}).text
        assert received(client) == "5"  # 0 s old: not redrawn yet
        assert "数据截至 2026-11-16 10:00" in page
    with time_machine.travel(NOW + datetime.timedelta(seconds=61), tick=False):
        assert received(client) == "6"
        assert "数据截至 2026-11-16 10:01" in client.get(OVERVIEW, {"region": "110105"}).text


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_nightly_reconcile_redraws_what_it_repaired_and_keeps_one_mark(client, world):
    bj = world.beijing
    cases_in(bj, 6)
    login(client, bj.coordinator)
    assert received(client) == "6"
    # Drift the rollup behind the page's back (a row changed by hand): the copy is still
    # current by its marks, so the page shows the drift only once the reconcile has run.
    StatCell.objects.filter(depth=3, area="110105", metric=rollup.RECEIVED).update(n=0)
    assert received(client) == "6"
    rollup.reconcile()
    assert StatChange.objects.count() == 1
    StatCell.objects.filter(depth=3, area="110105", metric=rollup.RECEIVED).update(n=1)
    assert received(client) == "1"  # redrawn from the (now drifted) rollup
    rollup.reconcile()
    assert received(client) == "6"
