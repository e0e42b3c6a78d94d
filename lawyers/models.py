import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from stations.regions import validate_region_prefix

LICENSE_RE = re.compile(r"^[1-6]\d{16}$")


def validate_license_number(value: str) -> None:
    """律师执业证号: 17 digits (region code, year, category, sex and sequence)."""
    if not LICENSE_RE.match(value or ""):
        raise ValidationError(_("律师执业证号应为 17 位数字，例如 11101201910123456。"))


class ClaimType(models.TextChoices):
    """Kinds of claim a case can carry; lawyers list the ones they take."""

    INJURY = "injury", _("工伤")
    OCCUPATIONAL = "occupational", _("职业伤害（平台试点）")
    WAGE = "wage", _("欠薪")
    TORT = "tort", _("交通事故/侵权")
    LABOR = "labor", _("其他劳动争议")
    CONSULT = "consult", _("仅咨询")


class LawyerQuerySet(models.QuerySet):
    def available(self, today=None):
        today = today or timezone.localdate()
        return self.filter(active=True).exclude(on_leave_until__gte=today)


class Lawyer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lawyer"
    )
    name = models.CharField(_("姓名"), max_length=50)
    license_number = models.CharField(
        _("执业证号"), max_length=17, unique=True, validators=[validate_license_number]
    )
    firm = models.CharField(_("律师事务所"), max_length=100)
    phone = PhoneNumberField(_("手机号"), region="CN")
    email = models.EmailField(_("电子邮箱"), blank=True)
    specialties = models.JSONField(
        _("擅长领域"), default=list, blank=True, help_text=_("案件类型代码列表")
    )
    capacity = models.PositiveSmallIntegerField(
        _("同时办理案件上限"), default=8, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(_("在册"), default=True)
    on_leave_until = models.DateField(_("休假至"), null=True, blank=True)
    conflicts = models.TextField(
        _("利益冲突单位"), blank=True, help_text=_("不能作为对方代理的单位，每行一个")
    )
    last_assigned_at = models.DateTimeField(_("最近分配时间"), null=True, blank=True)
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)

    objects = LawyerQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿律师")
        verbose_name_plural = _("志愿律师")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.firm}）"

    def is_available(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.active and not (self.on_leave_until and self.on_leave_until >= today)

    @property
    def conflict_names(self) -> list[str]:
        return [line.strip() for line in self.conflicts.splitlines() if line.strip()]

    def get_specialties_display(self) -> str:
        labels = dict(ClaimType.choices)
        return _("、").join(str(labels.get(s, s)) for s in self.specialties)


class ServiceRegion(models.Model):
    """A region prefix the lawyer serves: 11 (province), 1101 (city) or 110105 (district)."""

    lawyer = models.ForeignKey(Lawyer, on_delete=models.CASCADE, related_name="regions")
    prefix = models.CharField(
        _("服务地区"), max_length=6, validators=[validate_region_prefix], db_index=True
    )

    class Meta:
        verbose_name = _("服务地区")
        verbose_name_plural = _("服务地区")
        constraints = [
            models.UniqueConstraint(fields=["lawyer", "prefix"], name="service_region_unique")
        ]

    def __str__(self):
        return self.prefix
