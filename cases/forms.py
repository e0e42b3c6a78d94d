"""Forms for the case lifecycle: intake, the transition forms, notes, evidence, uploads.

Forms parse and validate; the work is done by cases.intake.create_case,
cases.workflow.apply_transition and cases.attachments. Which form belongs to which
transition, and what the transition is called, is in the table in cases.workflow;
why a transition cannot run is the model's condition message (Case.refusal).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from cases import attachments, claims, evidence
from cases.intake import create_case
from cases.models import Case, Deadline, Party, Worker
from cases.models.case import HARDSHIP_NOT_MET_REFUSAL, eligibility_refusal
from cases.validators import (
    clean_id_number,
    normalize_credit_code,
    normalize_mobile,
    validate_credit_code,
)
from lawyers.models import ClaimType
from stations.models import Access, Station

EARLIEST_DATE = datetime.date(1990, 1, 1)
PHONE_ERROR = _("请输入有效的手机号，例如 13800138000")


def check_past_date(value, *, label):
    """Refuse future and absurd dates with a message that says which."""
    if value is None:
        return value
    if value > timezone.localdate():
        raise ValidationError(_("%(label)s不能晚于今天。") % {"label": label})
    if value < EARLIEST_DATE:
        raise ValidationError(
            _("%(label)s早于 1990 年，请核对（格式：年-月-日）。") % {"label": label}
        )
    return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError(_("请选择要上传的文件。"))
        if len(files) > attachments.MAX_FILES:
            raise ValidationError(_("一次最多上传 %(n)d 个附件。") % {"n": attachments.MAX_FILES})
        errors, cleaned = [], []
        for upload in files:
            upload = forms.FileField.to_python(self, upload)
            try:
                cleaned.append((upload, attachments.validate_upload(upload)))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class IntakeForm(forms.Form):
    """One page, in sections: 劳动者 / 求助内容 / 证据 / 附件 / 告知同意 (parties: PartyFormSet)."""

    station = forms.ModelChoiceField(
        label=_("登记驿站"), queryset=Station.objects.none(), empty_label=None
    )
    # 劳动者
    name = forms.CharField(
        label=_("劳动者姓名"),
        max_length=50,
        error_messages={"required": _("请填写劳动者姓名。")},
    )
    phone = PhoneNumberField(
        label=_("手机号"),
        region="CN",
        error_messages={"invalid": PHONE_ERROR, "required": _("请填写劳动者的手机号。")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("身份证号（选填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # No default: a platform nobody chose is wrong data in every statistic.
    platform = forms.ChoiceField(
        label=_("平台"),
        choices=[("", _("请选择"))] + Worker.Platform.choices,
        error_messages={"required": _("请选择平台；劳动者说不清的，选“不确定”。")},
    )
    arrangement = forms.ChoiceField(
        label=_("用工方式"), choices=Worker.Arrangement.choices, initial=Worker.Arrangement.UNKNOWN
    )
    # 求助内容
    claims = forms.MultipleChoiceField(
        label=_("求助类型"),
        choices=ClaimType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一种求助类型。")},
    )
    incident_date = forms.DateField(
        label=_("事发日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效日期，格式：年-月-日，例如 2026-11-02。")},
    )
    facts = forms.CharField(
        label=_("事实经过"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("请简要记录发生了什么。")},
    )
    amount_claimed = forms.DecimalField(
        label=_("请求金额（元，选填）"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={"invalid": _("请输入金额数字，例如 12000。")},
    )
    # 证据
    evidence = forms.MultipleChoiceField(
        label=_("已带来的证据"),
        choices=evidence.all_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # 附件
    files = MultipleFileField(label=_("附件（照片或 PDF）"))
    # 告知同意
    consent = forms.BooleanField(
        label=_("已向劳动者宣读并取得同意"),
        error_messages={
            "required": _("须向劳动者宣读个人信息告知同意书并取得同意，否则不能登记。")
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # htmx: as soon as the phone is typed, show the worker's open cases (not blocking).
        self.fields["phone"].widget.attrs.update(
            {
                # POST: a phone number must not land in access logs or browser history.
                "hx-post": reverse("cases:intake_open_cases"),
                "hx-trigger": "change",
                "hx-target": "#open-cases",
            }
        )
        self.fields["station"].queryset = intake_stations(user)
        access = Access.of(user)
        if not access.is_coordinator and len(access.station_ids) == 1:
            # A volunteer at one station: no choice to make (and no query to make it).
            self.fields["station"].initial = access.station_ids[0]
            self.fields["station"].widget = forms.HiddenInput()

    def clean_phone(self):
        phone = normalize_mobile(self.cleaned_data["phone"])
        if phone is None:
            raise ValidationError(PHONE_ERROR)
        return phone

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_incident_date(self):
        return check_past_date(self.cleaned_data["incident_date"], label=_("事发日期"))

    def clean_amount_claimed(self):
        value = self.cleaned_data["amount_claimed"]
        if value is not None and value < 0:
            raise ValidationError(_("金额不能为负数。"))
        return value

    def clean_facts(self):
        return self.cleaned_data["facts"].strip()

    def clean(self):
        data = super().clean()
        claims = data.get("claims") or []
        if ClaimType.CONSULT in claims and len(claims) > 1:
            self.add_error("claims", _("“仅咨询”不能与其他求助类型同时选择。"))
        return data

    def save(self, *, user, consent, parties, today=None):
        """Create the case, its parties and attachments in one transaction."""
        data = self.cleaned_data
        claims = data["claims"]
        with transaction.atomic():
            case, code = create_case(
                station=data["station"],
                user=user,
                worker={
                    "name": data["name"].strip(),
                    "phone": data["phone"],
                    "id_number": data["id_number"],
                    "platform": data["platform"],
                    "arrangement": data["arrangement"],
                },
                case={
                    "claims": claims,
                    "incident_date": data["incident_date"],
                    "facts": data["facts"],
                    "amount_claimed": data["amount_claimed"],
                    "evidence": evidence.normalise(claims, data["evidence"]),
                },
                parties=parties,
                consent=consent,
                today=today,
            )
            for upload, content_type in data["files"]:
                attachments.save_attachment(case, upload, user, content_type)
        return case, code


def intake_stations(user):
    """Where this user may register a request: their own stations, or any in their scope."""
    qs = Station.objects.filter(active=True)
    if user.is_superuser:
        return qs
    access = Access.of(user)
    if access.is_volunteer and not access.is_coordinator:
        return qs.filter(pk__in=access.station_ids)
    return qs.visible_to(user)


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Party.Kind.choices)
    name = forms.CharField(
        label=_("名称/姓名"),
        max_length=100,
        help_text=_("营业执照上的全称，或自然人的姓名"),
        error_messages={"required": _("请填写对方的名称或姓名。")},
    )
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    address = forms.CharField(label=_("住所"), max_length=200, required=False)
    mailing_address = forms.CharField(label=_("通讯地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    representative = forms.CharField(
        label=_("法定代表人/主要负责人"), max_length=50, required=False
    )
    representative_title = forms.CharField(label=_("职务"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("其他信息"),
        max_length=200,
        required=False,
        help_text=_("例如车牌号、保单号"),
    )

    TYPED = (
        "name",
        "credit_code",
        "address",
        "mailing_address",
        "phone",
        "representative",
        "representative_title",
        "contact",
    )

    def has_changed(self):
        # An extra row counts as filled only when something beyond the kind is typed.
        return any(self[f].value() for f in self.TYPED)

    def clean_credit_code(self):
        value = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(value)
        return value

    def clean(self):
        data = super().clean()
        for name in self.TYPED:
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data


class WorkerDetailsForm(forms.Form):
    """The worker's details on the case page (cases.completion): the ID number is typed
    anew or left empty to keep the stored one, which the page shows masked."""

    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写劳动者姓名。")}
    )
    id_number = forms.CharField(
        label=_("身份证号（留空则不改）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    platform = forms.ChoiceField(label=_("平台"), choices=Worker.Platform.choices)
    arrangement = forms.ChoiceField(label=_("用工方式"), choices=Worker.Arrangement.choices)

    @classmethod
    def for_worker(cls, worker, *args, **kwargs):
        initial = {
            "name": worker.name,
            "platform": worker.platform,
            "arrangement": worker.arrangement,
        }
        return cls(*args, prefix="worker", initial=initial, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("请填写劳动者姓名。"))
        return name

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data["id_number"])


PartyFormSet = forms.formset_factory(PartyForm, extra=3, max_num=8, absolute_max=8)


def party_rows(formset) -> list[dict]:
    return [
        {k: v for k, v in f.cleaned_data.items()}
        for f in formset.forms
        if f.has_changed() and f.cleaned_data
    ]


# ---------------------------------------------------------------------------
# Transitions: one small form each. Every form carries the state the user saw.


class TransitionForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    button = _("确定")
    button_class = "primary"

    def __init__(self, *args, case, **kwargs):
        self.case = case
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expected_state", case.state)
        kwargs.setdefault("prefix", self.name)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        # When the case has moved on, apply_transition says so (CaseChanged); here we only
        # explain an unmet condition, which django-fsm would report as a missing permission.
        if data.get("expected_state") == self.case.state:
            reason = self.case.refusal(self.name)
            if reason:
                raise ValidationError(reason)
        return data

    def note(self) -> str:
        return ""

    def kwargs(self) -> dict:
        """Arguments for the transition method."""
        return {}


class ResolveAtIntakeForm(TransitionForm):
    name = "resolve_at_intake"
    button = _("记录解答并办结")
    advice = forms.CharField(
        label=_("给出的咨询意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请记录向劳动者给出的解答。")},
    )

    def note(self):
        return self.cleaned_data["advice"]

    def kwargs(self):
        return {"advice": self.cleaned_data["advice"]}


class AcceptForAidForm(TransitionForm):
    name = "accept_for_aid"
    button = _("受理援助")
    eligibility = forms.ChoiceField(
        label=_("援助资格"),
        widget=forms.RadioSelect,
        # Not "hardship not met": that is no acceptance at all (refer, or advise and resolve).
        choices=[
            c
            for c in Case.Eligibility.choices
            if c[0] not in (Case.Eligibility.UNDECIDED, Case.Eligibility.HARDSHIP_NOT_MET)
        ],
        error_messages={
            "required": _("请选择援助资格的审查结论。"),
            # A posted "hardship not met" (an old page, a script) gets the way on.
            "invalid_choice": HARDSHIP_NOT_MET_REFUSAL,
        },
    )
    eligibility_note = forms.CharField(
        label=_("审查说明（选填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("initial", {})
        if claims.exempt_42_3(case.claim_list):
            kwargs["initial"].setdefault("eligibility", Case.Eligibility.EXEMPT_42_3)
        super().__init__(*args, case=case, **kwargs)

    def clean_eligibility(self):
        value = self.cleaned_data["eligibility"]
        problem = eligibility_refusal(self.case, value)
        if problem:
            raise ValidationError(problem)
        return value

    def note(self):
        return self.cleaned_data["eligibility_note"]

    def kwargs(self):
        return {
            "eligibility": self.cleaned_data["eligibility"],
            "eligibility_note": self.cleaned_data["eligibility_note"],
        }


class ReferForm(TransitionForm):
    name = "refer"
    button = _("转介")
    button_class = ""
    to = forms.CharField(
        label=_("转介至"),
        max_length=200,
        error_messages={"required": _("请填写转介的机构，例如区人社局劳动保障监察大队。")},
    )
    reason = forms.CharField(
        label=_("转介原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请说明转介原因。")},
    )

    def note(self):
        return f"{self.cleaned_data['to']}：{self.cleaned_data['reason']}"

    def kwargs(self):
        return {"to": self.cleaned_data["to"], "reason": self.cleaned_data["reason"]}


class WithdrawForm(TransitionForm):
    name = "withdraw"
    button = _("撤回案件")
    button_class = "danger"
    worker_request = forms.BooleanField(
        label=_("劳动者本人要求撤回"),
        error_messages={"required": _("只有劳动者本人要求时才能撤回，请确认。")},
    )
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请记录撤回原因。")},
    )

    def note(self):
        return self.cleaned_data["reason"]

    def kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class ResolveForm(TransitionForm):
    name = "resolve"
    button = _("办结")
    outcome = forms.ChoiceField(
        label=_("办理结果"),
        choices=[("", _("请选择"))]
        + [c for c in Case.Outcome.choices if c[0] != Case.Outcome.ADVICE],
        error_messages={"required": _("请选择办理结果。")},
    )
    amount_recovered = forms.DecimalField(
        label=_("挽回金额（元，选填）"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={"invalid": _("请输入金额数字，例如 12000。")},
    )
    outcome_date = forms.DateField(
        label=_("办结日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效日期，格式：年-月-日。")},
    )
    outcome_note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_amount_recovered(self):
        value = self.cleaned_data["amount_recovered"]
        if value is not None and value < 0:
            raise ValidationError(_("金额不能为负数。"))
        return value

    def clean_outcome_date(self):
        return check_past_date(self.cleaned_data["outcome_date"], label=_("办结日期"))

    def note(self):
        return self.cleaned_data["outcome_note"]

    def kwargs(self):
        d = self.cleaned_data
        return {
            "outcome": d["outcome"],
            "amount_recovered": d["amount_recovered"],
            "outcome_date": d["outcome_date"],
            "outcome_note": d["outcome_note"],
        }


class ReopenForm(TransitionForm):
    name = "reopen"
    button = _("重新办理")
    button_class = ""
    reason = forms.CharField(
        label=_("原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请说明为什么重新办理。")},
    )

    def note(self):
        return self.cleaned_data["reason"]

    def kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class CloseForm(TransitionForm):
    """Closing waives every open deadline (cases.deadlines.bookkeeping). A worker-side one may still
    matter — an appeal period after a judgment — so the coordinator sees them and
    confirms instead of having them dropped silently."""

    name = "close"
    button = _("归档结案")
    button_class = ""
    confirm_waive = forms.BooleanField(
        label=_("以上期限已无需办理：已届满的记为错过，其余免除"), required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.open_worker_deadlines = list(
            case.deadlines.filter(status=Deadline.Status.OPEN, binds=Deadline.Binds.WORKER)
        )
        if not self.open_worker_deadlines:
            del self.fields["confirm_waive"]

    def clean(self):
        data = super().clean()
        if self.open_worker_deadlines and not data.get("confirm_waive"):
            self.add_error(
                "confirm_waive",
                _("该案件还有 %(n)d 个我方期限未完成（最近届满 %(due)s），请确认无需办理后再归档。")
                % {
                    "n": len(self.open_worker_deadlines),
                    "due": self.open_worker_deadlines[0].due_date,
                },
            )
        return data


# ---------------------------------------------------------------------------
# Case page: notes, evidence, uploads


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("添加备注"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("备注不能为空。")},
    )

    def clean_text(self):
        return self.cleaned_data["text"].strip()


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("上传附件（照片或 PDF）"), required=True)
