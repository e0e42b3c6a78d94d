"""Saved calculations of what a worker is owed, and the regional figures they use."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case


class RegionalFigure(models.Model):
    """A published figure the calculator needs, by region prefix and year, with its
    source: an average wage, a per-capita disposable income, a minimum wage.

    A row without an official bulletin to cite is demo data and says so in `source`
    ("示例数据，请核对当地统计公报"); the calculator shows the source beside the value."""

    class Figure(models.TextChoices):
        AVG_WAGE = "avg_wage", _("上年度职工月平均工资（元/月）")
        URBAN_INCOME = "urban_income", _("上一年度城镇居民人均可支配收入（元/年）")
        MIN_WAGE = "min_wage", _("月最低工资标准（元/月）")

    DEMO_SOURCE = "示例数据，请核对当地统计公报"

    region_prefix = models.CharField(
        _("地区"),
        max_length=6,
        blank=True,
        db_index=True,
        help_text=_("行政区划代码前缀；全国数据留空"),
    )
    year = models.PositiveSmallIntegerField(_("统计年度"))
    figure = models.CharField(_("指标"), max_length=20, choices=Figure.choices)
    value = models.DecimalField(_("数值（元）"), max_digits=12, decimal_places=2)
    source = models.CharField(_("来源"), max_length=200, help_text=_("统计公报或文件的名称"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("地区统计数据")
        verbose_name_plural = _("地区统计数据")
        ordering = ["region_prefix", "-year", "figure"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_prefix", "year", "figure"], name="regional_figure_unique"
            )
        ]

    def __str__(self):
        return f"{self.region_prefix or '全国'} {self.year} {self.get_figure_display()}"

    @property
    def is_demo(self) -> bool:
        return self.source == self.DEMO_SOURCE

    @classmethod
    def latest(cls, figure: str, region_code: str, *, national: bool = False):
        """The latest row of `figure` for the most specific region containing
        `region_code` (or the national row), or None."""
        prefixes = [""] if national else [region_code[:n] for n in (6, 4, 2)]
        rows = cls.objects.filter(figure=figure, region_prefix__in=prefixes).order_by("-year")
        for prefix in prefixes:
            for row in rows:
                if row.region_prefix == prefix:
                    return row
        return None


class Calculation(models.Model):
    """One saved calculation on a case (a version): the parameters as typed and the
    result with its items, formulas and citations."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="calculations")
    version = models.PositiveIntegerField(_("版本"))
    kind = models.CharField(_("计算类型"), max_length=40)
    label = models.CharField(_("名称"), max_length=100)
    params = models.JSONField(_("参数"), default=dict)
    result = models.JSONField(_("结果"), default=dict)
    total = models.DecimalField(_("合计（元）"), max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(_("用作请求金额的时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("赔偿计算")
        verbose_name_plural = _("赔偿计算")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="calculation_version_unique")
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} v{self.version}"
