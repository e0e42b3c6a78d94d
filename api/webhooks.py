"""Webhooks: a client's subscriptions to state changes of the cases in its scope.

A transition writes one WebhookDelivery per matching subscription in its own
transaction (`on_transition`, connected to `cases.workflow.transition_recorded`), so
a change that rolls back notifies nobody and a committed one cannot be lost. After
commit the task `api.tasks.deliver_webhook` posts it; a failure is retried with
exponential backoff (`BACKOFF`, by the minute job `api.tasks.retry_webhooks`) until
MAX_ATTEMPTS, then the row is marked failed (the admin can send it again).

Signed the Standard Webhooks way: headers webhook-id (the event id, the same on
every retry, so the receiver deduplicates by it), webhook-timestamp and
webhook-signature = "v1," + base64(HMAC-SHA256(secret, f"{id}.{timestamp}.{body}")),
the secret being the base64 after "whsec_"."""

import base64
import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_q.tasks import async_task

from api import tokens
from api.models import ApiClient, WebhookDelivery, WebhookSubscription

MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10


def backoff(attempts: int) -> datetime.timedelta:
    """After the n-th failed try: 30 s, 1, 2, 4, 8, 16 minutes … at most 6 hours."""
    return datetime.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def payload(event) -> dict:
    case = event.case
    return {
        "type": "case.state_changed",
        "timestamp": event.at.isoformat(),
        "data": {
            "case": case.number,
            "transition": event.transition,
            "from": event.source_state,
            "to": event.target_state,
            "station": case.station.code if case.station_id else "",
            "region_code": case.region_code,
        },
    }


def on_transition(sender, event, **kwargs):
    """Inside the transition's transaction: one delivery per subscription in scope, of
    a partner client with the webhooks scope whose token works (not revoked or expired)."""
    case = event.case
    # A client's region covers the case when its prefix is one of the case code's own.
    prefixes = [case.region_code[:n] for n in (0, 2, 4, 6)]
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(
            tokens.working(via="client__"),
            active=True,
            client__kind=ApiClient.Kind.PARTNER,
            client__region_prefix__in=prefixes,
        )
        .select_related("client")
        .only("pk", "client__scopes")
        if s.client.has_scope("webhooks")
    ]
    if not subscriptions:
        return
    body = payload(event)
    event_id = f"evt_{event.pk}"
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(subscription=s, event_id=event_id, payload=body) for s in subscriptions],
        ignore_conflicts=True,
    )
    ids = list(
        WebhookDelivery.objects.filter(
            event_id=event_id, status=WebhookDelivery.Status.PENDING
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: [async_task("api.tasks.deliver_webhook", pk) for pk in ids])


def deliver(delivery_id: int, now=None) -> str:
    """One try. Safe to run twice: the try is claimed by a guarded update of `attempts`."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "skipped"
    tries = delivery.attempts
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=tries
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + backoff(tries + 1))
    if not claimed:
        return "skipped"
    tries += 1
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "yizhan-webhooks/1",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(delivery.subscription.secret, delivery.event_id, timestamp, body),
    }
    url = delivery.subscription.url
    if not public_address(url):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, last_response="refused: not a public address"
        )
        return "refused"
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            code = response.status
        ok, result = 200 <= code < 300, f"HTTP {code}"
    except urllib.error.HTTPError as exc:
        ok, result = False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        ok, result = False, str(exc)[:200]
    update = {"last_response": result[:200]}
    if ok:
        update.update(status=WebhookDelivery.Status.SENT, delivered_at=timezone.now())
    elif tries >= MAX_ATTEMPTS:
        update["status"] = WebhookDelivery.Status.FAILED
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**update)
    return "sent" if ok else "failed"


def public_address(url: str) -> bool:
    """Whether every address the URL's host resolves to is public (or private ones are
    allowed: API_WEBHOOK_ALLOW_PRIVATE, on with DEBUG for local work and tests). Asked
    when a client subscribes and again when a delivery connects (`_connect`)."""
    if settings.API_WEBHOOK_ALLOW_PRIVATE:
        return True
    try:
        host = urlsplit(url).hostname or ""
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, ValueError, UnicodeError):
        return False
    return bool(addresses) and all(_public(a) for a in addresses)


def _public(address: str) -> bool:
    """A global address, and no IPv4 address hidden in an IPv6 one (mapped ::ffff:,
    compatible ::a.b.c.d, NAT64 64:ff9b::, 6to4 2002::, Teredo) is private either."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if not ip.is_global:
        return False
    if ip.version == 6:
        embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        packed = ip.packed
        if packed[:12] == bytes(12) or packed[:12] == NAT64_PREFIX:
            embedded.append(ipaddress.IPv4Address(packed[12:]))
        if any(v4 is not None and not v4.is_global for v4 in embedded):
            return False
    return True


NAT64_PREFIX = bytes.fromhex("0064ff9b0000000000000000")


def _connect(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection, refusing a private address at the moment of
    connecting: the name is resolved once, here, and only a checked address is used,
    so a name that answers a public address to the check and a private one to the
    connection (DNS rebinding) reaches nothing inside."""
    host, port = address
    if settings.API_WEBHOOK_ALLOW_PRIVATE:
        return socket.create_connection(address, timeout, source_address)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not infos or not all(_public(info[4][0]) for info in infos):
        raise OSError("refused: not a public address")
    family, kind, proto, _name, sockaddr = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(timeout)
        sock.connect(sockaddr)
    except OSError:
        sock.close()
        raise
    return sock


class _GuardedHTTP(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _GuardedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GuardedHTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GuardedHTTPS, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A receiver's 30x is its answer (a failed try), never followed: a redirect to an
    internal address would otherwise be posted to."""

    def redirect_request(self, *args, **kwargs):
        return None


# Only http and https (no file:, ftp:, data:), each through the guarded connection,
# and no proxy from the environment (the guard checks where the socket goes).
OPENER = urllib.request.OpenerDirector()
for _handler in (
    _HTTPHandler(),
    _HTTPSHandler(),
    _NoRedirect(),
    urllib.request.HTTPDefaultErrorHandler(),
    urllib.request.HTTPErrorProcessor(),
):
    OPENER.add_handler(_handler)


def due(now=None):
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, attempts__gt=0, next_attempt_at__lte=now
    ).values_list("pk", flat=True)


def retry_due(now=None) -> int:
    n = 0
    for pk in list(due(now)[:500]):
        deliver(pk, now=now)
        n += 1
    return n


def send_again(deliveries) -> int:
    """The admin's action: a failed (or sent) delivery goes out again, counted afresh."""
    ids = list(deliveries.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for pk in ids:
        async_task("api.tasks.deliver_webhook", pk)
    return len(ids)
