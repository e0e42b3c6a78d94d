from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import PHONE_ERROR
from cases.models import Worker
from cases.validators import clean_id_number, normalize_mobile

KEEP = [("", _("（不变）"))]


class CorrectionForm(forms.Form):
    """The worker's correction (PIPL art. 46). Blank fields keep what is stored, so the
    form never has to show the stored phone or ID number in full."""

    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    platform = forms.ChoiceField(
        label=_("平台"), choices=KEEP + Worker.Platform.choices, required=False
    )
    arrangement = forms.ChoiceField(
        label=_("用工方式"), choices=KEEP + Worker.Arrangement.choices, required=False
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        phone = normalize_mobile(value)
        if phone is None:
            raise ValidationError(PHONE_ERROR)
        return phone

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data["id_number"])

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes():
            raise ValidationError(_("请填写要更正的项目；留空的项目保持不变。"))
        return data

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v}


class ErasureForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("已核实申请人就是该劳动者本人，并确认其要求删除个人信息"),
        error_messages={"required": _("请先核实劳动者身份并勾选确认。")},
    )
