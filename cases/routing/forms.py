"""Forms of the routing pages: the queue's filters, declining, choosing a lawyer."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from lawyers.models import ClaimType, Lawyer


class QueueFilterForm(forms.Form):
    claim = forms.ChoiceField(
        label=gettext_lazy("求助类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *ClaimType.choices],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("全部状态")),
            (Case.State.ASSIGNED, gettext_lazy("待接案")),
            (Case.State.IN_PROGRESS, gettext_lazy("办理中")),
        ],
    )
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=50)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("拒绝理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写拒绝理由。")},
    )
    state = forms.CharField(required=False, widget=forms.HiddenInput)


class ChooseLawyerForm(forms.Form):
    lawyer = forms.ModelChoiceField(
        queryset=Lawyer.objects.all(),
        label=gettext_lazy("律师"),
        error_messages={
            "required": gettext_lazy("请选择一位律师。"),
            "invalid_choice": gettext_lazy("所选律师不存在，请重新选择。"),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("改派原因"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    state = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].error_messages["required"] = _("请填写改派原因。")
