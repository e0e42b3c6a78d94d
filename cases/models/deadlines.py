"""Milestones, the deadlines they start, the reminders sent, and the holiday calendar
(overrides and which years are entered in full)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case


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
        LAWSUIT_FILED = "lawsuit_filed", _("向法院起诉")
        JUDGMENT_SERVED = "judgment_served", _("收到一审判决")
        PERFORMANCE_DUE = "performance_due", _("判决履行期限届满")
        VIOLATION_ENDED = "violation_ended", _("违法行为终了")
        INSPECTION_OPENED = "inspection_opened", _("劳动监察立案")
        INSPECTION_COMPLAINT = "inspection_complaint", _("投诉劳动监察")
        # Added with the second round of rules (cases/deadlines/rules.py says which
        # rules each one starts, settles or pauses).
        TRAFFIC_FINDING_SERVED = "traffic_finding_served", _("收到交通事故认定书")
        INJURY_SUPPLEMENTED = "injury_supplemented", _("补正工伤认定申请材料")
        INJURY_DECISION_PAUSED = "injury_decision_paused", _("工伤认定中止（等待交警、仲裁等结论）")
        INJURY_DECISION_RESUMED = "injury_decision_resumed", _("工伤认定恢复（所等待的结论已作出）")
        REAPPRAISAL_APPLIED = "reappraisal_applied", _("申请再次鉴定")
        REAPPRAISAL_CONCLUDED = "reappraisal_concluded", _("收到再次鉴定结论")
        RECONSIDERATION_APPLIED = "reconsideration_applied", _("申请行政复议")
        RECONSIDERATION_ACCEPTED = "reconsideration_accepted", _("行政复议申请受理")
        ADMIN_JUDGMENT_SERVED = "admin_judgment_served", _("收到行政诉讼一审判决")
        ADMIN_RULING_SERVED = "admin_ruling_served", _("收到行政诉讼一审裁定")
        RULING_SERVED = "ruling_served", _("收到民事一审裁定")
        PAYMENT_ORDER_RECEIVED = "payment_order_received", _("债务人收到支付令")
        MEDIATION_AGREEMENT_EFFECTIVE = "mediation_agreement_effective", _("调解协议生效")
        PRE_SUIT_PRESERVATION = "pre_suit_preservation", _("法院采取诉前保全措施")
        AWARD_SET_ASIDE = "award_set_aside", _("收到撤销终局裁决的裁定")
        OCCUPATIONAL_FILED = "occupational_filed", _("提出职业伤害确认申请")
        OCCUPATIONAL_CONFIRMED = "occupational_confirmed", _("收到职业伤害确认结论")

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
        UNION = "union", _("工会须办理")

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
    # Set only on a provisional deadline whose due date leans on guessed rest days: the
    # latest day sure to be in time whatever the year's notice says ("最晚请在…前办理").
    # Empty: the due date itself is the day to act by.
    safe_date = models.DateField(_("稳妥日期（暂定）"), null=True, blank=True)
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

    @property
    def act_by(self) -> datetime.date:
        """The day to act by: the safe date of a provisional deadline, else the due date."""
        return self.safe_date or self.due_date


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


class HolidayYear(models.Model):
    """Whether an admin has entered a year's State Council schedule in full (as
    HolidayOverride rows). A complete year is no longer provisional: a date of it
    without an override is an ordinary day. This row wins over the older
    HOLIDAY_SCHEDULE_COMPLETE_YEARS setting, which is still read for years that have no
    row. Saving it in the admin recomputes the provisional deadlines at once."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    complete = models.BooleanField(
        _("已完整录入"),
        default=False,
        help_text=_(
            "国务院办公厅的放假安排通知已全部录入为「节假日调整」（放假日和调休上班日）后勾选；"
            "勾选后该年度的期限不再标为暂定。"
        ),
    )
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("例如国务院办公厅通知文号")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    def clean(self):
        # Every State Council notice moves some days (days off in lieu, make-up
        # working days): a year marked complete with none entered is a slip.
        if (
            self.complete
            and self.year
            and not HolidayOverride.objects.filter(date__year=self.year).exists()
        ):
            raise ValidationError(
                {
                    "complete": _(
                        "%(year)s 年还没有录入任何节假日调整。请先在「节假日调整」中录入该年"
                        "通知中的放假日和调休上班日，再标记为已完整录入。"
                    )
                    % {"year": self.year}
                }
            )
