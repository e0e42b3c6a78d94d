"""Generated documents and the batches that generate many at once."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.models.case import Case
from config.storage import private_storage


def document_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "pdf"
    return f"documents/{instance.case.region_code}/{instance.case.number}/{instance.kind}-v{instance.version}.{extension}"


def document_docx_path(instance, filename):
    return f"documents/{instance.case.region_code}/{instance.case.number}/{instance.kind}-v{instance.version}.docx"


class Document(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("登记回执")
        LEGALAID_APPLICATION = "legalaid_application", _("法律援助申请表")
        INJURY_APPLICATION = "injury_application", _("工伤认定申请表")
        OCCUPATIONAL_APPLICATION = "occupational_application", _("职业伤害确认申请")
        RECONSIDERATION_APPLICATION = "reconsideration_application", _("行政复议申请书")
        ARBITRATION_APPLICATION = "arbitration_application", _("劳动人事争议仲裁申请书")
        CIVIL_COMPLAINT = "civil_complaint", _("民事起诉状")
        POWER_OF_ATTORNEY = "power_of_attorney", _("授权委托书")
        CLOSING_REPORT = "closing_report", _("结案报告")

    class Origin(models.TextChoices):
        GENERATED = "generated", _("系统生成")
        UPLOADED = "uploaded", _("律师上传")

    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书"), max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField(_("版本"))
    file = models.FileField(upload_to=document_path, storage=private_storage)
    content_type = models.CharField(max_length=100, default=PDF)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    # The editable Word copy of a generated version: the same content, stored and
    # hashed like the PDF.
    docx = models.FileField(upload_to=document_docx_path, blank=True, storage=private_storage)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    docx_size = models.PositiveIntegerField(default=0)
    origin = models.CharField(
        _("来源"), max_length=10, choices=Origin.choices, default=Origin.GENERATED
    )
    # The version filed or signed: at most one per case and kind.
    final = models.BooleanField(_("最终版"), default=False)
    original_name = models.CharField(_("上传文件名"), max_length=200, blank=True)
    template_name = models.CharField(max_length=100)
    template_version = models.CharField(max_length=20)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="document_version_unique"
            ),
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(final=True), name="one_final_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()} v{self.version}"

    @property
    def extension(self) -> str:
        return "docx" if self.content_type == self.DOCX else "pdf"


class DocumentBatch(models.Model):
    """Documents generated for many cases by one django-q2 task (bulk closing reports).
    The row is the progress record the progress page polls: it lives in the database
    so it works across processes whatever the cache backend."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("文书"), max_length=30, choices=Document.Kind.choices)
    case_ids = models.JSONField(default=list)
    results = models.JSONField(default=dict, help_text="case id → document id")
    errors = models.JSONField(default=dict, help_text="case id → message")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the task last made progress; a batch still open long after it was queued
    # again on another node (documents.generate.resume_stalled_batches).
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("批量文书")
        verbose_name_plural = _("批量文书")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} × {len(self.case_ids)} ({self.status})"

    @property
    def total(self) -> int:
        return len(self.case_ids)

    @property
    def processed(self) -> int:
        return len(self.results) + len(self.errors)

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 100

    # What the progress panel links to (the poster batches share the panel).
    def progress_url(self) -> str:
        return reverse("cases:closing_reports_progress", args=[self.pk])

    def zip_url(self) -> str:
        return reverse("cases:closing_reports_zip", args=[self.pk])

    def zip_label(self) -> str:
        n = len(self.results)
        return ngettext("下载 %(n)s 份结案报告（ZIP）", "下载 %(n)s 份结案报告（ZIP）", n) % {
            "n": n
        }
