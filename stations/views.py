from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.first_run import setup_steps

from . import finder as stations_finder
from .forms import PositionForm
from .health import check_health
from .models import Access, Station


@login_required
def home(request):
    """Each role lands on its own page: lawyer → queue, coordinator → triage, volunteer →
    station cases, analyst → statistics."""
    if hasattr(request.user, "lawyer"):
        return redirect("cases:queue")
    access = Access.of(request.user)
    if access.is_coordinator:
        return redirect("cases:triage")
    if access.is_volunteer:
        return redirect("cases:station_cases")
    if access.is_analyst:
        return redirect("statistics:overview")
    if request.user.is_superuser:
        steps = setup_steps()
        if all(step.done for step in steps):
            return redirect("admin:index")
        return render(request, "stations/first_run.html", {"steps": steps})
    return render(request, "stations/no_role.html")


@require_GET
@never_cache
def healthz(request):
    status = check_health()
    return JsonResponse(status, status=200 if status["ok"] else 503)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


# ---------------------------------------------------------------------------
# The public finder and a station's position


@require_GET
def finder(request):
    """/stations/: by region (?region=<prefix>, links only, no script needed) or near a
    position (?lat=&lng=, from the browser's geolocation or typed)."""
    query = stations_finder.parse(request.GET)
    context = {
        "query": query,
        "filters": query.filters,
        "errors": query.errors,
        "keep": stations_finder.filter_params(query.filters),
    }
    if query.near is not None:
        found = stations_finder.nearest(*query.near, query.filters)
        context["cards"] = [stations_finder.card(s, km) for s, km in found]
    else:
        page = stations_finder.region_page(query)
        context.update(
            page=page,
            cards=[stations_finder.card(s) for s in page],
            path=stations_finder.path_to(query.prefix),
            children=stations_finder.children(query.prefix),
        )
    return render(request, "stations/finder.html", context, using="worker")


def may_move(user, station) -> bool:
    """Who may set a station's position: its own volunteers when it is a mobile
    station, the coordinators whose region covers it, and the admins."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    access = Access.of(user)
    if access.covers(station.region_code) and access.is_coordinator:
        return True
    return station.mobile and station.pk in access.station_ids


@login_required
def position(request, code):
    station = get_object_or_404(Station.objects.visible_to(request.user), code=code)
    if not may_move(request.user, station):
        raise Http404
    initial = {"lng": station.lng, "lat": station.lat}
    form = PositionForm(request.POST or None, station=station, initial=initial)
    if request.method == "POST" and form.is_valid():
        Station.objects.filter(pk=station.pk).update(
            lng=form.cleaned_data["lng"],
            lat=form.cleaned_data["lat"],
            position_updated_at=timezone.now(),
            updated_at=timezone.now(),
        )
        messages.success(request, _("%(name)s 的位置已更新。") % {"name": station.name})
        return redirect("stations:position", code=station.code)
    return render(
        request,
        "stations/position.html",
        {"station": station, "form": form},
        status=400 if request.method == "POST" else 200,
    )
