"""Issue 13: what the first real users hit walking a wage case through the product.

One test (at least) per defect; the visual ones are in test_browser_first_week.py."""

import pytest
from django.urls import reverse

from cases.models import Case
from lawyers.models import ClaimType
from tests.helpers import login, make_case, make_document

WAGE = {"claims": [ClaimType.WAGE], "facts": "拖欠三个月工资。"}


# --- 2. every transition the role could do shows, enabled or with its reason ----------


@pytest.mark.django_db
def test_archive_is_offered_with_its_reason_and_a_link_to_the_closing_report(client, world):
    bj = world.beijing
    case = make_case(bj.station, bj.volunteer, state=Case.State.RESOLVED, lawyer=bj.lawyer, **WAGE)
    make_document(case, kind="receipt")
    make_document(case, kind="arbitration_application")
    html = login(client, bj.coordinator).get(reverse("cases:detail", args=[case.number]))
    html = html.content.decode()
    assert 'data-blocked="close"' in html
    assert "请先生成结案报告，再归档。" in html
    assert 'href="#doc-closing_report"' in html
    assert 'id="doc-closing_report"' in html
    assert 'data-transition="reopen"' in html
