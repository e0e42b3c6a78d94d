from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Lawyer

MAX_CAPACITY = 50


class AvailabilityForm(forms.ModelForm):
    """A lawyer's own leave and capacity. Unavailable lawyers are never suggested."""

    on_leave_until = forms.DateField(
        label=_("休假至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("休假期间（含当天）不会收到新案件；留空表示不休假。"),
        error_messages={"invalid": _("请输入有效日期，格式：年-月-日，例如 2026-12-31。")},
    )
    capacity = forms.IntegerField(
        label=_("同时办理案件上限"),
        min_value=1,
        max_value=MAX_CAPACITY,
        error_messages={
            "required": _("请填写同时办理案件上限。"),
            "invalid": _("请输入 1 到 50 之间的整数。"),
            "min_value": _("上限至少为 1 件。"),
            "max_value": _("上限最多为 50 件。"),
        },
    )

    class Meta:
        model = Lawyer
        fields = ["on_leave_until", "capacity"]

    def save(self, commit=True):
        # Only these two columns: the router updates last_assigned_at on the same row
        # concurrently, and a full-row save would write back a stale value.
        lawyer = super().save(commit=False)
        if commit:
            lawyer.save(update_fields=self._meta.fields)
        return lawyer

    def clean_on_leave_until(self):
        value = self.cleaned_data["on_leave_until"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("休假结束日期不能早于今天。"))
        return value
