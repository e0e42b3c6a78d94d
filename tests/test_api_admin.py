"""The back office's API screens (superusers only): registering a client shows its
token once; deliveries are listed and can be sent again."""

import re

import pytest

from api import tokens, webhooks
from api.models import WebhookDelivery, WebhookSubscription
from cases.workflow import apply_transition
from tests.helpers import login, make_case, make_world

pytestmark = pytest.mark.django_db


def test_the_admin_registers_a_client_and_shows_its_token_once(client):
    world = make_world()
    login(client, world.admin)
    response = client.post(
        "/admin/api/apiclient/add/",
        {
            "name": "智慧工会平台",
            "kind": "partner",
            "region_prefix": "53",
            "scopes": ["cases:read", "stats:read"],
            "contact": "张三 0871-1234567",
            "rate_per_minute": "60",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    token = re.search(r"(yz_[0-9a-f]{12}_[\w-]+)", text).group(1)
    found = tokens.client_for(token)
    assert found.name == "智慧工会平台" and found.scopes == ["cases:read", "stats:read"]
    assert not found.user.is_active and not found.user.has_usable_password()
    assert token not in client.get(f"/admin/api/apiclient/{found.pk}/change/").content.decode()


def test_the_admin_lists_deliveries_and_sends_one_again(client):
    world = make_world()
    client_, _token = tokens.create_client("热线", region_prefix="1101", scopes=["webhooks"])
    WebhookSubscription.objects.create(
        client=client_, url="http://127.0.0.1:19099/x", secret=webhooks.new_secret()
    )
    case = make_case(world.beijing.station)
    apply_transition(case, "withdraw", world.admin, reason="撤回")
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=8)
    login(client, world.admin)
    for model in ("webhookdelivery", "webhooksubscription", "apiclient", "apicall"):
        assert client.get(f"/admin/api/{model}/").status_code == 200, model
    client.post(
        "/admin/api/webhookdelivery/",
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    # Counted afresh and tried at once (nobody listens on that port: pending, one try).
    assert (delivery.status, delivery.attempts) == ("pending", 1)
