"""The statistics pages (/stats/): the dashboard's sections, the cases behind a figure,
and the exports. Who sees what is `permissions.statistics_view` (404 outside)."""

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases.documents.generate import DocumentError
from cases.models import Case, ExportJob, ExportLog
from cases.permissions import (
    is_coordinator,
    may_see_statistics,
    require,
    statistics_home,
    statistics_view,
)
from cases.statistics import behind, dashboard, exports, freshness, sections
from cases.statistics.periods import MonthField, Period, StatisticsFilter, this_month
from config import replica, storage
from lawyers.models import ClaimType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadFilter(Exception):
    def __init__(self, form):
        self.form = form


def _request_scope(request):
    """(form, scope, view) for the request's filter; BadFilter for bad input (the form
    says what), 404 for an unknown region or one outside the user's statistics."""
    require(may_see_statistics, request.user)
    data = request.GET.copy()
    if "region" not in data and "station" not in data:
        home = statistics_home(request.user)
        data["region"] = home.ljust(6, "0") if home else ""
    form = StatisticsFilter(data)
    if not form.is_valid():
        raise BadFilter(form)
    scope = dashboard.resolve_scope(form.cleaned_data["region"], form.cleaned_data["station"])
    view = statistics_view(request.user, scope.prefix)
    return form, scope, view


def _bad_filter(request, form, section="overview"):
    return render(
        request,
        "statistics/base.html",
        {
            "form": form,
            "page": None,
            "sections": _sections(),
            "section": section,
            # What was typed stays in the fields, wrong or not.
            "shown": {"from": form.data.get("from", ""), "to": form.data.get("to", "")},
        },
        status=400,
    )


def _sections():
    return [(name, label) for name, (label, _build) in sections.SECTIONS.items()]


@login_required
@require_GET
def section(request, section="overview"):
    if section not in sections.SECTIONS:
        raise Http404
    try:
        form, scope, view = _request_scope(request)
    except BadFilter as bad:
        return _bad_filter(request, bad.form, section)
    period = form.cleaned_data["period"]
    context = {
        "form": form,
        "scope": scope,
        "period": period,
        "params": {**scope.params, **period.params},
        "shown": period.params,
        "sections": _sections(),
        "section": section,
        "comparisons": dashboard.comparison_labels(period),
        "can_ledger": view.links,
        "month": period.last,
        "suppressed": view.suppressed,
    }

    def draw(taken_at):
        # The whole statistics part of the page (trail, filter, tabs, section, exports) is
        # the same for everyone with this key; only the site's frame is drawn per request.
        page = sections.build(section, scope, period, suppressed=view.suppressed, links=view.links)
        body = render_to_string(
            f"statistics/sections/{section}.html",
            {**context, "page": page, "claim_choices": ClaimType.choices},
            request,
        )
        return render_to_string(
            "statistics/_content.html",
            {**context, "section_html": body, "taken_at": taken_at},
            request,
        )

    key = freshness.key(section, scope, period, suppressed=view.suppressed, links=view.links)
    # The figures, and the version they are kept under, from the read replica (when there
    # is one and it has what this user wrote); the permission checks above read the primary.
    with replica.reading_replica(request):
        drawn = freshness.drawn(key, scope, draw)
    return render(request, "statistics/base.html", {**context, "drawn": drawn})


@login_required
@require_GET
def cases_list(request):
    """The cases behind one figure (coordinators: their view of the cases, masked)."""
    try:
        form, scope, view = _request_scope(request)
    except BadFilter:
        raise Http404 from None
    if view.suppressed:
        raise Http404
    metric = request.GET.get("metric", "")
    if metric not in behind.METRICS:
        raise Http404
    month = None
    if request.GET.get("month"):
        try:
            month = MonthField().clean(request.GET["month"])
        except Exception:
            raise Http404 from None
    cases = Case.objects.visible_to(request.user).filter(region_code__startswith=scope.prefix)
    if scope.station:
        cases = cases.filter(station=scope.station)
    period = form.cleaned_data["period"]
    found = behind.cases_behind(
        cases,
        period,
        metric,
        request.GET.get("key", "")[:100],
        request.GET.get("sub", "")[:20],
        month=month,
    )
    if found is None:
        raise Http404
    found = found.select_related("worker", "station", "lawyer").order_by("-created_at", "-pk")
    found = found.using(replica.read_alias(request))
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "statistics/cases.html",
        {
            "page": page,
            "scope": scope,
            "period": period,
            "per_case": metric in behind.PER_CASE,
            "query": query.urlencode(),
            "back": {**scope.params, **period.params},
        },
    )


# ---------------------------------------------------------------------------
# Exports


def _report_scope(request):
    """The monthly report's scope and month (?month=YYYY-MM, default this month)."""
    form, scope, view = _request_scope(request)
    raw = request.GET.get("month") or request.GET.get("to") or ""
    try:
        month = MonthField().clean(raw) or this_month()
    except Exception:
        raise Http404 from None
    if month > this_month():
        raise Http404
    return scope, view, Period(month, month)


@login_required
@require_GET
def monthly_report(request, fmt):
    try:
        scope, view, period = _report_scope(request)
    except BadFilter:
        raise Http404 from None
    with replica.reading_replica(request):
        pages = exports.monthly_pages(scope, period, suppressed=view.suppressed)
    name = f"{_('统计月报')}-{scope.code or 'all'}-{period.first:%Y%m}.{fmt}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        exports.write_monthly_xlsx(scope, period, pages, buffer)
        data, content_type, kind = buffer.getvalue(), XLSX, ExportLog.Kind.MONTHLY_XLSX
    else:
        try:
            data = exports.render_monthly_pdf(scope, period, pages)
        except DocumentError as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        content_type, kind = "application/pdf", ExportLog.Kind.MONTHLY_PDF
    exports.log_export(request.user, kind, scope, period, suppressed=view.suppressed)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def ledger(request, fmt):
    """The case ledger: streamed when small, a background task with a progress page
    above exports.LEDGER_INLINE_MAX cases. Coordinators only."""
    require(is_coordinator, request.user)
    try:
        form, scope, view = _request_scope(request)
    except BadFilter as bad:
        return _bad_filter(request, bad.form)
    if view.suppressed:
        raise Http404
    period = form.cleaned_data["period"]
    cases = exports.ledger_cases(request.user, scope, period).using(replica.read_alias(request))
    count = cases.count()
    kind = ExportLog.Kind.LEDGER_CSV if fmt == "csv" else ExportLog.Kind.LEDGER_XLSX
    exports.log_export(request.user, kind, scope, period, rows=count)
    if count > exports.LEDGER_INLINE_MAX:
        job = exports.start_ledger_job(request.user, kind, scope, period, count)
        return redirect("statistics:export_progress", pk=job.pk)
    name = exports.ledger_name(scope, period, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.ledger_csv_stream(cases), content_type="text/csv; charset=utf-8"
        )
    else:
        buffer = io.BytesIO()
        exports.write_ledger_xlsx(cases, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@never_cache
def export_progress(request, pk):
    require(is_coordinator, request.user)
    job = get_object_or_404(ExportJob, pk=pk, created_by=request.user)
    template = (
        "statistics/export_progress_panel.html"
        if request.htmx
        else "statistics/export_progress.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_download(request, pk):
    require(is_coordinator, request.user)
    job = get_object_or_404(ExportJob, pk=pk, created_by=request.user, status=ExportJob.Status.DONE)
    try:
        handle = storage.open_for_reading(job.file)
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    except storage.StorageUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=XLSX if job.file.name.endswith(".xlsx") else "text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response
