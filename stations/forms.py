from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .geo import check_position, wgs84_to_gcj02

DEGREES_ERROR = _("请输入十进制度数，例如 116.4807。")


class PositionForm(forms.Form):
    """A station's position: typed from a map app (GCJ-02), or filled in by the
    browser's geolocation (WGS-84, marked src=gps and converted here)."""

    lng = forms.FloatField(
        label=_("经度（GCJ-02）"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("请填写经度。"), "invalid": DEGREES_ERROR},
    )
    lat = forms.FloatField(
        label=_("纬度（GCJ-02）"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("请填写纬度。"), "invalid": DEGREES_ERROR},
    )
    src = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, station, **kwargs):
        self.station = station
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        lng, lat = data.get("lng"), data.get("lat")
        if lng is None or lat is None:
            return data
        if data.get("src") == "gps":
            lng, lat = wgs84_to_gcj02(lng, lat)
        try:
            check_position(self.station.region_code, lng, lat)
        except ValidationError as exc:
            self.add_error("lat", exc)
        data["lng"], data["lat"] = round(lng, 6), round(lat, 6)
        return data
