"""The 计算 page's form, generated from a kind's parameter declarations
(cases.calculator: Param.describe). Fields are text: the calculator parses them with
the same checks as `manage.py calculate`, and its error lands at the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import calculator
from cases.calculator.params import CHOICE, DATE, DECIMAL, INT, MONEY

WIDGETS = {
    MONEY: lambda: forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    DECIMAL: lambda: forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    INT: lambda: forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    DATE: lambda: forms.DateInput(attrs={"type": "date"}),
}


class CalculationForm(forms.Form):
    def __init__(self, *args, kind: str, figures: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = calculator.get_kind(kind)
        for spec in self.kind.describe()["params"]:
            name = spec["name"]
            figure = figures.get(name)
            help_text = spec["help"]
            if figure is not None:
                help_text = _("%(help)s 已按 %(year)s 年数据预填：%(source)s") % {
                    "help": help_text,
                    "year": figure.year,
                    "source": figure.source,
                }
            if spec["type"] == CHOICE:
                field = forms.ChoiceField(choices=spec["choices"], required=False)
                field.initial = spec["default"]
            else:
                field = forms.CharField(
                    required=False, max_length=40, widget=WIDGETS[spec["type"]]()
                )
                if figure is not None:
                    field.initial = f"{figure.value}"
            field.label = spec["label"] + ("" if spec["required"] else str(_("（选填）")))
            field.help_text = help_text
            field.widget.attrs.setdefault("aria-describedby", f"help-{name}")
            self.fields[name] = field

    def params(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}

    def calculate(self):
        """The result, or None with the calculator's message at the field at fault."""
        if not self.is_valid():
            return None
        try:
            return calculator.calculate(self.kind.code, self.params())
        except calculator.ParamError as error:
            if error.field in self.fields:
                self.add_error(error.field, error.reason)
            else:
                self.add_error(None, str(error))
        except calculator.CalculatorError as error:
            self.add_error(None, str(error))
        return None
