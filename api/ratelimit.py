"""Calls per client per minute, counted in the database so that every web node sees
the same count: one upsert per call (INSERT … ON CONFLICT … RETURNING, on PostgreSQL
and SQLite alike). Old windows are deleted by api/housekeeping.py."""

import datetime
import math

from django.db import connection
from django.utils import timezone

from api.models import RateWindow

WINDOW = datetime.timedelta(minutes=1)


def hit(client, now=None) -> tuple[int, int]:
    """Count one call; returns (calls in this minute, seconds until the next minute)."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (client_id, minute, calls) VALUES (%s, %s, 1)"
            " ON CONFLICT (client_id, minute) DO UPDATE SET calls = "
            f"{table}.calls + 1 RETURNING calls",
            [client.pk, minute],
        )
        (calls,) = cursor.fetchone()
    wait = math.ceil((minute + WINDOW - now).total_seconds())
    return calls, max(1, wait)
