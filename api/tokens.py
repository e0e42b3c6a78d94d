"""Client tokens: "yz_<prefix>_<secret>", random, shown once, stored as the prefix (to
find the row) and the SHA-256 of the whole token (the token has 256 bits of entropy,
so a fast hash is enough). Creating a client, rotating and revoking its token."""

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.models import ApiClient

TOKEN_TTL = datetime.timedelta(days=365)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str, str]:
    prefix = secrets.token_hex(6)
    token = f"yz_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, _digest(token)


def create_client(
    name: str,
    *,
    region_prefix: str,
    scopes,
    kind=ApiClient.Kind.PARTNER,
    contact="",
    days: int | None = None,
    now=None,
) -> tuple[ApiClient, str]:
    """A client, its system account and its first token (returned in clear, once)."""
    client = ApiClient(
        name=name,
        kind=kind,
        region_prefix=region_prefix,
        scopes=sorted(set(scopes)),
        contact=contact,
    )
    with transaction.atomic():
        token = prepare(client, now=now)
        if days is not None:
            client.token_expires_at = client.created_at + datetime.timedelta(days=days)
        client.full_clean()
        client.save()
    return client, token


def prepare(client: ApiClient, now=None) -> str:
    """For a new client (the command, the admin's add form): its system account, inactive
    and without a password, and its first token, returned in clear."""
    now = now or timezone.now()
    user = get_user_model().objects.create_user(
        username=f"api:{client.name}"[:150], is_active=False, first_name=client.name[:150]
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    token, prefix, digest = _new_token()
    client.user = user
    client.token_prefix, client.token_hash = prefix, digest
    client.token_expires_at = now + TOKEN_TTL
    client.created_at = now
    return token


def rotate(client: ApiClient, now=None) -> str:
    """A new token for the client; the old one stops working at once."""
    now = now or timezone.now()
    token, prefix, digest = _new_token()
    client.token_prefix, client.token_hash = prefix, digest
    client.token_expires_at = now + TOKEN_TTL
    client.revoked_at = None
    client.save(update_fields=["token_prefix", "token_hash", "token_expires_at", "revoked_at"])
    return token


def revoke(client: ApiClient, now=None) -> None:
    client.revoked_at = now or timezone.now()
    client.save(update_fields=["revoked_at"])


class BadToken(Exception):
    """`reason`: "unknown", "revoked" or "expired"; `client` when the token is genuine
    but revoked or expired (its calls are still logged against it)."""

    def __init__(self, reason: str, client: ApiClient | None = None):
        super().__init__(reason)
        self.reason = reason
        self.client = client


def working(now=None, via: str = "") -> Q:
    """client_for's rule as a filter: clients whose token works now (not revoked, not
    expired); `via` names the path to the client ("client__" from a subscription)."""
    now = now or timezone.now()
    return (Q(**{f"{via}revoked_at__isnull": True}) | Q(**{f"{via}revoked_at__gt": now})) & Q(
        **{f"{via}token_expires_at__gt": now}
    )


def client_for(token: str, now=None) -> ApiClient:
    """The client a bearer token belongs to; BadToken otherwise."""
    parts = (token or "").split("_")
    if len(parts) < 3 or parts[0] != "yz":
        raise BadToken("unknown")
    client = ApiClient.objects.select_related("user").filter(token_prefix=parts[1]).first()
    if client is None or not hmac.compare_digest(client.token_hash, _digest(token)):
        raise BadToken("unknown")
    now = now or timezone.now()
    if client.revoked_at is not None and client.revoked_at <= now:
        raise BadToken("revoked", client)
    if client.token_expires_at <= now:
        raise BadToken("expired", client)
    return client
