"""The A4 poster each station hangs up: its QR code to the self-help page, the status
page's address and the union hotline 12351. Rendered by the documents' WeasyPrint
setup (cases.documents.generate.html_to_pdf: CJK fonts checked, nothing fetched but
static files and data: URLs); the QR code is an SVG data: URL made by segno.

Many stations at once: a PosterBatch row and the django-q2 task "cases.tasks.
generate_posters" (the closing reports' batch pattern and progress page); each poster
is stored under posters/<batch>/ in the private storage and the ZIP is built on
download, from the stations the user may still see.
"""

import logging
import re
import zipfile

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from cases.documents.generate import DocumentError, html_to_pdf
from cases.models import PosterBatch
from cases.permissions import is_coordinator
from config.storage import private_storage
from stations.models import Station
from stations.regions import scope_q

logger = logging.getLogger(__name__)

MAX_BATCH = 1000
HOTLINE = "12351"


class PosterRefused(Exception):
    """Why no batch was started, for the user."""


def base_url(request) -> str:
    """The site's public address for the QR code: PUBLIC_URL, else this request's host."""
    return settings.PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")


def selfhelp_url(base: str, station) -> str:
    return base.rstrip("/") + reverse("selfhelp:start", args=[station.code])


def stations_for(user):
    """The active stations whose posters this user may print: their own stations, or
    every station in their region."""
    return Station.objects.visible_to(user).filter(active=True).order_by("region_code", "code")


def render_poster(station, base: str) -> bytes:
    url = selfhelp_url(base, station)
    qr = segno.make(url, error="m")
    # Hung up in China: always Simplified Chinese, whoever prints it.
    with translation.override("zh-hans"):
        html = render_to_string(
            "documents/poster.html",
            {
                "station": station,
                "selfhelp_url": url,
                "status_url": base.rstrip("/") + reverse("status:start"),
                "qr": qr.svg_data_uri(scale=10, border=2),
                "hotline": HOTLINE,
            },
        )
    return html_to_pdf(html)


def poster_name(station) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", f"{station.code}-{station.name}")
    return f"{safe[:80]}-自助求助海报.pdf"


# ---------------------------------------------------------------------------
# Many at once


def start_batch(user, prefix: str, base: str) -> PosterBatch:
    """A batch of the posters of every active station in the user's region (narrowed
    to `prefix` when given); the task makes them."""
    if not is_coordinator(user):
        raise PosterRefused(_("只有工会协调员可以批量下载海报。"))
    stations = stations_for(user)
    if prefix:
        stations = stations.filter(scope_q("region_code", [prefix]))
    ids = list(stations.values_list("pk", flat=True)[: MAX_BATCH + 1])
    if not ids:
        raise PosterRefused(_("所选地区没有启用的驿站。"))
    if len(ids) > MAX_BATCH:
        raise PosterRefused(
            _("一次最多 %(n)d 个驿站，请先选择下一级地区再下载。") % {"n": MAX_BATCH}
        )
    batch = PosterBatch.objects.create(created_by=user, station_ids=ids, base_url=base)
    transaction.on_commit(lambda: async_task("cases.tasks.generate_posters", batch.pk))
    return batch


def _stored_name(batch, station_id) -> str:
    return f"posters/{batch.pk}/station-{station_id}.pdf"


def run_batch(batch_id: int) -> None:
    """Make the batch's posters one by one, recording progress after each. Safe to run
    twice: a station already done is skipped, a finished batch left alone."""
    batch = PosterBatch.objects.get(pk=batch_id)
    if batch.status == PosterBatch.Status.DONE:
        return
    PosterBatch.objects.filter(pk=batch.pk, status=PosterBatch.Status.QUEUED).update(
        status=PosterBatch.Status.RUNNING, started_at=timezone.now()
    )
    stations = Station.objects.in_bulk(batch.station_ids)
    for station_id in batch.station_ids:
        batch.refresh_from_db(fields=["results", "errors"])
        key = str(station_id)
        if key in batch.results or key in batch.errors:
            continue
        station = stations.get(station_id)
        try:
            if station is None:
                raise DocumentError(_("驿站已删除。"))
            name = _stored_name(batch, station_id)
            private_storage().delete(name)
            private_storage().save(name, ContentFile(render_poster(station, batch.base_url)))
            batch.results[key] = name
        except DocumentError as exc:
            batch.errors[key] = str(exc)
        except Exception:  # one bad poster must not stop the rest
            logger.exception("poster for station %s failed", station_id)
            batch.errors[key] = _("生成失败，请稍后重试。")
        batch.save(update_fields=["results", "errors"])
    PosterBatch.objects.filter(pk=batch.pk).update(
        status=PosterBatch.Status.DONE, finished_at=timezone.now()
    )


def write_zip(batch, user, fileobj) -> int:
    """The batch's posters of stations the user may still see; returns how many."""
    visible = stations_for(user).in_bulk([int(k) for k in batch.results])
    count = 0
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        for key, name in sorted(batch.results.items()):
            station = visible.get(int(key))
            if station is None:
                continue
            with private_storage().open(name, "rb") as f:
                archive.writestr(poster_name(station), f.read())
            count += 1
    return count
