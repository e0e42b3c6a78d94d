"""The documents panel's computed context: what this user may generate, and the versions."""

from django import template
from django.utils.html import format_html

from cases.documents import rules as docs
from cases.models import Document
from cases.permissions import may_resolve

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_panel(context, case):
    """{% documents_panel case as panel %}: kinds to offer and every stored version, by kind."""
    user = context["request"].user
    facts = docs.facts_of(case)
    allowed = {k for k in Document.Kind.values if docs.kind_allowed(case, k, user, facts)}
    reasons = {}
    for kind in [] if case.is_archived else Document.Kind.values:
        reason = docs.refusal(case, kind, user, facts)
        if reason:
            reasons[kind] = reason
    versions: dict[str, list] = {}
    for document in case.documents.select_related("generated_by").order_by("kind", "-version"):
        versions.setdefault(document.kind, []).append(document)
    rows = [
        {
            "kind": kind,
            "label": label,
            "can_generate": kind in allowed,
            "versions": versions.get(kind, []),
            # Why it is not offered now (the case page explains rather than hides).
            "reason": reasons.get(kind, ""),
        }
        for kind, label in Document.Kind.choices
        if kind in allowed
        or kind in reasons
        or (kind in versions and docs.may_read(case, kind, user))
    ]
    return {
        "rows": rows,
        "may_edit_particulars": not case.is_archived and may_resolve(case, user),
        "may_upload": not case.is_archived and may_resolve(case, user),
    }


@register.simple_tag
def tick(checked) -> str:
    """A tick box of one size whether ticked or not: the same box, with ✓ or a blank."""
    return format_html('<span class="box">{}</span>', "✓" if checked else "\u00a0")


@register.filter
def eq(value, other) -> bool:
    """{% tick choice|eq:"self" %}: simple tags take no comparisons."""
    return str(value) == str(other)
