"""Webhooks: a subscription per client, deliveries written in the transition's own
transaction, signed the Standard Webhooks way, retried with backoff, one per event.
The receiver is a real HTTP server on loopback, started by the test."""

import datetime
import json

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from api import tokens, webhooks
from api.models import WebhookDelivery, WebhookSubscription
from api.schemas import WebhookEvent
from cases.workflow import apply_transition
from tests.helpers import WebhookReceiver, make_case, make_world

pytestmark = pytest.mark.django_db

PORT = 19031


@pytest.fixture
def receiver():
    with WebhookReceiver(PORT) as r:
        yield r


def subscribe(http, token, url=f"http://127.0.0.1:{PORT}/hook"):
    response = http.post(
        "/api/v1/webhooks/",
        data=json.dumps({"url": url}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_transition_in_scope_is_delivered_signed(
    client, receiver, django_capture_on_commit_callbacks
):
    world = make_world()
    _c, token = tokens.create_client("热线", region_prefix="1101", scopes=["webhooks"])
    sub = subscribe(client, token)
    assert sub["secret"].startswith("whsec_")
    case = make_case(world.beijing.station)
    theirs = make_case(world.kunming.station)
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(case, "withdraw", world.admin, reason="劳动者本人要求撤回")
        apply_transition(theirs, "withdraw", world.admin, reason="劳动者本人要求撤回")
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    headers = {k.lower(): v for k, v in headers.items()}
    payload = Webhook(sub["secret"]).verify(body, headers)
    assert payload["data"]["case"] == case.number
    assert (payload["data"]["from"], payload["data"]["to"]) == ("received", "withdrawn")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "sent" and delivery.event_id == headers["webhook-id"]
    # The body is what the schema documents under "webhooks".
    documented = client.get("/api/v1/openapi.json").json()
    assert "case.state_changed" in documented["webhooks"]
    WebhookEvent.model_validate(payload)


def test_a_rolled_back_transition_writes_no_delivery():
    world = make_world()
    client_, _token = tokens.create_client("热线", region_prefix="1101", scopes=["webhooks"])
    WebhookSubscription.objects.create(
        client=client_, url="http://127.0.0.1:9/x", secret=webhooks.new_secret()
    )
    case = make_case(world.beijing.station)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        apply_transition(case, "withdraw", world.admin, reason="撤回")
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError
    assert WebhookDelivery.objects.count() == 0


def test_a_failed_delivery_is_retried_with_backoff_until_it_succeeds(
    receiver, django_capture_on_commit_callbacks
):
    world = make_world()
    client_, _token = tokens.create_client("热线", region_prefix="1101", scopes=["webhooks"])
    WebhookSubscription.objects.create(
        client=client_, url=f"http://127.0.0.1:{PORT}/hook", secret=webhooks.new_secret()
    )
    case = make_case(world.beijing.station)
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(case, "withdraw", world.admin, reason="撤回")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response) == (
        "pending",
        1,
        "HTTP 503",
    )
    first_wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=20) < first_wait <= datetime.timedelta(seconds=30)
    assert webhooks.retry_due() == 0  # not due yet
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert webhooks.retry_due(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - later == datetime.timedelta(minutes=1)
    receiver.status = 200
    assert webhooks.retry_due(now=later + datetime.timedelta(minutes=2)) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    ids = {{k.lower(): v for k, v in h.items()}["webhook-id"] for h, _b in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1  # the same event id each time


def test_a_delivery_gives_up_after_the_last_attempt():
    world = make_world()
    client_, _token = tokens.create_client("热线", region_prefix="1101", scopes=["webhooks"])
    WebhookSubscription.objects.create(
        client=client_, url="http://127.0.0.1:19099/nobody", secret=webhooks.new_secret()
    )
    case = make_case(world.beijing.station)
    apply_transition(case, "withdraw", world.admin, reason="撤回")
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    for i in range(webhooks.MAX_ATTEMPTS):
        webhooks.deliver(delivery.pk, now=now + datetime.timedelta(days=i))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)


def test_one_delivery_per_event_and_subscription_however_often_it_is_queued():
    world = make_world()
    client_, _token = tokens.create_client("热线", region_prefix="1101", scopes=["webhooks"])
    WebhookSubscription.objects.create(
        client=client_, url="http://127.0.0.1:19099/x", secret=webhooks.new_secret()
    )
    case = make_case(world.beijing.station)
    event = apply_transition(case, "withdraw", world.admin, reason="撤回")
    webhooks.on_transition(sender=None, event=event)
    assert WebhookDelivery.objects.count() == 1


def test_a_client_without_the_webhooks_scope_cannot_subscribe(client):
    make_world()
    _c, token = tokens.create_client("热线", region_prefix="1101", scopes=["cases:read"])
    response = client.post(
        "/api/v1/webhooks/",
        data=json.dumps({"url": "http://127.0.0.1:1/x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403


def test_in_production_a_delivery_to_a_private_address_is_refused(settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = False
    world = make_world()
    client_, _token = tokens.create_client("热线", region_prefix="1101", scopes=["webhooks"])
    WebhookSubscription.objects.create(
        client=client_, url=f"http://127.0.0.1:{PORT}/hook", secret=webhooks.new_secret()
    )
    case = make_case(world.beijing.station)
    apply_transition(case, "withdraw", world.admin, reason="撤回")
    delivery = WebhookDelivery.objects.get()
    assert webhooks.deliver(delivery.pk) == "refused"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "not a public address" in delivery.last_response
    assert not webhooks.public_address("http://10.0.0.8/x")
    assert not webhooks.public_address("http://[::1]/x")
