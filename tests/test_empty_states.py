"""The first thing a new station, coordinator or lawyer sees: empty pages that say so."""

import pytest
from django.urls import reverse

from tests.helpers import login

EMPTY_PAGES = [
    ("volunteer", "cases:station_cases", "本站还没有登记案件"),
    ("coordinator", "cases:triage", "暂无待审核的求助"),
    ("coordinator", "cases:assignment_board", "没有等待分配的案件"),
    ("coordinator", "cases:deadline_board", "没有需要关注的期限"),
    ("lawyer", "cases:queue", "目前没有分配给您的案件"),
    ("lawyer", "cases:notifications", "暂无通知"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona, url_name, message", EMPTY_PAGES)
def test_a_role_with_no_cases_yet_sees_a_plain_empty_state(
    client, world, persona, url_name, message
):
    person = getattr(world.beijing, persona)
    login(client, getattr(person, "user", person))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert message in response.content.decode()
