"""Staff pages for self-help: each station's poster, and all of a region's posters
as one ZIP (a task, with the closing reports' progress page)."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cases.documents.generate import DocumentError
from cases.models import PosterBatch
from cases.permissions import is_coordinator, is_station_staff, require
from cases.selfhelp import posters
from stations.regions import PREFIX_RE
from stations.views import may_move


@login_required
@require_http_methods(["GET", "POST"])
def poster_list(request):
    require(is_station_staff, request.user)
    prefix = (request.POST.get("region") or request.GET.get("region") or "").strip()
    if prefix and not PREFIX_RE.match(prefix):
        messages.error(request, _("地区范围应为 2、4 或 6 位区划代码前缀，例如 53、5301、530103。"))
        prefix = ""
    if request.method == "POST":
        try:
            batch = posters.start_batch(request.user, prefix, posters.base_url(request))
        except posters.PosterRefused as exc:
            messages.error(request, str(exc))
        else:
            return redirect("cases:posters_progress", pk=batch.pk)
    stations = posters.stations_for(request.user)
    if prefix:
        stations = stations.filter(region_code__startswith=prefix)
    query = request.GET.get("q", "").strip()
    if query:
        stations = stations.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(stations, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/posters.html",
        {
            "page": page,
            "rows": [(s, may_move(request.user, s)) for s in page],
            "q": query,
            "region": prefix,
            "can_batch": is_coordinator(request.user),
            "max_batch": posters.MAX_BATCH,
            "recent": PosterBatch.objects.filter(created_by=request.user)[:5],
        },
    )


@login_required
@require_GET
def poster(request, code):
    require(is_station_staff, request.user)
    station = get_object_or_404(posters.stations_for(request.user), code=code)
    try:
        pdf = posters.render_poster(station, posters.base_url(request))
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("cases:posters")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        not request.GET.get("inline"), posters.poster_name(station)
    )
    return response


@login_required
@never_cache
def posters_progress(request, pk):
    require(is_coordinator, request.user)
    batch = get_object_or_404(PosterBatch, pk=pk, created_by=request.user)
    context = {
        "batch": batch,
        "help": _("本页会自动刷新，您也可以先离开，稍后在“驿站海报”页面找到这个任务。"),
    }
    if request.htmx:
        return render(request, "cases/closing_reports_progress_panel.html", context)
    return render(request, "cases/posters_progress.html", context)


@login_required
@require_GET
def posters_zip(request, pk):
    require(is_coordinator, request.user)
    batch = get_object_or_404(PosterBatch, pk=pk, created_by=request.user)
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    if not posters.write_zip(batch, request.user, archive):
        raise Http404
    archive.seek(0)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=_("驿站海报-%(date)s.zip") % {"date": batch.created_at.strftime("%Y%m%d-%H%M")},
        content_type="application/zip",
    )
