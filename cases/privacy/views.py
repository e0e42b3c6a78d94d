"""The staff's page for a worker's request about their personal data: a copy (PDF or
JSON), a correction, a deletion. Reached from the case page; the station's people and
the case's coordinators answer (permissions.may_answer_worker); a deletion is a
coordinator's (permissions.may_coordinate)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import security
from accounts.models import SecurityEvent
from cases import events
from cases.documents.generate import DocumentError
from cases.intake import update_worker
from cases.models import Case, CaseEvent
from cases.permissions import case_or_404, may_answer_worker, may_coordinate
from cases.privacy import anonymise, copy
from cases.privacy.forms import CorrectionForm, ErasureForm


def _page(request, case, *, correction=None, erasure=None, status=200):
    worker = case.worker
    response = render(
        request,
        "privacy/worker.html",
        {
            "case": case,
            "worker": worker,
            "cases": Case.objects.visible_to(request.user).filter(worker=worker).order_by("pk"),
            "correction": correction or CorrectionForm(),
            "erasure": erasure or ErasureForm(),
            "can_erase": may_coordinate(case, request.user),
            "erasure_refusal": anonymise.erasure_refusal(worker, request.user),
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_GET
def worker_page(request, number):
    case = case_or_404(request.user, number, may_answer_worker)
    return _page(request, case)


def _record_copy(request, case, fmt, data):
    for number in [c["number"] for c in data["cases"]] or [case.number]:
        target = case if number == case.number else case.worker.cases.get(number=number)
        events.record(target, CaseEvent.Kind.PRIVACY, actor=request.user, action="copy", format=fmt)
    security.record(
        SecurityEvent.Kind.EXPORT,
        request=request,
        what=f"worker_data_{fmt}",
        case=case.number,
        count=len(data["cases"]),
    )


def _filename(case, ext: str) -> str:
    return f"personal-data-{case.number}-{timezone.localdate():%Y%m%d}.{ext}"


@never_cache
@login_required
@require_GET
def worker_copy_json(request, number):
    case = case_or_404(request.user, number, may_answer_worker)
    data = copy.worker_data(case.worker, request.user)
    _record_copy(request, case, "json", data)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(case, "json")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_GET
def worker_copy_pdf(request, number):
    case = case_or_404(request.user, number, may_answer_worker)
    data = copy.worker_data(case.worker, request.user)
    try:
        pdf = copy.worker_pdf(data)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("cases:worker_data", number=case.number)
    _record_copy(request, case, "pdf", data)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(case, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def worker_correct(request, number):
    case = case_or_404(request.user, number, may_answer_worker)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _page(request, case, correction=form, status=400)
    changed = update_worker(case.worker, form.changes(), request.user, source="request")
    if changed:
        messages.success(request, _("劳动者信息已更正，并已记入其每个案件的日志。"))
    else:
        messages.info(request, _("填写的内容与现有信息相同，没有更改。"))
    return redirect("cases:worker_data", number=case.number)


@login_required
@require_POST
def worker_erase(request, number):
    case = case_or_404(request.user, number, may_coordinate)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _page(request, case, erasure=form, status=400)
    try:
        anonymise.erase_on_request(case.worker, request.user)
    except anonymise.ErasureRefused as exc:
        form.add_error(None, str(exc))
        return _page(request, case, erasure=form, status=400)
    messages.success(request, _("已删除该劳动者的个人信息；案件的统计数据保留。"))
    return redirect(case.get_absolute_url())
