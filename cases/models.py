"""Cases and everything that hangs on them (DESIGN §3–5).

The state field is protected: only `cases.workflow.apply_transition` changes it.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from phonenumber_field.modelfields import PhoneNumberField

from lawyers.models import ClaimType, Lawyer
from stations.models import Access, Station
from stations.regions import scope_q

from .validators import mask_id_number, mask_phone, normalize_id_number, validate_id_number

# ---------------------------------------------------------------------------
# Worker and consent


class Worker(models.Model):
    class Platform(models.TextChoices):
        MEITUAN = "meituan", _("美团")
        ELEME = "eleme", _("饿了么")
        SF = "sf", _("顺丰")
        JD = "jd", _("京东")
        DIDI = "didi", _("滴滴")
        HUOLALA = "huolala", _("货拉拉")
        DADA = "dada", _("达达")
        ZTO = "zto", _("中通/圆通/韵达等快递")
        OTHER = "other", _("其他")

    class Arrangement(models.TextChoices):
        CONTRACT = "contract", _("劳动合同")
        AGENCY = "agency", _("外包/劳务派遣")
        CROWD = "crowd", _("众包")
        UNKNOWN = "unknown", _("不清楚")

    name = models.CharField(_("姓名"), max_length=50)
    phone = PhoneNumberField(_("手机号"), region="CN", db_index=True)
    id_number = models.CharField(
        _("身份证号"), max_length=18, blank=True, validators=[validate_id_number]
    )
    platform = models.CharField(
        _("平台"), max_length=20, choices=Platform.choices, default=Platform.OTHER
    )
    arrangement = models.CharField(
        _("用工方式"), max_length=20, choices=Arrangement.choices, default=Arrangement.UNKNOWN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("劳动者")
        verbose_name_plural = _("劳动者")

    def __str__(self):
        return f"{self.name} {self.masked_phone}"

    def clean(self):
        self.id_number = normalize_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class ConsentText(models.Model):
    """A version of the PIPL consent text read to the worker at intake."""

    version = models.CharField(_("版本"), max_length=20, unique=True)
    text = models.TextField(_("告知同意书正文"))
    active = models.BooleanField(_("当前使用"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息告知同意书")
        verbose_name_plural = _("个人信息告知同意书")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_consent"
            )
        ]

    def __str__(self):
        return f"v{self.version}"

    @classmethod
    def current(cls):
        return cls.objects.filter(active=True).first()


# ---------------------------------------------------------------------------
# Case


class CaseSequence(models.Model):
    """The last case number issued per region and year."""

    region_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="case_sequence_unique")
        ]

    def __str__(self):
        return f"{self.region_code}-{self.year}: {self.last}"

    @classmethod
    def next_number(cls, region_code: str, year: int) -> str:
        """Must run inside the intake's transaction: the UPDATE locks the row until commit."""
        for _attempt in range(2):
            rows = cls.objects.filter(region_code=region_code, year=year).update(last=F("last") + 1)
            if rows:
                last = cls.objects.get(region_code=region_code, year=year).last
                return f"{region_code}-{year}-{last:05d}"
            cls.objects.bulk_create(
                [cls(region_code=region_code, year=year)], ignore_conflicts=True
            )
        raise RuntimeError("could not allocate a case number")


def join_claims(codes) -> str:
    order = [c for c, _label in ClaimType.choices]
    return " ".join(sorted(set(codes), key=order.index))


def claims_display(codes) -> str:
    """The claims in words, e.g. "工伤、欠薪"."""
    labels = dict(ClaimType.choices)
    return str(_("、")).join(str(labels.get(code, code)) for code in codes)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything a user may open. Anything else must be a 404 (PIPL: not even its existence)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        access = Access.of(user)
        query = Q(station_id__in=access.station_ids) | scope_q("region_code", access.scopes)
        lawyer = getattr(user, "lawyer", None)
        if lawyer is not None:
            query |= Q(lawyer=lawyer)
        return self.filter(query)

    def handed_over_by(self, lawyer):
        """Cases taken off this lawyer by reassignment and not given back. DESIGN §4:
        they keep reading their own notes there, and nothing else of the case."""
        return (
            self.filter(assignments__lawyer=lawyer, assignments__status=Assignment.Status.REPLACED)
            .exclude(lawyer=lawyer)
            .distinct()
        )

    def with_claim(self, code: str):
        # Claim codes are whole words in `claims` and none is a substring of another.
        return self.filter(claims__contains=code)

    def open(self):
        return self.filter(state__in=Case.OPEN_STATES)


def is_consultation(case) -> bool:
    return case.claim_list == [ClaimType.CONSULT]


def claim_is_in_scope(case) -> bool:
    """Legal aid covers everything but a pure consultation (法律援助法 31)."""
    return not is_consultation(case)


def has_closing_report(case) -> bool:
    return case.documents.filter(kind="closing_report").exists()


def has_lawyer(case) -> bool:
    return case.lawyer_id is not None


# Why a condition failed, in words apply_transition can show.
is_consultation.message = _("只有“仅咨询”的求助可以当场解答办结。")
claim_is_in_scope.message = _("仅咨询的求助不属于法律援助范围，请当场解答办结。")
has_closing_report.message = _("请先生成结案报告，再归档。")
has_lawyer.message = _("该案件没有承办律师，不能重新办理。")


# Who may run each transition; django-fsm calls these as permission(instance, user).
# The decorator does not enforce them: cases.workflow.apply_transition does.


def _works_station(case, user) -> bool:
    return user.is_superuser or case.station_id in Access.of(user).station_ids


def _coordinates(case, user) -> bool:
    access = Access.of(user)
    return user.is_superuser or (access.is_coordinator and access.covers(case.region_code))


def _is_assigned_lawyer(case, user) -> bool:
    lawyer = getattr(user, "lawyer", None)
    return lawyer is not None and case.lawyer_id == lawyer.pk


def can_intake_decide(case, user) -> bool:
    return _works_station(case, user) or _coordinates(case, user)


def can_coordinate(case, user) -> bool:
    return _coordinates(case, user)


def can_act_as_lawyer(case, user) -> bool:
    return _is_assigned_lawyer(case, user)


def can_resolve(case, user) -> bool:
    return _is_assigned_lawyer(case, user) or _coordinates(case, user)


def can_work_case(case, user) -> bool:
    return _works_station(case, user) or _coordinates(case, user) or _is_assigned_lawyer(case, user)


class Case(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", _("已登记")
        ACCEPTED = "accepted", _("已受理援助")
        ASSIGNED = "assigned", _("待律师接案")
        IN_PROGRESS = "in_progress", _("律师办理中")
        RESOLVED = "resolved", _("已办结")
        CLOSED = "closed", _("已归档")
        REFERRED = "referred", _("已转介")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN_STATES = [State.RECEIVED, State.ACCEPTED, State.ASSIGNED, State.IN_PROGRESS]
    # Ended for good (DESIGN §4: close archives; withdraw ends it). The record is then
    # read-only: no evidence, attachments, milestones or deadline changes; notes only.
    ARCHIVED_STATES = [State.CLOSED, State.WITHDRAWN]

    # What a worker reads on the status page: plain sentences, not internal names.
    WORKER_LABELS = {
        State.RECEIVED: _("已登记，工会正在审核您的求助"),
        State.ACCEPTED: _("已受理，正在为您安排律师"),
        State.ASSIGNED: _("已为您联系律师，等待律师确认"),
        State.IN_PROGRESS: _("律师已接案，正在办理"),
        State.RESOLVED: _("案件已办结"),
        State.CLOSED: _("案件已办结并归档"),
        State.REFERRED: _("已转介到其他机构办理"),
        State.WITHDRAWN: _("已按您的要求撤回"),
    }

    class Eligibility(models.TextChoices):
        UNDECIDED = "undecided", _("待审查")
        EXEMPT_42_3 = "exempt_42_3", _("免予经济困难审查（法律援助法第四十二条第三项）")
        HARDSHIP_MET = "hardship_met", _("经审查符合经济困难标准")
        HARDSHIP_NOT_MET = "hardship_not_met", _("经审查不符合经济困难标准")

    class Outcome(models.TextChoices):
        ADVICE = "advice", _("当场解答咨询")
        SETTLEMENT = "settlement", _("调解/和解")
        RECOGNITION = "recognition", _("认定工伤")
        AWARD = "award", _("仲裁裁决")
        JUDGMENT = "judgment", _("法院判决")
        PAID = "paid", _("用人单位支付/清偿")
        UNSUCCESSFUL = "unsuccessful", _("未获支持")
        OTHER = "other", _("其他")

    number = models.CharField(_("案件编号"), max_length=20, unique=True, editable=False)
    worker = models.ForeignKey(
        Worker, verbose_name=_("劳动者"), on_delete=models.PROTECT, related_name="cases"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("登记驿站"), on_delete=models.PROTECT, related_name="cases"
    )
    region_code = models.CharField(_("区划代码"), max_length=6, db_index=True, editable=False)
    claims = models.CharField(_("求助类型"), max_length=80, help_text=_("空格分隔的类型代码"))
    incident_date = models.DateField(_("事发日期"), null=True, blank=True)
    facts = models.TextField(_("事实经过"))
    amount_claimed = models.DecimalField(
        _("请求金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    evidence = models.JSONField(_("证据清单"), default=dict, blank=True)

    consent = models.ForeignKey(ConsentText, verbose_name=_("同意书版本"), on_delete=models.PROTECT)
    consent_at = models.DateTimeField(_("同意时间"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同意记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    access_code_hash = models.CharField(max_length=64, editable=False)

    state = FSMField(
        _("状态"), choices=State.choices, default=State.RECEIVED, protected=True, db_index=True
    )
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("承办律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )

    eligibility = models.CharField(
        _("援助资格"), max_length=20, choices=Eligibility.choices, default=Eligibility.UNDECIDED
    )
    eligibility_note = models.TextField(_("资格审查说明"), blank=True)
    referred_to = models.CharField(_("转介机构"), max_length=200, blank=True)
    referral_reason = models.TextField(_("转介原因"), blank=True)

    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    amount_recovered = models.DecimalField(
        _("挽回金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    outcome_date = models.DateField(_("办结日期"), null=True, blank=True)
    outcome_note = models.TextField(_("办理结果说明"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("最后更新"), auto_now=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    lawyer_accepted_at = models.DateTimeField(_("律师接案时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["lawyer", "state"]),
            models.Index(fields=["station", "state"]),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cases:detail", args=[self.number])

    # Claims ---------------------------------------------------------------
    @property
    def claim_list(self) -> list[str]:
        return self.claims.split()

    def get_claims_display(self) -> str:
        return claims_display(self.claim_list)

    @property
    def is_archived(self) -> bool:
        return self.state in self.ARCHIVED_STATES

    @property
    def worker_state_label(self):
        return self.WORKER_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    # Transitions (DESIGN §4). They set fields only; apply_transition saves.
    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.RESOLVED,
        permission=can_intake_decide,
        conditions=[is_consultation],
    )
    def resolve_at_intake(self, advice: str):
        self.outcome = self.Outcome.ADVICE
        self.outcome_note = advice
        self.outcome_date = timezone.localdate()
        self.resolved_at = timezone.now()

    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.ACCEPTED,
        permission=can_coordinate,
        conditions=[claim_is_in_scope],
    )
    def accept_for_aid(self, eligibility: str, eligibility_note: str = ""):
        # Not `note`: apply_transition takes `note` for the CaseEvent itself.
        self.eligibility = eligibility
        self.eligibility_note = eligibility_note
        self.accepted_at = timezone.now()

    @transition(
        field=state, source=State.RECEIVED, target=State.REFERRED, permission=can_coordinate
    )
    def refer(self, to: str, reason: str):
        self.referred_to = to
        self.referral_reason = reason

    @transition(
        field=state, source=State.ACCEPTED, target=State.ASSIGNED, permission=can_coordinate
    )
    def assign(self, lawyer: Lawyer):
        self.lawyer = lawyer
        self.assigned_at = timezone.now()

    @transition(
        field=state, source=State.ASSIGNED, target=State.IN_PROGRESS, permission=can_act_as_lawyer
    )
    def accept(self):
        self.lawyer_accepted_at = timezone.now()

    @transition(
        field=state, source=State.ASSIGNED, target=State.ACCEPTED, permission=can_act_as_lawyer
    )
    def decline(self, reason: str):
        self.lawyer = None
        self.assigned_at = None

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.ACCEPTED,
        permission=lambda case, user: False,
    )
    def expire(self):
        """Only the scheduler runs this (apply_transition with user=None)."""
        self.lawyer = None
        self.assigned_at = None

    @transition(
        field=state, source=State.IN_PROGRESS, target=State.ASSIGNED, permission=can_coordinate
    )
    def reassign(self, lawyer: Lawyer):
        self.lawyer = lawyer
        self.assigned_at = timezone.now()
        self.lawyer_accepted_at = None

    @transition(
        field=state, source=State.IN_PROGRESS, target=State.RESOLVED, permission=can_resolve
    )
    def resolve(
        self, outcome: str, amount_recovered=None, outcome_date=None, outcome_note: str = ""
    ):
        # Not `note`: apply_transition takes `note` for the CaseEvent itself.
        self.outcome = outcome
        self.amount_recovered = amount_recovered
        self.outcome_date = outcome_date or timezone.localdate()
        self.outcome_note = outcome_note
        self.resolved_at = timezone.now()

    @transition(
        field=state,
        source=State.RESOLVED,
        target=State.IN_PROGRESS,
        permission=can_coordinate,
        conditions=[has_lawyer],
    )
    def reopen(self, reason: str):
        self.resolved_at = None

    @transition(
        field=state,
        source=[State.RESOLVED, State.REFERRED],
        target=State.CLOSED,
        permission=can_coordinate,
        conditions=[has_closing_report],
    )
    def close(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=OPEN_STATES, target=State.WITHDRAWN, permission=can_work_case)
    def withdraw(self, reason: str):
        self.outcome_note = reason


class Party(models.Model):
    """An opposing party: employer, platform, agency, insurer, the other driver."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("用人单位")
        PLATFORM = "platform", _("平台企业")
        AGENCY = "agency", _("外包/派遣单位")
        INSURER = "insurer", _("保险公司")
        OTHER_DRIVER = "other_driver", _("对方当事人（肇事方）")
        OTHER = "other", _("其他")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称/姓名"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact = models.CharField(_("联系方式/地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("对方当事人")
        verbose_name_plural = _("对方当事人")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"


def attachment_path(instance, filename):
    # The original name is kept in the row; the stored name reveals nothing.
    return f"attachments/{instance.case.region_code}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name


class CaseEvent(models.Model):
    """The audit trail. Append-only: rows are never updated or deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("登记")
        TRANSITION = "transition", _("状态变更")
        NOTE = "note", _("备注")
        ATTACHMENT = "attachment", _("上传附件")
        DOCUMENT = "document", _("生成文书")
        DOWNLOAD = "download", _("下载文件")
        MILESTONE = "milestone", _("程序节点")
        DEADLINE = "deadline", _("期限")
        SENSITIVE_VIEW = "sensitive_view", _("查看敏感信息")
        ROUTING = "routing", _("分配")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    transition = models.CharField(max_length=30, blank=True)
    source_state = models.CharField(max_length=20, blank=True)
    target_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("案件日志")
        verbose_name_plural = _("案件日志")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("CaseEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("CaseEvent is append-only")

    @property
    def actor_label(self) -> str:
        if self.actor is None:
            return str(_("系统"))
        return self.actor.get_full_name() or self.actor.username


class Assignment(models.Model):
    """One offer of a case to a lawyer and what became of it; routing excludes
    lawyers who declined or let an offer expire."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待接案")
        ACCEPTED = "accepted", _("已接案")
        DECLINED = "declined", _("已拒绝")
        EXPIRED = "expired", _("超时未答复")
        REPLACED = "replaced", _("已改派")
        WITHDRAWN = "withdrawn", _("案件撤回")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    lawyer = models.ForeignKey(Lawyer, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("律师分配")
        verbose_name_plural = _("律师分配")
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="one_pending_assignment_per_case",
            )
        ]

    def __str__(self):
        return f"{self.case_id} → {self.lawyer_id} ({self.status})"


# ---------------------------------------------------------------------------
# Milestones, deadlines and reminders (DESIGN §5)


class Milestone(models.Model):
    class Kind(models.TextChoices):
        ACCIDENT = "accident", _("事故发生/确诊")
        KNEW_INFRINGEMENT = "knew_infringement", _("知道权利被侵害")
        EMPLOYMENT_ENDED = "employment_ended", _("劳动关系终止")
        KNEW_DAMAGE = "knew_damage", _("知道损害及侵权人")
        LEGALAID_APPLIED = "legalaid_applied", _("申请法律援助")
        LEGALAID_GRANTED = "legalaid_granted", _("决定给予法律援助")
        INJURY_FILED = "injury_filed", _("提出工伤认定申请")
        INJURY_ACCEPTED = "injury_accepted", _("工伤认定申请受理")
        INJURY_DECIDED = "injury_decided", _("收到工伤认定决定")
        APPRAISAL_APPLIED = "appraisal_applied", _("申请劳动能力鉴定")
        APPRAISAL_CONCLUDED = "appraisal_concluded", _("收到鉴定结论")
        RECONSIDERATION_DECIDED = "reconsideration_decided", _("收到行政复议决定")
        MEDIATION_APPLIED = "mediation_applied", _("申请调解")
        ARBITRATION_FILED = "arbitration_filed", _("申请劳动仲裁")
        ARBITRATION_ACCEPTED = "arbitration_accepted", _("仲裁委受理")
        AWARD_RECEIVED = "award_received", _("收到仲裁裁决（非终局）")
        FINAL_AWARD_RECEIVED = "final_award_received", _("收到终局裁决")
        JUDGMENT_SERVED = "judgment_served", _("收到一审判决")
        PERFORMANCE_DUE = "performance_due", _("判决履行期限届满")
        VIOLATION_ENDED = "violation_ended", _("违法行为终了")
        INSPECTION_OPENED = "inspection_opened", _("劳动监察立案")
        INSPECTION_COMPLAINT = "inspection_complaint", _("投诉劳动监察")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("节点"), max_length=30, choices=Kind.choices)
    date = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("程序节点")
        verbose_name_plural = _("程序节点")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        DONE = "done", _("已完成")
        MISSED = "missed", _("已错过")
        WAIVED = "waived", _("已免除")

    class Binds(models.TextChoices):
        WORKER = "worker", _("我方须办理")
        AGENCY = "agency", _("等待对方/机关")
        LAWYER = "lawyer", _("律师服务时限")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    rule = models.CharField(_("规则"), max_length=50)
    trigger_date = models.DateField(_("起算日"))
    due_date = models.DateField(_("届满日"))
    binds = models.CharField(_("约束方"), max_length=10, choices=Binds.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    extended = models.BooleanField(_("已延长"), default=False)
    provisional = models.BooleanField(_("暂定（节假日安排未公布）"), default=False)
    rolled_over = models.BooleanField(_("因休息日顺延"), default=False)
    makeup_workday = models.BooleanField(_("届满日为调休上班日"), default=False)
    citation = models.CharField(_("法律依据"), max_length=200)
    # Limitation periods: interruption restarts from a date; suspension pauses.
    restarted_on = models.DateField(_("中断后重新起算日"), null=True, blank=True)
    suspended_since = models.DateField(_("中止开始日"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(_("已中止天数"), default=0)
    reason = models.TextField(_("完成/免除说明"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="deadline_open_due"),
            models.Index(fields=["case", "status", "binds", "due_date"], name="deadline_case_next"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule", "milestone"], name="deadline_unique_per_trigger"
            ),
            # NULL milestones are distinct to the constraint above: transition-started
            # deadlines (SLAs, legalaid.assignment) get at most one open row per rule.
            models.UniqueConstraint(
                fields=["case", "rule"],
                condition=Q(milestone__isnull=True, status="open"),
                name="deadline_one_open_without_milestone",
            ),
        ]

    def __str__(self):
        return f"{self.rule} {self.due_date}"

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.due_date - (today or timezone.localdate())).days


class Reminder(models.Model):
    """One reminder sent. The unique constraint is what makes a reminder go out
    once, however often the sweep is retried or however many workers run it."""

    class Threshold(models.TextChoices):
        D7 = "d7", _("提前 7 天")
        D3 = "d3", _("提前 3 天")
        D1 = "d1", _("提前 1 天")
        D0 = "d0", _("当天")
        OVERDUE = "overdue", _("已逾期")

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("站内通知")
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")
        DIGEST = "digest", _("每日汇总邮件")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("期限提醒")
        verbose_name_plural = _("期限提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "threshold", "recipient", "channel"], name="reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.deadline_id} {self.threshold} {self.channel}"


class HolidayOverride(models.Model):
    """An admin-entered day of the official schedule; wins over the chinesecalendar package."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("工作日（含调休上班）")
        RESTDAY = "restday", _("休息日（含法定节假日）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=100, blank=True)
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("例如国务院办公厅通知文号")
    )

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


# ---------------------------------------------------------------------------
# Documents (DESIGN §7)


def document_path(instance, filename):
    return f"documents/{instance.case.region_code}/{instance.case.number}/{instance.kind}-v{instance.version}.pdf"


class Document(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("登记回执")
        LEGALAID_APPLICATION = "legalaid_application", _("法律援助申请表")
        INJURY_APPLICATION = "injury_application", _("工伤认定申请表")
        ARBITRATION_APPLICATION = "arbitration_application", _("劳动人事争议仲裁申请书")
        POWER_OF_ATTORNEY = "power_of_attorney", _("授权委托书")
        CLOSING_REPORT = "closing_report", _("结案报告")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书"), max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField(_("版本"))
    file = models.FileField(upload_to=document_path)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
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
            )
        ]

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()} v{self.version}"


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


# ---------------------------------------------------------------------------
# Notifications and SMS


class Notification(models.Model):
    """An in-app notification (the bell)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(_("内容"), max_length=300)  # in the site's language
    # The same message in each site language ({"zh-hans": …, "en": …}), written when
    # the notice is made, so each reader gets their own; empty for plain-text notices.
    translations = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.message

    @property
    def text(self) -> str:
        """The message in the reader's language when there is one, else as stored."""
        return self.translations.get(translation.get_language()) or self.message


class SmsMessage(models.Model):
    """Every SMS goes through this table first (the outbox). The dedupe key makes a
    notification go out once even when the task that sends it runs twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    phone = PhoneNumberField(_("手机号"), region="CN")
    template = models.CharField(_("模板"), max_length=50)
    body = models.CharField(_("内容"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最后错误"), blank=True)
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信发件箱")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{mask_phone(self.phone)} {self.template}"


# ---------------------------------------------------------------------------
# The worker's status page (DESIGN §8). Phone numbers appear only as keyed hashes.


class StatusChallenge(models.Model):
    """A 6-digit code sent by SMS to open the status page for one phone."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("查询验证码")
        verbose_name_plural = _("查询验证码")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone_hash[:8]} {self.created_at:%Y-%m-%d %H:%M}"


class StatusLookup(models.Model):
    """The log of every status-page request: what was asked, from where, and the answer."""

    class Outcome(models.TextChoices):
        CODE_SENT = "code_sent", _("已发送验证码")
        CODE_OK = "code_ok", _("验证码正确")
        CODE_WRONG = "code_wrong", _("验证码错误")
        RECEIPT_OK = "receipt_ok", _("回执查询码正确")
        RATE_LIMITED = "rate_limited", _("频率受限")
        LOCKED = "locked", _("已锁定")

    phone_hash = models.CharField(max_length=64, db_index=True)
    ip_hash = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("状态查询日志")
        verbose_name_plural = _("状态查询日志")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.phone_hash[:8]} {self.outcome}"
