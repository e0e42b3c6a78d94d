"""Routing pages: the lawyer's queue, the coordinator's assignment board, lawyer actions."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from stations.models import Access


@login_required
def queue(request):
    if not hasattr(request.user, "lawyer"):
        raise Http404
    return render(request, "cases/queue.html", {"cases": []})


@login_required
def assignment_board(request):
    if not Access.of(request.user).is_coordinator:
        raise Http404
    return render(request, "cases/assignment_board.html", {})
