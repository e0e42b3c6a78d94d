"""The assignment panel on the case page (routing feature): what each person sees there."""

from django import template
from django.utils import timezone

from cases.deadlines.bookkeeping import ACCEPT_RULE
from cases.models import Case, Deadline
from cases.permissions import is_assigned_lawyer, may_coordinate
from cases.routing.offers import suggest
from cases.validators import mask_phone

register = template.Library()

PANEL_SUGGESTIONS = 3


@register.simple_tag(takes_context=True)
def assignment_panel(context, case):
    """Context for cases/_assignment_panel.html: suggestions and past offers for the
    case's coordinators, accept/decline for the assigned lawyer."""
    user = context["request"].user
    coordinating = may_coordinate(case, user)
    panel = {
        "coordinating": coordinating,
        "is_assigned_lawyer": case.state == Case.State.ASSIGNED and is_assigned_lawyer(case, user),
        "suggestions": [],
        "offers": [],
        "accept_due": None,
        "today": timezone.localdate(),
    }
    if case.state == Case.State.ASSIGNED:
        panel["accept_due"] = (
            Deadline.objects.filter(case=case, rule=ACCEPT_RULE, status=Deadline.Status.OPEN)
            .order_by("due_date")
            .values_list("due_date", flat=True)
            .first()
        )
    if coordinating:
        if case.state == Case.State.ACCEPTED:
            panel["suggestions"] = suggest(case)[:PANEL_SUGGESTIONS]
        panel["offers"] = list(case.assignments.select_related("lawyer")[:10])
    return panel


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def days_until(date, today):
    return (date - today).days if date else None
