"""Heavy reads on a PostgreSQL streaming replica (DATABASE_REPLICA_URL), everything
else on the primary.

Only code that says so reads the replica: the statistics pages, the exports and the
reports wrap their figures in `reading_replica(request)` (or pass `read_alias(request)`
to `.using()` for a queryset read later, as a streamed CSV is). Everything else, every
permission check included, reads the primary: the router sends a read to the replica
only inside such a block. Writes always go to the primary.

The replica is used only when it helps and is right:
- unreachable (or not configured): the primary, silently; a failed connection is not
  tried again for REPLICA_RETRY_SECONDS, so a dead replica costs one timeout, not one
  per page;
- behind what this user wrote: after a request that may have written (any method but
  GET/HEAD/OPTIONS), `PrimaryPositionMiddleware` keeps the primary's WAL position in the
  session; while the replica has not replayed up to it, this user's reads stay on the
  primary (read-your-writes). Other users read the replica, a few seconds behind at
  most, which figures can be.
"""

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
SESSION_KEY = "primary_wal_lsn"
_reading: contextvars.ContextVar[str | None] = contextvars.ContextVar("read_alias", default=None)
_down_until = 0.0


class ReplicaRouter:
    """Reads inside `reading_replica` go where it decided; all else to the primary."""

    def db_for_read(self, model, **hints):
        return _reading.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _replayed_lsn() -> str | None:
    """The replica's replayed WAL position; None when it cannot be reached."""
    global _down_until
    if time.monotonic() < _down_until:
        return None
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
            return cursor.fetchone()[0]  # NULL on a server that is no replica
    except Exception as exc:  # noqa: BLE001 — any failure: use the primary
        logger.warning("read replica unavailable, reading the primary: %r", exc)
        _down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            pass
        return None


def _lsn_value(lsn: str) -> int:
    high, _, low = lsn.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def read_alias(request=None) -> str:
    """The database a heavy read for this request should use."""
    if not configured():
        return DEFAULT_DB_ALIAS
    replayed = _replayed_lsn()
    if replayed is None:
        return DEFAULT_DB_ALIAS
    written = getattr(request, "session", {}).get(SESSION_KEY) if request is not None else None
    if written and _lsn_value(replayed) < _lsn_value(written):
        return DEFAULT_DB_ALIAS  # the replica has not yet seen what this user wrote
    return REPLICA


@contextlib.contextmanager
def reading_replica(request=None):
    """Reads of the ORM inside the block go to `read_alias(request)`."""
    token = _reading.set(read_alias(request))
    try:
        yield _reading.get()
    finally:
        _reading.reset(token)


def primary_lsn() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


class PrimaryPositionMiddleware:
    """After a request that may have written, remember the primary's WAL position in the
    session, so this user's replica reads wait until the replica has replayed it.
    Installed only when DATABASE_REPLICA_URL is set; sits inside SessionMiddleware."""

    SAFE = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            request.method not in self.SAFE
            and session is not None
            and user is not None
            and user.is_authenticated
            and configured()
        ):
            try:
                session[SESSION_KEY] = primary_lsn()
            except Exception:  # noqa: BLE001 — never fail the response for this
                logger.exception("could not read the primary's WAL position")
        return response
