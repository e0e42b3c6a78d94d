from django import template
from django.utils.translation import gettext_lazy as _

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


TRANSITION_LABELS = {
    "resolve_at_intake": _("当场解答办结"),
    "accept_for_aid": _("受理援助"),
    "refer": _("转介"),
    "assign": _("分配律师"),
    "accept": _("律师接案"),
    "decline": _("律师拒绝"),
    "expire": _("律师超时未答复"),
    "reassign": _("改派律师"),
    "resolve": _("办结"),
    "reopen": _("重新办理"),
    "close": _("归档"),
    "withdraw": _("撤回"),
}


@register.filter
def transition_label(name):
    return TRANSITION_LABELS.get(name, name)


@register.filter
def state_label(state):
    from cases.models import Case

    return dict(Case.State.choices).get(state, state)
