"""Drawn statistics sections, kept in the cache until the figures behind them change.

A section page costs a few rollup queries and a large template (tables and charts): tens
of milliseconds at the national level. Most views of it find nothing changed since the
last one, so the drawn section is kept in the cache under what it depends on — section,
scope, period, what the viewer may see (suppressed, links) and language — together with
the *version* of its scope's figures when it was drawn.

The version is two numbers read in one indexed query: the newest change mark
(`StatChange`, added by every rollup write in the writer's transaction) in the scope,
and the oldest mark kept (the nightly reconcile replaces them all, so repaired figures
show at once). A copy whose version is current is served; so is one younger than
`STATISTICS_MAX_AGE` seconds even if the scope changed since (a national page changes
with every case in the country, and people reading it do not need it redrawn for each
one: the page says when its figures were taken). With the setting at 0, every change
shows at once.

What the marks do not see: a name corrected in the back office (a region, a respondent)
and a lawyer's capacity show with the scope's next change, or after the nightly reconcile.

Nothing here reads the case table; whatever the number of cases, a page served from the
cache costs the same.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import get_language

from cases.models import StatChange
from cases.statistics.dashboard import Scope
from cases.statistics.periods import Period

KEY_VERSION = 1  # bump when what a section draws changes shape


@dataclass(frozen=True)
class Drawn:
    html: str
    version: tuple
    taken_at: datetime.datetime


def version(scope: Scope) -> tuple:
    """The oldest mark kept and the newest in the scope, each with its token: one query,
    two index lookups."""
    # The same database as the figures (the read replica, inside replica.reading_replica):
    # a replica behind the primary then gives the older version with the older figures.
    connection = connections[router.db_for_read(StatChange)]
    table = connection.ops.quote_name(StatChange._meta.db_table)
    if scope.station:
        where, params = "station = %s", [scope.station.pk]
    elif len(scope.prefix) == 6:
        where, params = "region_code = %s", [scope.prefix]
    elif scope.prefix:
        # A range, not LIKE: PostgreSQL uses the index for LIKE only in the C collation.
        upper = str(int(scope.prefix) + 1).zfill(len(scope.prefix))
        where, params = "region_code >= %s AND region_code < %s", [scope.prefix, upper]
    else:
        where, params = "1 = 1", []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT oldest.id, oldest.token, newest.id, newest.token "
            f"FROM (SELECT id, token FROM {table} ORDER BY id LIMIT 1) AS oldest "
            f"LEFT JOIN (SELECT id, token FROM {table} WHERE {where} ORDER BY id DESC LIMIT 1) "
            f"AS newest ON 1 = 1",
            params,
        )
        row = cursor.fetchone()
    return tuple(row) if row else ("no marks",)


def key(section: str, scope: Scope, period: Period, *, suppressed: bool, links: bool) -> str:
    return ":".join(
        str(part)
        for part in (
            "stats",
            KEY_VERSION,
            section,
            scope.depth,
            scope.area or "-",
            scope.station_id,
            f"{period.first:%Y%m}",
            f"{period.last:%Y%m}",
            int(suppressed),
            int(links),
            get_language() or "",
        )
    )


def drawn(cache_key: str, scope: Scope, draw) -> Drawn:
    """The page's statistics HTML from the cache when still good, else `draw(now)` (and
    kept)."""
    current = version(scope)
    kept = cache.get(cache_key)
    now = timezone.now()
    if kept is not None and (
        kept.version == current
        or now - kept.taken_at < datetime.timedelta(seconds=settings.STATISTICS_MAX_AGE)
    ):
        return kept
    fresh = Drawn(html=draw(now), version=current, taken_at=now)
    cache.set(cache_key, fresh, timeout=settings.STATISTICS_CACHE_SECONDS)
    return fresh
