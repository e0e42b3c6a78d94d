from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import check_health
from .models import Access


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
        return redirect("admin:index")
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
