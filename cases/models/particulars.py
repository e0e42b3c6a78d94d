"""What the forms filed for a worker need beyond the case record, and the admin's tables
of the bodies they are filed with.

`Particulars` is completed by the lawyer on the case's 文书信息 page (every change is in
the case log); `ArbitrationCommission` and `LocalField` are edited in the back office.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from stations.regions import validate_region_prefix


class ArbitrationCommission(models.Model):
    """A 劳动人事争议仲裁委员会 under its official name, by the region it serves.

    The application is addressed to it by name (调解仲裁法 21 II: where the contract is
    performed or where the employer is located); a name built from the province, city
    and district strings is not a name a commission answers to."""

    region_prefix = models.CharField(
        _("管辖地区"),
        max_length=6,
        validators=[validate_region_prefix],
        db_index=True,
        help_text=_("行政区划代码前缀：53 为省，5301 为市，530103 为区县"),
    )
    name = models.CharField(
        _("正式名称"), max_length=100, help_text=_("例如：昆明市盘龙区劳动人事争议仲裁委员会")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    source = models.CharField(
        _("名称来源"), max_length=200, blank=True, help_text=_("例如当地人社局网站的公告")
    )

    class Meta:
        verbose_name = _("劳动人事争议仲裁委员会")
        verbose_name_plural = _("劳动人事争议仲裁委员会")
        ordering = ["region_prefix", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def covering(cls, region_code: str):
        """The commission of the most specific region containing `region_code`, or None."""
        prefixes = [region_code[:n] for n in (6, 4, 2) if region_code[:n]]
        rows = {c.region_prefix: c for c in cls.objects.filter(region_prefix__in=prefixes)}
        return next((rows[p] for p in prefixes if p in rows), None)


class LocalField(models.Model):
    """A field a local body's form asks for that the national form does not, e.g. the
    职业伤害确认 form of a pilot province (the pilot's handling rules are local)."""

    region_prefix = models.CharField(
        _("适用地区"), max_length=6, validators=[validate_region_prefix], db_index=True
    )
    document_kind = models.CharField(_("文书"), max_length=30)
    key = models.SlugField(_("字段代码"), max_length=40)
    label = models.CharField(_("字段名称"), max_length=100)
    help_text = models.CharField(_("填写说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("当地经办规程的名称和文号")
    )

    class Meta:
        verbose_name = _("地方文书字段")
        verbose_name_plural = _("地方文书字段")
        ordering = ["document_kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_prefix", "document_kind", "key"], name="local_field_unique"
            )
        ]

    def __str__(self):
        return f"{self.region_prefix} {self.label}"

    @classmethod
    def for_region(cls, region_code: str, kind: str) -> list["LocalField"]:
        prefixes = [region_code[:n] for n in (2, 4, 6)]
        fields = cls.objects.filter(region_prefix__in=prefixes, document_kind=kind)
        # A more specific region's field of the same key wins.
        by_key = {}
        for field in sorted(fields, key=lambda f: len(f.region_prefix)):
            by_key[field.key] = field
        return sorted(by_key.values(), key=lambda f: (f.order, f.pk))


class Particulars(models.Model):
    """The particulars of a case that only the forms need, one row per case."""

    class Applicant(models.TextChoices):
        # 工伤保险条例 17 II: when the employer has not applied.
        SELF = "self", _("受伤害职工本人")
        RELATIVE = "relative", _("近亲属")
        UNION = "union", _("工会组织")

    class Decision(models.TextChoices):
        RECOGNISED = "recognised", _("认定为工伤")
        NOT_RECOGNISED = "not_recognised", _("不予认定工伤")
        NOT_ACCEPTED = "not_accepted", _("不予受理工伤认定申请")
        OCCUPATIONAL_CONFIRMED = "occupational_confirmed", _("确认为职业伤害")
        OCCUPATIONAL_REFUSED = "occupational_refused", _("不予确认职业伤害")

    FAVOURABLE = (Decision.RECOGNISED, Decision.OCCUPATIONAL_CONFIRMED)

    class CommissionBasis(models.TextChoices):
        PERFORMANCE = "performance", _("劳动合同履行地")
        EMPLOYER = "employer", _("用人单位所在地")

    class CourtBasis(models.TextChoices):
        ACCIDENT = "accident", _("事故发生地")
        DOMICILE = "domicile", _("被告住所地")

    class Authority(models.TextChoices):
        GENERAL = "general", _("一般代理")
        SPECIAL = "special", _("特别授权")

    class Opinion(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        FAIR = "fair", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="particulars")

    # 法律援助: the centre, its 指派 and earlier applications (法律援助法 38, 43).
    legalaid_centre = models.CharField(_("法律援助机构"), max_length=100, blank=True)
    assignment_number = models.CharField(_("指派通知书编号"), max_length=50, blank=True)
    assignment_date = models.DateField(_("指派日期"), null=True, blank=True)
    prior_legalaid = models.CharField(
        _("此前申请法律援助情况"), max_length=200, blank=True, help_text=_("没有则不填")
    )

    # The accident (工伤认定申请表, 职业伤害确认申请; 工伤保险条例 18 II).
    accident_time = models.TimeField(_("事故发生时刻"), null=True, blank=True)
    accident_place = models.CharField(_("事故地点"), max_length=200, blank=True)
    accident_cause = models.CharField(_("事故主要原因"), max_length=300, blank=True)
    injured_parts = models.CharField(_("受伤害部位"), max_length=200, blank=True)
    diagnosed_on = models.DateField(_("诊断时间"), null=True, blank=True)
    work_started_on = models.DateField(_("参加工作时间"), null=True, blank=True)
    injury_applicant = models.CharField(
        _("工伤认定申请人"), max_length=10, choices=Applicant.choices, default=Applicant.SELF
    )
    applicant_name = models.CharField(_("申请人姓名（近亲属/工会）"), max_length=100, blank=True)
    applicant_relation = models.CharField(
        _("与职工关系"), max_length=20, blank=True, help_text=_("例如配偶、父亲")
    )
    applicant_phone = models.CharField(_("申请人电话"), max_length=30, blank=True)
    applicant_address = models.CharField(_("申请人地址"), max_length=200, blank=True)
    occupational_agency = models.CharField(_("职业伤害保障经办机构"), max_length=100, blank=True)
    local_values = models.JSONField(_("地方字段"), default=dict, blank=True)

    # The decision challenged (行政复议法 11 (七), 20, 24).
    injury_decision = models.CharField(
        _("认定/确认结论"), max_length=30, choices=Decision.choices, blank=True
    )
    decision_body = models.CharField(
        _("作出决定的机关"),
        max_length=100,
        blank=True,
        help_text=_("例如昆明市盘龙区人力资源和社会保障局"),
    )
    decision_number = models.CharField(_("决定书文号"), max_length=80, blank=True)
    decision_date = models.DateField(_("决定书日期"), null=True, blank=True)
    reconsideration_body = models.CharField(
        _("行政复议机关"),
        max_length=100,
        blank=True,
        help_text=_("对县级以上人社部门的决定，向同级人民政府申请（行政复议法第二十四条）"),
    )
    reconsideration_request = models.TextField(_("行政复议请求"), blank=True)
    reconsideration_reasons = models.TextField(_("复议的事实和理由"), blank=True)

    # Where to file.
    commission = models.ForeignKey(
        ArbitrationCommission,
        verbose_name=_("仲裁委员会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commission_basis = models.CharField(
        _("仲裁管辖依据"),
        max_length=20,
        choices=CommissionBasis.choices,
        default=CommissionBasis.PERFORMANCE,
    )
    court = models.CharField(_("受诉人民法院"), max_length=100, blank=True)
    court_basis = models.CharField(
        _("法院管辖依据"), max_length=20, choices=CourtBasis.choices, default=CourtBasis.ACCIDENT
    )
    witnesses = models.TextField(_("证人姓名和住所"), blank=True)

    # 授权委托书 (民事诉讼法 62, 民诉解释 89).
    poa_authority = models.CharField(
        _("代理权限"), max_length=10, choices=Authority.choices, default=Authority.GENERAL
    )
    poa_items = models.JSONField(_("特别授权事项"), default=list, blank=True)

    # 结案 (法律援助法 50, 59).
    documents_obtained = models.JSONField(_("取得的法律文书"), default=list, blank=True)
    worker_opinion = models.CharField(
        _("受援人意见"), max_length=20, choices=Opinion.choices, blank=True
    )
    followup_date = models.DateField(_("回访日期"), null=True, blank=True)
    followup_note = models.CharField(_("回访情况"), max_length=300, blank=True)
    # What was recovered for each claimed item (Case.claimed_items code → yuan).
    recovered_items = models.JSONField(_("各项挽回金额"), default=dict, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("文书信息")
        verbose_name_plural = _("文书信息")

    def __str__(self):
        return f"{self.case_id}"

    @property
    def decision_favourable(self) -> bool:
        return self.injury_decision in self.FAVOURABLE
