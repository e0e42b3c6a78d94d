"""Recording the particulars the forms need: the worker's details, the opposing
parties and the case's Particulars, in one transaction, audited.

The log names what changed, never the values (a party's address, the worker's
domicile are personal information): a PARTICULARS event with the fields and the
parties added, changed or removed; a change to the worker goes through
`intake.update_worker`, which records it on each of the worker's cases."""

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _

from cases import events
from cases.intake import update_worker
from cases.models import CaseEvent, Particulars
from cases.permissions import ensure_editable


def save(case, user, *, worker_form, party_formset, particulars_form) -> list[str]:
    """Save the three forms (all valid); returns the names of what changed."""
    ensure_editable(case)
    changed = []
    with transaction.atomic():
        worker_changes = {name: worker_form.cleaned_data[name] for name in worker_form.changed_data}
        changed += update_worker(case.worker, worker_changes, user, source="case")
        added = changed_parties = removed = 0
        for form in party_formset.forms:
            if form in party_formset.deleted_forms:
                if form.instance.pk:
                    form.instance.delete()
                    removed += 1
                continue
            if not form.has_changed():
                continue
            party = form.save(commit=False)
            is_new = party.pk is None
            party.case = case
            party.save()
            added += is_new
            changed_parties += not is_new
        particulars = particulars_form.save(commit=False)
        particulars.case = case
        fields = list(particulars_form.changed_data)
        local = particulars_form.local_values()
        if local != (particulars.local_values or {}):
            particulars.local_values = local
        fields = [f for f in fields if not f.startswith("local_")] + (
            ["local_values"]
            if any(f.startswith("local_") for f in particulars_form.changed_data)
            else []
        )
        particulars.save()
        if fields or added or changed_parties or removed:
            events.record(
                case,
                CaseEvent.Kind.PARTICULARS,
                actor=user,
                fields=fields,
                parties={"added": added, "changed": changed_parties, "removed": removed},
            )
        changed += fields
    return changed


def _particulars_text(event) -> str:
    labels = []
    for name in event.data["fields"]:
        try:
            labels.append(str(Particulars._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field since removed still shows its name
            labels.append(name)
    parts = event.data.get("parties") or {}
    text = _("文书信息已更新")
    if labels:
        text += _("：%(fields)s") % {"fields": _("、").join(labels)}
    counts = [
        (parts.get("added"), _("新增对方当事人 %(n)d 个")),
        (parts.get("changed"), _("修改对方当事人 %(n)d 个")),
        (parts.get("removed"), _("删除对方当事人 %(n)d 个")),
    ]
    for n, pattern in counts:
        if n:
            text += _("；") + pattern % {"n": n}
    return text


events.declare(CaseEvent.Kind.PARTICULARS, data=("fields", "parties"), describe=_particulars_text)
