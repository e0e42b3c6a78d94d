"""A copy of all data held about a worker (PIPL art. 45), for the staff to hand over on
the worker's request: as data (JSON, complete and machine-readable) and as a PDF
(WeasyPrint, like the other documents, in Chinese).

What "about the worker" covers: the worker record and every case of it the staff
member may open (a worker registered at two stations has two records; each station
answers for its own), with everything stored on those cases, the SMS sent to the
worker's phone, and the consent texts they agreed to. Staff names appear as the
people who acted; the staff's own notes are included (they are about the worker).
The status page's lookup log holds only keyed hashes of the phone and is not included.
"""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from cases import events
from cases.claims import claims_display
from cases.documents.generate import html_to_pdf
from cases.models import Case, Particulars, SmsMessage, Worker
from cases.notices.sms import mask_codes

FORMAT_VERSION = 1


def _when(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _money(value):
    return None if value is None else str(value)


def cases_of(worker: Worker, user):
    return (
        Case.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("station", "lawyer", "consent")
        .prefetch_related(
            "parties",
            "milestones",
            "deadlines",
            "attachments",
            "documents",
            "calculations",
            "events__actor",
        )
        .order_by("created_at")
    )


def worker_data(worker: Worker, user) -> dict:
    """Everything held about the worker that `user` may hand over, as plain data."""
    with translation.override("zh-hans"):
        return {
            "format": FORMAT_VERSION,
            "generated_at": _when(timezone.now()),
            "worker": {
                "name": worker.name,
                "phone": str(worker.phone or ""),
                "id_number": worker.id_number,
                "platform": worker.get_platform_display(),
                "arrangement": worker.get_arrangement_display(),
                "birth_date": _when(worker.birth_date),
                "ethnicity": worker.ethnicity,
                "occupation": worker.occupation,
                "domicile": worker.domicile,
                "mailing_address": worker.mailing_address,
                "postcode": worker.postcode,
                "registered_at": _when(worker.created_at),
            },
            "cases": [_case(case) for case in cases_of(worker, user)],
            "sms": [
                {
                    "at": _when(sms.created_at),
                    "text": mask_codes(sms.body),
                    "status": sms.get_status_display(),
                }
                for sms in SmsMessage.objects.filter(phone=worker.phone).order_by("created_at")
            ]
            if worker.phone
            else [],
        }


def _particulars(case: Case) -> dict:
    row = Particulars.objects.filter(case=case).first()
    if row is None:
        return {}
    return {
        str(field.verbose_name): _when(value)
        if isinstance(value, datetime.date | datetime.time)
        else value
        for field in Particulars._meta.concrete_fields
        if field.name not in ("id", "case")
        and (value := getattr(row, field.attname)) not in ("", None)
    }


def _case(case: Case) -> dict:
    return {
        "number": case.number,
        "station": {"name": case.station.name, "phone": case.station.phone},
        "region_code": case.region_code,
        "claims": claims_display(case.claim_list),
        "incident_date": _when(case.incident_date),
        "facts": case.facts,
        "amount_claimed": _money(case.amount_claimed),
        "state": str(case.worker_state_label),
        "registered_at": _when(case.created_at),
        "consent": {
            "version": case.consent.version,
            "text": case.consent.text,
            "agreed_at": _when(case.consent_at),
        },
        "eligibility": case.get_eligibility_display(),
        "eligibility_note": case.eligibility_note,
        "referred_to": case.referred_to,
        "referral_reason": case.referral_reason,
        "lawyer": {"name": case.lawyer.name, "firm": case.lawyer.firm} if case.lawyer else None,
        "outcome": case.get_outcome_display(),
        "amount_recovered": _money(case.amount_recovered),
        "outcome_date": _when(case.outcome_date),
        "outcome_note": case.outcome_note,
        "closed_at": _when(case.closed_at),
        "evidence": case.evidence,
        "parties": [
            {
                "kind": p.get_kind_display(),
                "name": p.name,
                "credit_code": p.credit_code,
                "address": p.address,
                "mailing_address": p.mailing_address,
                "phone": p.phone,
                "representative": p.representative,
                "contact": p.contact,
            }
            for p in case.parties.all()
        ],
        # What the documents were filled with beyond the case record (accident details,
        # the 指派 reference, …) and the saved compensation calculations.
        "document_particulars": _particulars(case),
        "calculations": [
            {
                "version": c.version,
                "kind": c.label,
                "params": c.params,
                "total": _money(c.total),
                "saved_at": _when(c.created_at),
            }
            for c in case.calculations.all()
        ],
        "milestones": [
            {"kind": m.get_kind_display(), "date": _when(m.date), "note": m.note}
            for m in case.milestones.all()
        ],
        "deadlines": [
            {
                "rule": d.rule,
                "due_date": _when(d.due_date),
                "status": d.get_status_display(),
                "citation": d.citation,
            }
            for d in case.deadlines.all()
        ],
        "attachments": [
            {
                "name": a.original_name,
                "type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "uploaded_at": _when(a.created_at),
            }
            for a in case.attachments.all()
        ],
        "documents": [
            {
                "kind": d.get_kind_display(),
                "version": d.version,
                "sha256": d.sha256,
                "generated_at": _when(d.created_at),
            }
            for d in case.documents.all()
        ],
        "log": [
            {
                "at": _when(e.at),
                "by": e.actor_label,
                "what": events.describe(e) or e.get_kind_display(),
                "note": e.note,
            }
            for e in case.events.all()
        ],
    }


def worker_pdf(data: dict) -> bytes:
    """The copy as a PDF, from the same data as the JSON (so the two never disagree)."""
    with translation.override("zh-hans"):
        html = render_to_string(
            "documents/worker_data.html",
            {"data": data, "generated_on": timezone.localdate()},
        )
    return html_to_pdf(html)
