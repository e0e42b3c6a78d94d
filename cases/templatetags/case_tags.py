from django import template

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
