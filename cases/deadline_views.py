"""Deadline pages: milestones on a case, the coordinator's deadline board, notifications."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from stations.models import Access


@login_required
def deadline_board(request):
    if not Access.of(request.user).is_coordinator:
        raise Http404
    return render(request, "cases/deadline_board.html", {})


@login_required
def notifications(request):
    return render(request, "cases/notifications.html", {"notifications": []})
