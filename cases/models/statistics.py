"""The statistics rollup, and the record of every statistics export.

`StatCell` is one number of the rollup: for one month, one area and one fact (metric,
key, sub), how many cases (`n`) and the amounts claimed and recovered they carry. The
facts each case contributes are defined once, in cases/statistics/rollup.py; the
write paths (intake, every transition, deadline closures) add the difference a change
makes, inside their transaction, and a nightly task recomputes the lot and repairs any
drift. Dashboards read a few hundred of these rows, never the case table.

Areas: depth 0 is the country (area ""), 1 a province ("11"), 2 a city ("1101"),
3 a district ("110105"), 4 a station (area = its district, `station` = its id). Depth 4
keeps only the facts a station's page shows (rollup.STATION_METRICS).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.storage import private_storage


class StatCell(models.Model):
    month = models.DateField()  # the first day of the month
    depth = models.PositiveSmallIntegerField()
    area = models.CharField(max_length=6)
    station = models.IntegerField(default=0)  # a station id at depth 4, else 0
    metric = models.CharField(max_length=20)
    key = models.CharField(max_length=100)
    sub = models.CharField(max_length=20, blank=True)
    n = models.IntegerField(default=0)
    claimed = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    recovered = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        constraints = [
            # Also the index of a scope's own rows (dashboard.own_rows: depth, area and
            # station equal, a few metrics, a range of months): metric before month, or a
            # national page walks every respondent row of its months to find its five metrics
            # (43 ms at 300,000 cases; the respondents grow with the cases).
            models.UniqueConstraint(
                fields=["depth", "area", "station", "metric", "month", "key", "sub"],
                name="statcell_unique_by_metric",
            )
        ]
        indexes = [models.Index(fields=["depth", "metric", "area", "month"], name="statcell_child")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.area or '*'}/{self.station} {self.metric}:{self.key}:{self.sub}"


def new_token() -> int:
    return secrets.randbits(62)


class StatChange(models.Model):
    """A mark that the rollup changed for a station: one row per committed change (the
    write paths and the reconcile add it). A statistics page's cached copy is current
    while the newest mark in its scope, and the oldest mark kept, are what they were
    when it was drawn (cases/statistics/freshness.py). Rows only ever get added, so
    writers never wait on one another; the nightly reconcile deletes all but the newest.
    """

    region_code = models.CharField(max_length=6)
    station = models.IntegerField(default=0)
    # Ids can come round again (SQLite reuses them after a rollback, a restored backup
    # starts from its own sequence) while a cached page survives in Redis: a random
    # token makes the newest mark's version its own.
    token = models.BigIntegerField(default=new_token)

    class Meta:
        verbose_name = _("统计变动标记")
        verbose_name_plural = _("统计变动标记")
        indexes = [
            models.Index(fields=["region_code", "id"], name="statchange_area"),
            models.Index(fields=["station", "id"], name="statchange_station"),
        ]

    def __str__(self):
        return f"{self.pk} {self.region_code}/{self.station}"


class Respondent(models.Model):
    """How a respondent is shown: the first name seen for a normalised key
    (lawyers.routing.normalize_org). Written at intake; the dashboards look names up here
    rather than in the parties of thousands of cases."""

    key = models.CharField(max_length=100, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20)

    class Meta:
        verbose_name = _("被申请单位")
        verbose_name_plural = _("被申请单位")

    def __str__(self):
        return self.name


class ExportLog(models.Model):
    """Every statistics export: who took which figures or which cases out, when.

    Kept apart from the case log (an export concerns many cases, or none) and from any
    security-event log, so the two can be reconciled later without a migration here."""

    class Kind(models.TextChoices):
        MONTHLY_XLSX = "monthly_xlsx", _("月度统计报表（XLSX）")
        MONTHLY_PDF = "monthly_pdf", _("月度统计报表（PDF）")
        LEDGER_CSV = "ledger_csv", _("案件台账（CSV）")
        LEDGER_XLSX = "ledger_xlsx", _("案件台账（XLSX）")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("导出人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    scope = models.CharField(_("地区"), max_length=6, blank=True)
    station = models.IntegerField(_("驿站"), null=True, blank=True)
    first_month = models.DateField(_("起始月份"))
    last_month = models.DateField(_("截止月份"))
    rows = models.PositiveIntegerField(_("案件数"), default=0)
    suppressed = models.BooleanField(_("小数值已隐去"), default=False)

    class Meta:
        verbose_name = _("统计导出记录")
        verbose_name_plural = _("统计导出记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.kind}"


class ExportJob(models.Model):
    """A large case ledger written by a django-q2 task; the progress page polls this row
    (the DocumentBatch pattern), and the finished file is served once per download."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ExportLog.Kind.choices)
    params = models.JSONField(default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True, storage=private_storage)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("台账导出任务")
        verbose_name_plural = _("台账导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.status}"

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 100
