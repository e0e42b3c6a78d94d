"""The lawyer's 计算 page on a case: pick a kind (the claims suggest which), fill the
parameters (published figures prefilled, with their source), see the items with their
formulas and citations, save the result as a version, use a version as the claim."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import calculator
from cases.calculations import record
from cases.calculations.forms import CalculationForm
from cases.permissions import CaseArchived, case_or_404, may_resolve


def _page(case):
    return reverse("cases:calculate", args=[case.number])


@login_required
@require_http_methods(["GET", "POST"])
def calculate(request, number):
    case = case_or_404(request.user, number, may_resolve)
    suggested = record.suggested_kinds(case)
    kind = (
        request.POST.get("kind") or request.GET.get("kind") or (suggested or ["labor.severance"])[0]
    )
    if kind not in calculator.KINDS:
        messages.error(request, _("未知的计算类型，请重新选择。"))
        kind = (suggested or ["labor.severance"])[0]
    figures = record.figures(case, kind)
    data = request.POST if request.method == "POST" else None
    form = CalculationForm(data, kind=kind, figures=figures)
    result = None
    status = 200
    if data is not None:
        result = form.calculate()
        if result is None:
            status = 400
        elif request.POST.get("action") in ("save", "use"):
            if case.is_archived:
                messages.error(request, str(CaseArchived()))
                return redirect(case.get_absolute_url())
            calculation = record.save(case, request.user, kind, form.params())
            if request.POST.get("action") == "use":
                record.use_as_claim(calculation, request.user)
                messages.success(
                    request,
                    _("已保存第 %(version)s 版，并用作请求金额：%(total)s 元。")
                    % {"version": calculation.version, "total": f"{calculation.total:,.2f}"},
                )
            else:
                messages.success(
                    request, _("已保存第 %(version)s 版计算。") % {"version": calculation.version}
                )
            return redirect(_page(case) + f"?kind={kind}#saved")
    kinds = [(code, spec.label, code in suggested) for code, spec in calculator.KINDS.items()]
    kinds.sort(key=lambda row: (not row[2],))
    return render(
        request,
        "cases/calculate.html",
        {
            "case": case,
            "kind": calculator.get_kind(kind),
            "kinds": kinds,
            "form": form,
            "result": result,
            "saved": case.calculations.select_related("created_by"),
            "can_save": not case.is_archived,
        },
        status=status,
    )


@login_required
@require_POST
def use_calculation(request, number, pk):
    case = case_or_404(request.user, number, may_resolve)
    calculation = get_object_or_404(case.calculations, pk=pk)
    try:
        record.use_as_claim(calculation, request.user)
    except CaseArchived as exc:
        messages.error(request, str(exc))
        return redirect(case.get_absolute_url())
    messages.success(
        request,
        _("第 %(version)s 版计算已用作请求金额：%(total)s 元。")
        % {"version": calculation.version, "total": f"{calculation.total:,.2f}"},
    )
    return redirect(_page(case) + "#saved")
