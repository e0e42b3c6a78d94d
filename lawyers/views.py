from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import AvailabilityForm


def _own_lawyer(user):
    lawyer = getattr(user, "lawyer", None)
    if lawyer is None:
        raise Http404
    return lawyer


@login_required
def profile(request):
    return render(request, "lawyers/profile.html", {"lawyer": _own_lawyer(request.user)})


@login_required
def availability(request):
    """The lawyer marks leave until a date and sets how many cases they take at once."""
    lawyer = _own_lawyer(request.user)
    form = AvailabilityForm(request.POST or None, instance=lawyer)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("已保存。"))
            return redirect("lawyers:availability")
        status = 400
    else:
        status = 200
    open_cases = lawyer.cases.filter(state__in=["assigned", "in_progress"]).count()
    return render(
        request,
        "lawyers/availability.html",
        {"lawyer": lawyer, "form": form, "open_cases": open_cases},
        status=status,
    )
