"""Completing a case's record after intake: the worker's details and the opposing
parties. Self-reported cases arrive without an ID number or parties (the worker typed
what they could on a phone); the station or the coordinator fills them in from the
case page. Every change is in the case log."""

from django.db import transaction
from django.utils.translation import gettext as _

from cases import events
from cases.intake import update_worker
from cases.models import CaseEvent, Party
from cases.permissions import ensure_editable


def complete_worker(case, user, changes: dict) -> list[str]:
    """Store the worker's details typed on the case page. An empty ID number keeps the
    stored one (the page never shows it in full). Returns the changed field names."""
    ensure_editable(case)
    changes = {k: v for k, v in changes.items() if not (k == "id_number" and not v)}
    return update_worker(case.worker, changes, user, source="case_page")


def add_party(case, user, data: dict) -> Party:
    ensure_editable(case)
    with transaction.atomic():
        party = Party.objects.create(case=case, **data)
        events.record(
            case, CaseEvent.Kind.PARTY, actor=user, party=party.pk, kind=party.kind, name=party.name
        )
    return party


def _party_text(event) -> str:
    kinds = dict(Party.Kind.choices)
    return _("添加对方当事人：%(kind)s %(name)s") % {
        "kind": kinds.get(event.data["kind"], event.data["kind"]),
        "name": event.data["name"],
    }


events.declare(CaseEvent.Kind.PARTY, data=("party", "kind", "name"), describe=_party_text)
