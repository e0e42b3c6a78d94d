"""The case, its parties, attachments, audit trail and lawyer offers.

The state field is protected: only `cases.workflow.apply_transition` changes it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from cases import claims, permissions
from cases.models.workers import ConsentText, Worker
from cases.validators import validate_credit_code, validate_postcode
from config.storage import private_storage
from lawyers.models import Lawyer
from stations.models import Station

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


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything a user may open (permissions.visible_cases); the rest is a 404."""
        return self.filter(permissions.visible_cases(user))

    def handed_over_by(self, lawyer):
        """Cases taken off this lawyer by reassignment and not given back: they keep
        reading their own notes there, and nothing else of the case."""
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


# Transition conditions. Each carries the reason shown when it fails: apply_transition
# refuses with it, and the transition forms show it at the top of the form.


def condition(message, fix=None):
    """`fix`: (words, anchor on the case page) where the user can meet the condition,
    shown as a link next to the refusal."""

    def attach(check):
        check.message = message
        check.fix = fix
        return check

    return attach


@condition(_("只有“仅咨询”的求助才能当场解答办结；其他求助请由协调员受理或转介。"))
def is_consultation(case) -> bool:
    return claims.is_consultation(case.claim_list)


@condition(_("仅咨询的求助不属于法律援助事项，请当场解答办结或转介。"))
def claim_is_in_scope(case) -> bool:
    """Legal aid covers everything but a pure consultation (法律援助法 31)."""
    return not claims.is_consultation(case.claim_list)


@condition(_("请先生成结案报告，再归档。"), fix=(_("去生成结案报告"), "#doc-closing_report"))
def has_closing_report(case) -> bool:
    return case.documents.filter(kind="closing_report").exists()


@condition(_("没有承办律师的案件不能重新办理，请重新登记求助。"))
def has_lawyer(case) -> bool:
    return case.lawyer_id is not None


HARDSHIP_NOT_MET_REFUSAL = _("不符合经济困难标准的，不能受理法律援助；请改为转介或记录解答。")


def eligibility_refusal(case, eligibility: str) -> str | None:
    """Why aid cannot be accepted on this eligibility finding, or None."""
    if eligibility == Case.Eligibility.HARDSHIP_NOT_MET:
        return str(HARDSHIP_NOT_MET_REFUSAL)
    if eligibility == Case.Eligibility.EXEMPT_42_3 and not claims.exempt_42_3(case.claim_list):
        return str(claims.EXEMPT_42_3_REFUSAL)
    if eligibility not in Case.Eligibility.values or eligibility == Case.Eligibility.UNDECIDED:
        return str(_("请选择援助资格的审查结论。"))
    return None


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
    # Ended for good (close archives; withdraw ends it). The record is then
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
        # 调解书 (a mediation document of a commission or court, enforceable) and a
        # private settlement (a contract only) are different outcomes for the worker.
        MEDIATION = "mediation", _("调解结案（调解书）")
        SETTLEMENT = "settlement", _("自行和解（和解协议）")
        RECOGNITION = "recognition", _("认定工伤")
        AWARD = "award", _("仲裁裁决")
        JUDGMENT = "judgment", _("法院判决")
        PAID = "paid", _("用人单位支付/清偿")
        UNSUCCESSFUL = "unsuccessful", _("未获支持")
        OTHER = "other", _("其他")

    # The outcome as the worker reads it (status page, 已办结 SMS): plain words, no
    # procedure. The sentence around it is cases.status.page.outcome_words.
    WORKER_OUTCOMES = {
        Outcome.ADVICE: _("工会已当场解答您的问题"),
        Outcome.MEDIATION: _("经调解结案（有调解书）"),
        Outcome.SETTLEMENT: _("您与对方已和解"),
        Outcome.RECOGNITION: _("已认定为工伤"),
        Outcome.AWARD: _("仲裁委员会已作出裁决"),
        Outcome.JUDGMENT: _("法院已作出判决"),
        Outcome.PAID: _("对方已支付"),
        Outcome.UNSUCCESSFUL: _("您的请求未获支持"),
        Outcome.OTHER: _("已办结"),
    }

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
    # The itemised claim (a saved calculation used as the claim): a list of
    # {code, label, amount, formula, citation}; each becomes one numbered request.
    claimed_items = models.JSONField(_("请求事项明细"), default=list, blank=True)
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
    # Sent by the worker from a station's QR code (cases/selfhelp), not taken down by a
    # volunteer: the staff lists badge it, and its missing details are filled in later.
    self_reported = models.BooleanField(_("劳动者自助提交"), default=False, editable=False)

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
    # Set when the personal data was removed (retention or the worker's request); the
    # counts, claims, region, dates, outcome and amounts stay (cases/privacy/anonymise.py).
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["lawyer", "state"]),
            models.Index(fields=["station", "state"]),
            # The API's case list: most recently updated first, a cursor over (updated_at, id).
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.number])

    # Claims ---------------------------------------------------------------
    @property
    def claim_list(self) -> list[str]:
        return self.claims.split()

    def get_claims_display(self) -> str:
        return claims.claims_display(self.claim_list)

    @property
    def is_archived(self) -> bool:
        return self.state in self.ARCHIVED_STATES

    @property
    def worker_state_label(self):
        return self.WORKER_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def refusal(self, transition: str) -> str | None:
        """Why `transition` cannot run now although the state allows it (the message
        of its first unmet condition), or None."""
        check = self.unmet_condition(transition)
        return str(check.message) if check else None

    def unmet_condition(self, transition: str):
        """The first condition of `transition` the case does not meet, or None."""
        method = getattr(self, transition)
        spec = method._django_fsm.get_transition(self.state)
        if spec is None:
            return None
        for check in spec.conditions:
            if not check(self):
                return check
        return None

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """Reload without touching the state field's protection.

        django-fsm's own refresh_from_db turns the protection off on the *field* (shared
        by every instance in the process) while it reloads; a thread saving a
        transition at that moment got "Direct state modification is not allowed" (a
        500 under a threaded server). Loading a fresh instance and copying its values
        has no such window."""
        if fields is not None and "state" not in fields:
            return models.Model.refresh_from_db(self, using, fields, from_queryset)
        if from_queryset is None:
            queryset = type(self)._base_manager.db_manager(using or self._state.db)
        else:
            queryset = from_queryset.using(using) if using else from_queryset
        fresh = queryset.get(pk=self.pk)
        for field in self._meta.concrete_fields:
            self.__dict__[field.attname] = fresh.__dict__[field.attname]
        self._state.fields_cache = {}
        self.__dict__.pop("_prefetched_objects_cache", None)
        self._state.db = fresh._state.db
        self._update_initial_state()

    # Transitions. They set fields only; cases.workflow.apply_transition saves and
    # runs their effects (the table there).
    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.RESOLVED,
        permission=permissions.may_decide_at_intake,
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
        permission=permissions.may_coordinate,
        conditions=[claim_is_in_scope],
    )
    def accept_for_aid(self, eligibility: str, eligibility_note: str = ""):
        # Not `note`: apply_transition takes `note` for the CaseEvent itself.
        self.eligibility = eligibility
        self.eligibility_note = eligibility_note
        self.accepted_at = timezone.now()

    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.REFERRED,
        permission=permissions.may_coordinate,
    )
    def refer(self, to: str, reason: str):
        self.referred_to = to
        self.referral_reason = reason

    @transition(
        field=state,
        source=State.ACCEPTED,
        target=State.ASSIGNED,
        permission=permissions.may_coordinate,
    )
    def assign(self, lawyer: Lawyer):
        self.lawyer = lawyer
        self.assigned_at = timezone.now()

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.IN_PROGRESS,
        permission=permissions.is_assigned_lawyer,
    )
    def accept(self):
        self.lawyer_accepted_at = timezone.now()

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.ACCEPTED,
        permission=permissions.is_assigned_lawyer,
    )
    def decline(self, reason: str):
        self.lawyer = None
        self.assigned_at = None

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.ACCEPTED,
        permission=permissions.nobody,
    )
    def expire(self):
        """Only the scheduler runs this (apply_transition with user=None)."""
        self.lawyer = None
        self.assigned_at = None

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.ASSIGNED,
        permission=permissions.may_coordinate,
    )
    def reassign(self, lawyer: Lawyer):
        self.lawyer = lawyer
        self.assigned_at = timezone.now()
        self.lawyer_accepted_at = None

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.RESOLVED,
        permission=permissions.may_resolve,
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
        permission=permissions.may_coordinate,
        conditions=[has_lawyer],
    )
    def reopen(self, reason: str):
        self.resolved_at = None

    @transition(
        field=state,
        source=[State.RESOLVED, State.REFERRED],
        target=State.CLOSED,
        permission=permissions.may_coordinate,
        conditions=[has_closing_report],
    )
    def close(self):
        self.closed_at = timezone.now()

    @transition(
        field=state, source=OPEN_STATES, target=State.WITHDRAWN, permission=permissions.may_work
    )
    def withdraw(self, reason: str):
        self.outcome_note = reason


class Party(models.Model):
    """An opposing party: employer, platform, outsourcing or dispatch company, insurer,
    the other driver.

    The particulars are what the forms filed against the party need: 调解仲裁法 28 II
    (一) and 民事诉讼法 124 (二) (名称, 住所, 法定代表人 or 主要负责人 and 职务), and the
    仲裁委's own form (通讯地址, 联系电话, 统一社会信用代码)."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("用人单位")
        PLATFORM = "platform", _("平台企业")
        # 调解仲裁法 22 II makes a 劳务派遣单位 and the 用工单位 co-parties; an
        # outsourcing contractor is simply the employer of its own riders.
        OUTSOURCER = "outsourcer", _("外包单位（承包商）")
        AGENCY = "agency", _("劳务派遣单位")
        INSURER = "insurer", _("保险公司（交强险）")
        INSURER_COMMERCIAL = "insurer_commercial", _("保险公司（商业三者险）")
        OTHER_DRIVER = "other_driver", _("对方当事人（肇事方）")
        OTHER = "other", _("其他")

    # Who can be the respondent of a labour arbitration: the employer in any guise.
    EMPLOYER_KINDS = (Kind.EMPLOYER, Kind.OUTSOURCER, Kind.AGENCY, Kind.PLATFORM)
    # Who is sued for a road accident (民事诉讼法 124; 交通事故解释 22).
    TORT_KINDS = (Kind.OTHER_DRIVER, Kind.INSURER, Kind.INSURER_COMMERCIAL, Kind.OTHER)

    class Sex(models.TextChoices):
        MALE = "男", _("男")
        FEMALE = "女", _("女")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("名称/姓名"), max_length=100, help_text=_("营业执照上的全称，或自然人的姓名")
    )
    # normalize_org(name) (lawyers/routing.py): the statistics count respondents by it
    # and list the cases behind a respondent's figure with it. Written at intake.
    name_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    address = models.CharField(_("住所"), max_length=200, blank=True)
    mailing_address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    postcode = models.CharField(
        _("邮政编码"), max_length=6, blank=True, validators=[validate_postcode]
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    representative = models.CharField(_("法定代表人/主要负责人"), max_length=50, blank=True)
    representative_title = models.CharField(_("职务"), max_length=50, blank=True)
    sex = models.CharField(_("性别（自然人）"), max_length=1, choices=Sex.choices, blank=True)
    contact = models.CharField(
        _("其他信息"), max_length=200, blank=True, help_text=_("例如车牌号、保单号")
    )

    class Meta:
        verbose_name = _("对方当事人")
        verbose_name_plural = _("对方当事人")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.OTHER_DRIVER


def attachment_path(instance, filename):
    # The original name is kept in the row; the stored name reveals nothing. Its
    # extension is the one cases.attachments gave it from the sniffed content type.
    extension = filename.rpartition(".")[2] if "." in filename else ""
    name = f"attachments/{instance.case.region_code}/{instance.sha256[:2]}/{instance.sha256}"
    return f"{name}.{extension}" if extension else name


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage)
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
        EVIDENCE = "evidence", _("证据清单")
        WORKER = "worker", _("劳动者信息变更")
        PARTY = "party", _("对方当事人")
        SELF_HELP = "self_help", _("自助求助")
        PRIVACY = "privacy", _("个人信息权利")
        PARTICULARS = "particulars", _("文书信息")
        CALCULATION = "calculation", _("赔偿计算")

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
