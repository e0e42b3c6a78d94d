"""The documents panel's computed context: what this user may generate, and the versions."""

from django import template

from cases.documents import rules as docs
from cases.models import Document

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_panel(context, case):
    """{% documents_panel case as panel %}: kinds to offer and every stored version, by kind."""
    user = context["request"].user
    allowed = set(docs.available_kinds(case, user))
    versions: dict[str, list] = {}
    for document in case.documents.select_related("generated_by").order_by("kind", "-version"):
        versions.setdefault(document.kind, []).append(document)
    rows = [
        {
            "kind": kind,
            "label": label,
            "can_generate": kind in allowed,
            "versions": versions.get(kind, []),
        }
        for kind, label in Document.Kind.choices
        if kind in allowed or (kind in versions and docs.may_read(case, kind, user))
    ]
    return {"rows": rows}
