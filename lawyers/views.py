from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render


@login_required
def profile(request):
    lawyer = getattr(request.user, "lawyer", None)
    if lawyer is None:
        raise Http404
    return render(request, "lawyers/profile.html", {"lawyer": lawyer})
