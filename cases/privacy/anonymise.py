"""Removing a worker's personal data while keeping the statistics.

What stays on an anonymised case: the row itself (so every count stays), its number,
station, region code, claim types, dates (incident, registration, acceptance,
assignment, resolution, closing), state, eligibility, outcome, amounts claimed and
recovered, the lawyer, the evidence checklist's codes, the opposing parties' kinds
(and organisations' names and credit codes: they are not people), milestone kinds and
dates, deadlines, and the log's events (what happened, when, by which staff member).

What goes: the facts and every note typed about the worker (the case's, the log's,
milestones', deadlines' and offers'), the names and contacts of opposing parties who
may be people (the other driver, "other"), every attachment and generated document
(rows and files), the staff's notifications about the case, and the access code.
The worker record loses name, phone and ID number when none of its cases is still
kept; then the SMS sent to that phone go too, unless another kept record has it.

Two callers: the retention job (cases/privacy/retention.py) and a coordinator
answering a worker's request for deletion (PIPL art. 47), which is refused while any
of the worker's cases is still open: there the record is still needed to give the aid.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import events
from cases.models import (
    Assignment,
    Attachment,
    Calculation,
    Case,
    CaseEvent,
    Deadline,
    Document,
    Milestone,
    Notification,
    Particulars,
    Party,
    SmsMessage,
    Worker,
)
from cases.permissions import may_coordinate
from config.storage import private_storage

PEOPLE_PARTIES = [Party.Kind.OTHER_DRIVER, Party.Kind.OTHER]
REASONS = {
    "retention": gettext_lazy("保存期限届满"),
    "request": gettext_lazy("劳动者申请删除"),
}


class ErasureRefused(Exception):
    """The worker's data cannot be removed yet; the message says why."""


def erasure_refusal(worker: Worker, user) -> str | None:
    """Why `user` cannot remove the worker's data on request now, or None."""
    if worker.anonymised_at is not None:
        return _("该劳动者的个人信息已经删除。")
    if not all(may_coordinate(case, user) for case in worker.cases.all()):
        return _("该劳动者的部分案件不在您的协调范围内，请由其所在地工会的协调员处理。")
    if worker.cases.exclude(state__in=Case.ARCHIVED_STATES).exists():
        return _(
            "该劳动者还有未办结的案件，办理中需要这些信息。请先办结并归档，"
            "或按劳动者要求撤回案件，再删除个人信息。"
        )
    return None


def files_of(cases) -> tuple[int, int, int]:
    """(attachments, documents, bytes) stored for these cases."""
    attachments = documents = size = 0
    for case in cases:
        for row in case.attachments.all():
            attachments += 1
            size += row.size
        for row in case.documents.all():
            documents += 1
            size += row.size
    return attachments, documents, size


def anonymise_case(case: Case, user, *, reason: str) -> None:
    """Remove the personal data of one case (its worker record is `anonymise_worker`'s)."""
    with transaction.atomic():
        names = [a.file.name for a in case.attachments.all()]
        names += [f.name for d in case.documents.all() for f in (d.file, d.docx) if f]
        case.attachments.all().delete()
        case.documents.all().delete()
        # What the documents were filled with (the accident, the injured body parts,
        # relatives' names) and the calculations (the worker's wage) go with them.
        Particulars.objects.filter(case=case).delete()
        Calculation.objects.filter(case=case).delete()
        Case.objects.filter(pk=case.pk).update(
            facts="",
            eligibility_note="",
            referral_reason="",
            outcome_note="",
            access_code_hash="",
            anonymised_at=timezone.now(),
        )
        Party.objects.filter(case=case, kind__in=PEOPLE_PARTIES).update(
            name="",
            address="",
            mailing_address="",
            postcode="",
            phone="",
            representative="",
            sex="",
            contact="",
        )
        Party.objects.filter(case=case).update(contact="")
        Milestone.objects.filter(case=case).update(note="")
        Deadline.objects.filter(case=case).update(reason="")
        Assignment.objects.filter(case=case).update(reason="")
        Notification.objects.filter(case=case).delete()
        # The log is append-only for everyone else; anonymisation is the one rewrite:
        # typed notes and file names go, the facts of what happened stay.
        CaseEvent.objects.filter(case=case).exclude(note="").update(note="")
        for event in CaseEvent.objects.filter(case=case, data__has_key="name"):
            CaseEvent.objects.filter(pk=event.pk).update(data={**event.data, "name": ""})
        events.record(case, CaseEvent.Kind.PRIVACY, actor=user, action="anonymised", reason=reason)
        # Files after commit: a rollback must not leave rows without their files.
        transaction.on_commit(lambda: delete_files(names))
    case.refresh_from_db()


def delete_files(names) -> None:
    """Delete stored files no remaining attachment or document refers to."""
    for name in names:
        if not name:
            continue
        if Attachment.objects.filter(file=name).exists():
            continue
        if Document.objects.filter(file=name).exists():
            continue
        if Document.objects.filter(docx=name).exists():
            continue
        private_storage().delete(name)


def anonymise_worker(worker: Worker) -> None:
    """Remove the worker record's name, phone and ID number (all its cases are done)."""
    phone = str(worker.phone or "")
    with transaction.atomic():
        Worker.objects.filter(pk=worker.pk).update(
            name="",
            phone="",
            id_number="",
            id_number_hash="",
            birth_date=None,
            ethnicity="",
            occupation="",
            domicile="",
            mailing_address="",
            postcode="",
            anonymised_at=timezone.now(),
        )
        if phone and not Worker.objects.filter(phone=phone, anonymised_at__isnull=True).exists():
            SmsMessage.objects.filter(phone=phone).delete()
    worker.refresh_from_db()


def erase_on_request(worker: Worker, user) -> None:
    """A coordinator answering the worker's request for deletion (PIPL art. 47):
    every case of this worker record, then the record itself."""
    refusal = erasure_refusal(worker, user)
    if refusal:
        raise ErasureRefused(refusal)
    with transaction.atomic():
        for case in worker.cases.all():
            if case.anonymised_at is None:
                anonymise_case(case, user, reason="request")
        anonymise_worker(worker)


def _privacy_text(event) -> str:
    if event.data.get("action") == "anonymised":
        return _("已删除个人信息（%(reason)s）；统计数据保留") % {
            "reason": REASONS.get(event.data.get("reason"), event.data.get("reason"))
        }
    return _("导出个人信息副本（%(format)s）") % {"format": event.data.get("format", "")}


events.declare(CaseEvent.Kind.PRIVACY, data=("action", "reason", "format"), describe=_privacy_text)
