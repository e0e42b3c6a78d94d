"""Self-help requests sent from a station's QR code, and the poster batches that
print those codes. Phone numbers appear only as keyed hashes."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.models.case import Case
from stations.models import Station


class SelfHelpRequest(models.Model):
    """One self-help request, from the phone step to the case it became.

    `token` is the form's idempotency key: the case is created in the same transaction
    that ties it to this row, so a form sent twice makes one case. The row also tells
    the code task that a phone without cases asked for a code here (cases.tasks), and
    counts toward the phone's daily cap (cases.selfhelp.submission)."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="self_help"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The first time someone from the union opened or acted on the case; the worker is
    # told once, by SMS.
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("自助求助")
        verbose_name_plural = _("自助求助")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["phone_hash", "submitted_at"], name="selfhelp_daily")]

    def __str__(self):
        return f"{self.station_id} {self.phone_hash[:8]} {self.started_at:%Y-%m-%d %H:%M}"


class PosterBatch(models.Model):
    """The posters of many stations made by one django-q2 task, zipped on download.
    The same progress record as DocumentBatch (the progress page is shared)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    station_ids = models.JSONField(default=list)
    base_url = models.CharField(max_length=200)  # where the QR codes point
    results = models.JSONField(default=dict, help_text="station id → stored file name")
    errors = models.JSONField(default=dict, help_text="station id → message")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("批量海报")
        verbose_name_plural = _("批量海报")
        ordering = ["-created_at"]

    def __str__(self):
        return f"posters × {len(self.station_ids)} ({self.status})"

    @property
    def total(self) -> int:
        return len(self.station_ids)

    @property
    def processed(self) -> int:
        return len(self.results) + len(self.errors)

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 100

    # What the shared progress panel (cases/closing_reports_progress_panel.html) links to.
    def progress_url(self) -> str:
        return reverse("cases:posters_progress", args=[self.pk])

    def zip_url(self) -> str:
        return reverse("cases:posters_zip", args=[self.pk])

    def zip_label(self) -> str:
        n = len(self.results)
        return ngettext("下载 %(n)s 张海报（ZIP）", "下载 %(n)s 张海报（ZIP）", n) % {"n": n}
