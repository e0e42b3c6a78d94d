"""Statistics periods: whole months, at most ten years, none in the future.

The rollup counts by month (the unit unions report in), so a period is a run of whole
months, `?from=2026-01&to=2026-06`; a full date is read as its month. The default is
the twelve months ending with this one. A period is compared with the one just before
it (as long) and, when it is at most a year, with the same months a year earlier.
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stations.regions import CODE_RE

MAX_MONTHS = 120
FIRST_YEAR = 2000
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def this_month(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()).replace(day=1)


@dataclass(frozen=True)
class Period:
    first: datetime.date  # the first day of the first month
    last: datetime.date  # the first day of the last month

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    def month_list(self) -> list[datetime.date]:
        return [add_months(self.first, i) for i in range(self.months)]

    @property
    def end(self) -> datetime.date:
        """The day after the period (exclusive bound)."""
        return add_months(self.last, 1)

    def previous(self) -> "Period":
        return Period(add_months(self.first, -self.months), add_months(self.first, -1))

    def last_year(self) -> "Period | None":
        if self.months > 12:
            return None  # it would overlap this one
        return Period(add_months(self.first, -12), add_months(self.last, -12))

    @property
    def params(self) -> dict:
        return {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}

    def __str__(self):
        first = formats.date_format(self.first, "YEAR_MONTH_FORMAT")
        if self.first == self.last:
            return first
        return _("%(first)s—%(last)s") % {
            "first": first,
            "last": formats.date_format(self.last, "YEAR_MONTH_FORMAT"),
        }


def default_period(today: datetime.date | None = None) -> Period:
    last = this_month(today)
    return Period(add_months(last, -11), last)


class MonthField(forms.CharField):
    default_error_messages = {
        "invalid": gettext_lazy("请按“年-月”填写月份，例如 2026-03。"),
        "too_early": gettext_lazy("统计从 %(year)s 年开始。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = MONTH_RE.match(value) if len(value) <= 10 else None
        try:
            if not match:
                raise ValueError
            year, month = int(match.group(1)), int(match.group(2))
            day = datetime.date(year, month, int(match.group(3) or 1))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if day.year < FIRST_YEAR:
            raise forms.ValidationError(
                self.error_messages["too_early"], code="too_early", params={"year": FIRST_YEAR}
            )
        return day.replace(day=1)


class StatisticsFilter(forms.Form):
    """?region=&station=&from=&to= — what the statistics pages and exports read."""

    region = forms.CharField(label=gettext_lazy("地区代码"), required=False, max_length=6)
    station = forms.CharField(label=gettext_lazy("驿站编号"), required=False, max_length=32)

    def __init__(self, data=None, *, today=None, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today or timezone.localdate()
        # "from" is a Python keyword: the fields are added by name.
        self.fields["from"] = MonthField(label=gettext_lazy("起始月份"))
        self.fields["to"] = MonthField(label=gettext_lazy("截止月份"))

    def clean_region(self):
        region = self.cleaned_data["region"].strip()
        if region and not CODE_RE.match(region):
            raise forms.ValidationError(_("请填写 6 位行政区划代码，例如 110105；留空为全部地区。"))
        return region

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default = default_period(self.today)
        last = data.get("to") or default.last
        first = data.get("from") or (add_months(last, -11) if data.get("to") else default.first)
        if last > this_month(self.today):
            self.add_error("to", _("截止月份不能晚于本月。"))
        elif first > last:
            self.add_error("from", _("起始月份不能晚于截止月份。"))
        elif Period(first, last).months > MAX_MONTHS:
            self.add_error("from", _("统计期间不能超过 10 年。"))
        else:
            data["period"] = Period(first, last)
        return data
