from django import template

from cases import events, permissions, workflow
from cases.models import Case

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }} for dicts in templates."""
    if not mapping:
        return None
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def state_class(state):
    """A badge colour per case state."""
    return {
        "received": "amber",
        "accepted": "amber",
        "assigned": "amber",
        "in_progress": "",
        "resolved": "green",
        "closed": "green",
        "referred": "",
        "withdrawn": "",
    }.get(state, "")


@register.filter
def transition_label(name):
    return workflow.label_of(name)


@register.filter
def event_text(event):
    """What a case-log entry says, in the reader's language."""
    return events.describe(event)


@register.filter
def state_label(state):
    return dict(Case.State.choices).get(state, state)


@register.filter
def answers_worker(case, user):
    """Whether `user` answers the worker's requests about their data on this case."""
    return permissions.may_answer_worker(case, user)
