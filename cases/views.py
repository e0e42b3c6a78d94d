from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from stations.models import Access

from .access import get_case_for


@login_required
def station_cases(request):
    if not Access.of(request.user).is_volunteer and not request.user.is_superuser:
        raise Http404
    return render(request, "cases/station_cases.html", {"cases": []})


@login_required
def intake(request):
    raise Http404


@login_required
def triage(request):
    if not Access.of(request.user).is_coordinator:
        raise Http404
    return render(request, "cases/triage.html", {"cases": []})


@login_required
def detail(request, number):
    case = get_case_for(request.user, number)
    return render(request, "cases/detail.html", {"case": case})
