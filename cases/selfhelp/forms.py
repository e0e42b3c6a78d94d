"""The self-help forms: the phone (the status page's own form), the SMS code, and the
request, each field checked by the intake's rules with a message at the field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import MultipleFileField, MultipleFileInput, check_past_date
from cases.models import Worker
from cases.selfhelp.submission import MAX_PHOTOS, PROBLEMS
from cases.status import lookup
from cases.status.views import PhoneForm

__all__ = ["PhoneForm", "SmsCodeForm", "RequestForm"]


class SmsCodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=20,
        help_text=_("短信里的 6 位数字，10 分钟内有效。"),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9０-９ -]*",
            }
        ),
        error_messages={"required": _("请输入短信里的 6 位验证码。")},
    )

    def clean_code(self):
        code = lookup.normalize_code(self.cleaned_data["code"])
        if not code.isdigit() or len(code) != lookup.CODE_LENGTH:
            raise ValidationError(_("验证码是 6 位数字，请核对短信后重新输入。"))
        return code


class PhotoField(MultipleFileField):
    """Up to MAX_PHOTOS files, each checked as staff uploads are (content and size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(n)d 张照片，请少选几张。") % {"n": MAX_PHOTOS})
        return super().clean(files, initial)


class RequestForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)
    problem = forms.ChoiceField(
        label=_("遇到了什么问题？"),
        choices=[(code, p.label) for code, p in PROBLEMS.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择您遇到的问题（选最接近的一项）。"),
            "invalid_choice": _("请选择您遇到的问题（选最接近的一项）。"),
        },
    )
    incident_date = forms.DateField(
        label=_("什么时候发生的？（选填）"),
        required=False,
        help_text=_("记不清可以不填，或填大概的日子。"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效日期，格式：年-月-日，例如 2026-11-02。")},
    )
    employer = forms.CharField(
        label=_("您给谁干活？（选填）"),
        max_length=100,
        required=False,
        help_text=_("平台、外包公司或站点的名字，例如：美团、某某配送站。"),
        widget=forms.TextInput(attrs={"list": "employer-suggestions", "autocomplete": "off"}),
        error_messages={"max_length": _("名字太长了，请写 100 个字以内。")},
    )
    amount = forms.DecimalField(
        label=_("大概欠您多少钱？（元，选填）"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("请输入金额数字，例如 3500。"),
            "max_digits": _("金额太大了，请核对。"),
            "max_decimal_places": _("金额最多精确到分，例如 3500.50。"),
            "max_whole_digits": _("金额太大了，请核对。"),
        },
    )
    facts = forms.CharField(
        label=_("简单说说发生了什么"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("什么时候、在哪里、发生了什么、现在怎么样。说不清也没关系，工会会打电话问您。"),
        error_messages={
            "required": _("请简单说说发生了什么，几句话就行。"),
            "max_length": _("请写 2000 个字以内，其余的可以等工会打电话时再说。"),
        },
    )
    name = forms.CharField(
        label=_("怎么称呼您？"),
        max_length=50,
        help_text=_("填姓名或称呼，方便工会联系您。"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("请填写您的姓名或称呼，方便工会联系您。"),
            "max_length": _("请写 50 个字以内。"),
        },
    )
    photos = PhotoField(
        label=_("证据照片（选填，最多 5 张）"),
        help_text=_("例如：伤情、病历、聊天记录、工资条的照片。也可以以后交给驿站。"),
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意上面的《个人信息处理告知同意书》"),
        error_messages={"required": _("请阅读告知同意书并勾选同意，否则无法提交。")},
    )
    # Left empty by people (it is off screen and out of the tab order); bots fill it.
    website = forms.CharField(required=False, label=_("请不要填写这一项"))

    def __init__(self, *args, consent=None, **kwargs):
        self.consent_text = consent
        super().__init__(*args, **kwargs)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("请填写您的姓名或称呼，方便工会联系您。"))
        return name

    def clean_incident_date(self):
        return check_past_date(self.cleaned_data["incident_date"], label=_("事发日期"))

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        if value is not None and value < 0:
            raise ValidationError(_("金额不能为负数。"))
        return value

    def clean_facts(self):
        facts = self.cleaned_data["facts"].strip()
        if not facts:
            raise ValidationError(_("请简单说说发生了什么，几句话就行。"))
        return facts

    def clean_employer(self):
        return self.cleaned_data["employer"].strip()

    def clean(self):
        data = super().clean()
        current = self.consent_text.version if self.consent_text else None
        if current is None:
            raise ValidationError(_("系统暂时不能接收求助，请拨打工会服务热线 12351。"))
        if data.get("consent") and data.get("consent_version") != current:
            self.add_error("consent", _("告知同意书刚刚更新了，请重新阅读后再勾选同意。"))
        return data


PLATFORM_SUGGESTIONS = [label for code, label in Worker.Platform.choices if code != "other"]
