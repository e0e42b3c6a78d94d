"""The lawyer's 文书信息 page: the worker's, the parties' and the case's particulars the
forms need. Forms parse and validate; `cases.documents.particulars.save` writes and
audits."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.documents.fill import DOCUMENTS_OBTAINED, POA_ITEMS
from cases.documents.generate import validate_final
from cases.forms import check_past_date
from cases.models import ArbitrationCommission, Document, LocalField, Particulars, Party, Worker
from cases.validators import normalize_credit_code, validate_credit_code

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERROR = _("请输入有效日期，格式：年-月-日，例如 2026-11-02。")


class WorkerDetailsForm(forms.ModelForm):
    class Meta:
        model = Worker
        fields = [
            "birth_date",
            "ethnicity",
            "occupation",
            "domicile",
            "mailing_address",
            "postcode",
        ]
        widgets = {"birth_date": DATE}
        error_messages = {"birth_date": {"invalid": DATE_ERROR}}

    def clean_birth_date(self):
        return check_past_date(self.cleaned_data["birth_date"], label=_("出生日期"))


class PartyDetailsForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = [
            "kind",
            "name",
            "credit_code",
            "representative",
            "representative_title",
            "address",
            "mailing_address",
            "postcode",
            "phone",
            "sex",
            "contact",
        ]
        error_messages = {"name": {"required": _("请填写名称或姓名。")}}

    def clean_credit_code(self):
        value = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(value)
        return value

    def clean_name(self):
        return self.cleaned_data["name"].strip()


PartyFormSet = forms.modelformset_factory(
    Party, form=PartyDetailsForm, extra=1, can_delete=True, max_num=12, absolute_max=12
)

PAST_DATES = {
    "diagnosed_on": _("诊断时间"),
    "work_started_on": _("参加工作时间"),
    "decision_date": _("决定书日期"),
    "assignment_date": _("指派日期"),
    "followup_date": _("回访日期"),
}


# The page's sections and their model fields, in order (the form adds the region's own
# fields to the second and the amounts recovered to the last).
SECTIONS = [
    (
        _("法律援助与指派"),
        ["legalaid_centre", "assignment_number", "assignment_date", "prior_legalaid"],
    ),
    (
        _("事故与工伤认定"),
        [
            "accident_time",
            "accident_place",
            "accident_cause",
            "injured_parts",
            "diagnosed_on",
            "work_started_on",
            "injury_applicant",
            "applicant_name",
            "applicant_relation",
            "applicant_phone",
            "applicant_address",
            "occupational_agency",
        ],
    ),
    (
        _("认定结论与行政复议"),
        [
            "injury_decision",
            "decision_body",
            "decision_number",
            "decision_date",
            "reconsideration_body",
            "reconsideration_request",
            "reconsideration_reasons",
        ],
    ),
    (_("仲裁与诉讼"), ["commission", "commission_basis", "court", "court_basis", "witnesses"]),
    (_("授权委托"), ["poa_authority", "poa_items"]),
    (_("结案"), ["documents_obtained", "worker_opinion", "followup_date", "followup_note"]),
]


class ParticularsForm(forms.ModelForm):
    poa_items = forms.MultipleChoiceField(
        label=_("特别授权事项"),
        choices=[(code, label) for code, (label, _forum) in POA_ITEMS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("选择“特别授权”时逐项勾选；仲裁事项用于仲裁阶段，诉讼事项只在诉讼阶段打印。"),
    )
    documents_obtained = forms.MultipleChoiceField(
        label=_("取得的法律文书"),
        choices=list(DOCUMENTS_OBTAINED.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Particulars
        fields = [name for _title, names in SECTIONS for name in names]
        widgets = {
            **{name: DATE for name in PAST_DATES},
            "accident_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "reconsideration_request": forms.Textarea(attrs={"rows": 2}),
            "reconsideration_reasons": forms.Textarea(attrs={"rows": 4}),
            "witnesses": forms.Textarea(attrs={"rows": 2}),
            "injury_applicant": forms.RadioSelect,
            "poa_authority": forms.RadioSelect,
        }
        error_messages = {
            **{name: {"invalid": DATE_ERROR} for name in PAST_DATES},
            "accident_time": {"invalid": _("请输入时刻，例如 19:30。")},
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        prefixes = [case.region_code[:n] for n in (2, 4, 6)]
        commissions = ArbitrationCommission.objects.filter(region_prefix__in=prefixes)
        self.fields["commission"].queryset = commissions
        self.fields["commission"].empty_label = _("按登记地自动选择")
        recovered = self.instance.recovered_items or {}
        self.claimed_items = [i for i in case.claimed_items or [] if i.get("code")]
        for item in self.claimed_items:
            self.fields[f"recovered_{item['code']}"] = forms.DecimalField(
                label=_("挽回：%(label)s") % {"label": item.get("label", item["code"])},
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                initial=recovered.get(item["code"]),
                error_messages={"invalid": _("请输入金额数字，例如 12000。")},
            )
        self.local_fields = LocalField.for_region(
            case.region_code, Document.Kind.OCCUPATIONAL_APPLICATION
        )
        values = self.instance.local_values or {}
        for field in self.local_fields:
            self.fields[f"local_{field.key}"] = forms.CharField(
                label=field.label,
                help_text=field.help_text,
                required=False,
                max_length=200,
                initial=values.get(field.key, ""),
            )

    def clean(self):
        data = super().clean()
        for name, label in PAST_DATES.items():
            if name in data and not self.has_error(name):
                try:
                    check_past_date(data[name], label=label)
                except ValidationError as error:
                    self.add_error(name, error)
        if (
            data.get("injury_applicant")
            in (
                Particulars.Applicant.RELATIVE,
                Particulars.Applicant.UNION,
            )
            and not (data.get("applicant_name") or "").strip()
        ):
            self.add_error(
                "applicant_name", _("由近亲属或工会组织申请时，请填写申请人的姓名或名称。")
            )
        if data.get("poa_authority") == Particulars.Authority.SPECIAL and not data.get("poa_items"):
            self.add_error("poa_items", _("特别授权须逐项列明授权事项，不能只写“全权代理”。"))
        return data

    def recovered_items(self) -> dict:
        values = {}
        for item in self.claimed_items:
            amount = self.cleaned_data.get(f"recovered_{item['code']}")
            if amount is not None:
                values[item["code"]] = f"{amount:.2f}"
        return values

    def local_values(self) -> dict:
        return {
            f.key: self.cleaned_data.get(f"local_{f.key}", "").strip() for f in self.local_fields
        }

    def sections(self):
        """The fields in the page's sections, in order."""
        extra = {
            1: [f"local_{f.key}" for f in self.local_fields],
            len(SECTIONS) - 1: [f"recovered_{item['code']}" for item in self.claimed_items],
        }
        return [
            (title, [self[name] for name in names + extra.get(i, [])])
            for i, (title, names) in enumerate(SECTIONS)
        ]


class FinalUploadForm(forms.Form):
    file = forms.FileField(
        label=_("上传最终版（PDF 或 Word）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
        error_messages={"required": _("请选择要上传的文件。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = validate_final(upload)
        return upload
