"""Template helpers for deadlines: the case-page panel and the notifications bell."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import permissions
from cases.deadlines import rules
from cases.models import Notification

register = template.Library()

BINDS_ORDER = {"worker": 0, "union": 1, "lawyer": 2, "agency": 3}


@register.simple_tag
def case_deadlines(case, user):
    """Everything the deadline panel shows: open deadlines with the worker side first,
    then by due date; closed ones; the milestones; whether the user may edit."""
    today = timezone.localdate()
    rows, closed = [], []
    for d in case.deadlines.select_related("milestone").order_by("due_date", "pk"):
        rule = rules.RULES.get(d.rule)
        row = {
            "deadline": d,
            "label": rule.label if rule else d.rule,
            "days_left": (d.due_date - today).days,
            "limitation": d.rule in rules.LIMITATION_RULES,
            "note": rule.note if rule else "",
            "pilot": d.rule in rules.PILOT_RULES,
            # "最晚请在…前办理（暂定）": for a deadline our side must meet.
            "safe_date": d.safe_date if d.binds == "worker" else None,
            "ours": rules.is_ours(d.binds),  # whose move: ours or theirs
            "after": rules.label_of(rule.after) if rule and rule.after else "",
        }
        (rows if d.status == "open" else closed).append(row)
    rows.sort(key=lambda r: (BINDS_ORDER.get(r["deadline"].binds, 9), r["deadline"].due_date))
    return {
        "open": rows,
        "closed": closed,
        "milestones": list(case.milestones.all()),
        "can_edit": user.is_authenticated and permissions.may_edit_deadlines(case, user),
        "today": today,
    }


@register.filter
def pilot_rule(code):
    """True for a pilot-policy deadline (shown with "试点政策期限，以当地规定为准")."""
    return code in rules.PILOT_RULES


@register.simple_tag
def pilot_notice():
    return rules.PILOT_NOTICE


@register.filter
def days_left_label(days):
    """ "还剩 3 天" / "今天届满" / "已逾期 2 天"."""
    if days is None:
        return ""
    if days > 0:
        return ngettext("还剩 %(n)s 天", "还剩 %(n)s 天", days) % {"n": days}
    if days == 0:
        return _("今天届满")
    return ngettext("已逾期 %(n)s 天", "已逾期 %(n)s 天", -days) % {"n": -days}


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """Unread count for the bell; one COUNT per page, cached on the request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # cases.auth.RequestUserBackend loads the count with the user: no query here.
    loaded = getattr(user, "unread_notifications", None)
    if loaded is not None:
        return loaded
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
        request._unread_notifications = cached
    return cached
