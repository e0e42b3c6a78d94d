from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码或恢复码"),
        max_length=32,
        error_messages={"required": _("请输入手机验证器显示的 6 位验证码，或一个恢复码。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("验证器显示的 6 位验证码"),
        max_length=12,
        error_messages={"required": _("请输入验证器应用显示的 6 位验证码。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
