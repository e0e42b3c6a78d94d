"""法律援助法 第四十四条第一款第一项: when the nearest deadline the worker must meet is
fewer than seven days away, aid may be given first and the review done after. The
receipt at intake and the coordinators' triage board flag such a case."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.deadlines import bookkeeping
from lawyers.models import ClaimType
from tests.helpers import login, make_case

D = datetime.date
# Fri 2026-11-27, 10:00 in Beijing.
NOV_27 = datetime.datetime(2026, 11, 27, 2, 0, tzinfo=datetime.UTC)
FLAG = "可以先行提供法律援助，事后补办审查手续（《法律援助法》第四十四条第一款第一项）"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def friday():
    with time_machine.travel(NOV_27, tick=False):
        yield


def rider(world, incident):
    """An occupational-injury case: the pilot's 30 days to apply run from the accident."""
    return make_case(
        world.beijing.station,
        world.beijing.volunteer,
        claims=[ClaimType.OCCUPATIONAL],
        incident_date=incident,
    )


def test_the_receipt_flags_a_deadline_fewer_than_seven_days_away(client, world):
    urgent = rider(world, D(2026, 11, 2))  # due Wed 12-02: 5 days left
    calm = rider(world, D(2026, 11, 20))  # due Sun 12-20 → Mon 12-21
    login(client, world.beijing.volunteer)
    page = client.get(reverse("cases:receipt", args=[urgent.number])).content.decode()
    assert "距最近一个须由劳动者一方办理的期限届满不足七日（2026-12-02）" in page
    assert FLAG in page
    calm_page = client.get(reverse("cases:receipt", args=[calm.number])).content.decode()
    assert "第四十四条第一款第一项" not in calm_page


def test_seven_days_away_is_not_fewer_than_seven(client, world):
    case = rider(world, D(2026, 11, 4))  # due Fri 12-04: exactly 7 days left
    login(client, world.beijing.volunteer)
    page = client.get(reverse("cases:receipt", args=[case.number])).content.decode()
    assert "第四十四条第一款第一项" not in page


def test_the_triage_board_flags_the_urgent_case_only(client, world):
    urgent = rider(world, D(2026, 11, 2))
    calm = rider(world, D(2026, 11, 20))
    login(client, world.beijing.coordinator)
    page = client.get(reverse("cases:triage")).content.decode()
    card = page[page.index(f'id="case-{urgent.number}"') :]
    card = card[: card.index("</article>")]
    assert "期限紧急" in card and FLAG in card
    other = page[page.index(f'id="case-{calm.number}"') :]
    assert "期限紧急" not in other[: other.index("</article>")]


def test_the_day_to_act_by_counts_the_safe_date_and_skips_paused_and_agency_deadlines(world):
    # An injury case: the employer's 30 days (agency side) are not the worker's deadline.
    case = make_case(world.beijing.station, incident_date=D(2026, 11, 2))
    assert bookkeeping.next_act_by([case.pk]) == {case.pk: D(2027, 11, 2)}
    bookkeeping.record_milestone(case, "judgment_served", D(2026, 12, 17), world.admin)
    # Due 2027-01-04, but the day to act by is the safe date, 01-01.
    assert bookkeeping.next_act_by([case.pk]) == {case.pk: D(2027, 1, 1)}


def test_an_overdue_worker_deadline_is_flagged_with_its_own_words(client, world):
    rider(world, D(2026, 10, 1))  # 30 days: Sat 10-31 → Mon 11-02, overdue
    login(client, world.beijing.coordinator)
    page = client.get(reverse("cases:triage")).content.decode()
    assert "已有须由劳动者一方办理的期限于 2026-11-02 届满，请立即核实处理。" in page
