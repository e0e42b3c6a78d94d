"""The notification bell: the user's notices, marking them read, following one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case, Notification
from cases.permissions import lawyer_of

NOTIFICATIONS_PAGE_SIZE = 30


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user).select_related("case")
    show = request.GET.get("show", "")
    if show == "unread":
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    lawyer = lawyer_of(request.user)
    return render(
        request,
        "cases/notifications.html",
        {
            "page": page,
            "notifications": page.object_list,
            "show": show,
            "lawyer": lawyer,
            "unread": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if (
        request.POST.get("go")
        and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
        and notification.url
    ):
        return redirect(_still_reachable(request, notification))
    return redirect("cases:notifications")


def _still_reachable(request, notification) -> str:
    """Where "查看" goes: the notice's page, unless its case has left the user's hands
    since (declined, reassigned away): then their own notes, or back with a word."""
    case = notification.case
    if case is None or Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return notification.url
    lawyer = lawyer_of(request.user)
    if lawyer is not None and Case.objects.handed_over_by(lawyer).filter(pk=case.pk).exists():
        return reverse("cases:own_notes", args=[case.number])
    messages.info(request, _("案件 %(number)s 已不由您办理。") % {"number": case.number})
    return reverse("cases:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    n = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": n})
    return redirect("cases:notifications")
