"""Forms for milestones and for acting on a deadline (done/waived, interruption,
suspension, extension). Validation only; the work is in cases.deadlines.bookkeeping."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.claims import milestones_for
from cases.models import Deadline, Milestone

EARLIEST = datetime.date(2000, 1, 1)
# Kinds whose date may lie in the future: the judgment's last day for performance.
FUTURE_KINDS = {Milestone.Kind.PERFORMANCE_DUE}
MAX_YEARS_AHEAD = 5

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("日期格式不正确，例如 2026-03-15。")}


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        help_text=help_text,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _check_date(value, *, allow_future=False):
    if value is None:
        return value
    if value < EARLIEST:
        raise forms.ValidationError(_("日期过早，请检查年份。"))
    today = timezone.localdate()
    if not allow_future and value > today:
        raise forms.ValidationError(
            _("日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}
        )
    # A judgment's performance date lies ahead, but not decades ahead: a typo such as
    # 9999 would otherwise overflow the date arithmetic.
    if value > today.replace(year=today.year + MAX_YEARS_AHEAD, day=min(today.day, 28)):
        raise forms.ValidationError(
            _("日期太远（超过 %(years)d 年后），请检查年份。") % {"years": MAX_YEARS_AHEAD}
        )
    return value


def milestone_choices(claims) -> tuple[list, list]:
    """(the case's milestones, the others) as (kind, label) pairs: the claim's own first
    (cases.claims.MILESTONES), every other kind after them."""
    labels = dict(Milestone.Kind.choices)
    ours = [(kind, labels[kind]) for kind in milestones_for(claims) if kind in labels]
    mine = {kind for kind, _label in ours}
    return ours, [(kind, label) for kind, label in Milestone.Kind.choices if kind not in mine]


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("程序节点"),
        choices=[("", _("请选择"))] + list(Milestone.Kind.choices),
        error_messages={"required": _("请选择程序节点。"), "invalid_choice": _("请选择程序节点。")},
    )
    date = _date_field(_("日期"), _("事件发生或收到文书的日期（起算日当日不计入期限）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        ours, others = milestone_choices(claims)
        if ours and others:
            self.fields["kind"].choices = [
                ("", _("请选择")),
                (_("本案常用节点"), ours),
                (_("其他节点"), others),
            ]

    def clean(self):
        data = super().clean()
        if data.get("date"):
            try:
                _check_date(data["date"], allow_future=data.get("kind") in FUTURE_KINDS)
            except forms.ValidationError as exc:
                self.add_error("date", exc)
        return data


class MilestoneEditForm(forms.Form):
    date = _date_field(_("日期"), _("修改后，挂在此节点上的未完成期限会重新计算"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, kind=None, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def clean_date(self):
        return _check_date(self.cleaned_data["date"], allow_future=self.kind in FUTURE_KINDS)


class CloseDeadlineForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (Deadline.Status.DONE, _("已完成（已在期限内办理）")),
            (Deadline.Status.MISSED, _("已错过（届满时仍未办理）")),
            (Deadline.Status.WAIVED, _("免除（不再需要办理）")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择处理结果。"), "invalid_choice": _("请选择处理结果。")},
    )
    reason = forms.CharField(
        label=_("说明"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写说明，例如“已于 3 月 5 日向法院提交起诉状”。")},
    )

    def __init__(self, *args, deadline, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.overdue = deadline.due_date < today
        if not self.overdue:  # only a period that has run out can have been missed
            field = self.fields["status"]
            field.choices = [c for c in field.choices if c[0] != Deadline.Status.MISSED]


class LimitationForm(forms.Form):
    ACTIONS = [
        ("interrupt", _("时效中断（重新起算）")),
        ("suspend", _("时效中止（暂停计算）")),
        ("resume", _("中止原因消除（恢复计算）")),
    ]
    action = forms.ChoiceField(
        label=_("事件"),
        choices=ACTIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择事件。"), "invalid_choice": _("请选择事件。")},
    )
    date = _date_field(_("日期"))
    reason = forms.CharField(
        label=_("事由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写事由，例如“向用人单位书面主张工资”。")},
    )

    def __init__(self, *args, interruptible=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not interruptible:
            self.fields["action"].choices = [c for c in self.ACTIONS if c[0] != "interrupt"]

    def clean_date(self):
        return _check_date(self.cleaned_data["date"])


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("延长依据"),
        max_length=500,
        error_messages={"required": _("请填写延长依据，例如“经仲裁委主任批准延期”。")},
    )
