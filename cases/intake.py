"""Creating a case at the station: the worker, the case, its parties, its first
clocks and the worker's SMS, in one transaction."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import events
from cases.claims import join_claims
from cases.deadlines import bookkeeping
from cases.encryption import id_number_hashes
from cases.hashing import keyed_hash, random_digits
from cases.models import Case, CaseEvent, CaseSequence, ConsentText, Party, Worker
from cases.notices import notify
from cases.statistics import rollup

ACCESS_CODE_LENGTH = 8


# How long the clear code stays printable in the volunteer's session after intake.
ACCESS_CODE_TTL = datetime.timedelta(minutes=30)


def access_code_hash(number: str, code: str) -> str:
    return keyed_hash(f"{number}:{code}", "access-code")


def remember_access_code(session, number: str, code: str) -> None:
    """Keep the clear code in this session only, for the receipt page and the printed receipt."""
    session[f"access_code:{number}"] = {"code": code, "at": timezone.now().isoformat()}


def recent_access_code(session, number: str, now=None) -> str | None:
    """The clear code left by `remember_access_code`, while younger than ACCESS_CODE_TTL;
    an older one is dropped from the session."""
    key = f"access_code:{number}"
    entry = session.get(key)
    if not isinstance(entry, dict) or not entry.get("code"):
        return None
    try:
        at = datetime.datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        at = None
    now = now or timezone.now()
    if (
        at is None
        or timezone.is_naive(at)
        or not (datetime.timedelta(0) <= now - at <= ACCESS_CODE_TTL)
    ):
        del session[key]
        return None
    return str(entry["code"])


def create_case(
    *,
    station,
    user,
    worker: dict,
    case: dict,
    parties: list[dict] = (),
    consent: ConsentText,
    today=None,
    self_reported: bool = False,
) -> tuple[Case, str]:
    """Create the worker (or reuse the one with this name and phone, or this name and
    ID number, that already has a case the user can see), the case and its parties in
    one transaction. Returns the
    case and its access code, which exists in clear only in this return value (the
    receipt shows it once).

    Only a worker already within the user's reach is reused: reusing one from another
    station's case would hand this station that worker's stored ID number (PIPL). Two
    rows for one person cost nothing: the status page gathers every row with the phone.

    `self_reported`: the worker sent it from a station's QR code (cases.selfhelp), and
    `user` is the self-help system account, which can see no case."""
    if consent is None:
        raise ValueError("no consent, no case")
    now = timezone.now()
    year = (today or timezone.localdate()).year
    access_code = random_digits(ACCESS_CODE_LENGTH)
    # No savepoint when the intake form's transaction (attachments too) already wraps
    # this: a failure here rolls back the whole intake anyway, and the SAVEPOINT and
    # RELEASE were two of the intake POST's queries.
    with transaction.atomic(savepoint=False):
        same_person = Q(phone=worker["phone"])
        if worker.get("id_number"):
            # The same ID number with the same name is the same person on a new phone;
            # found through the keyed hash, the column itself being encrypted.
            same_person |= Q(id_number_hash__in=id_number_hashes(worker["id_number"]))
        worker_obj = (
            Worker.objects.filter(
                same_person,
                name=worker["name"],
                anonymised_at__isnull=True,
                cases__in=Case.objects.visible_to(user).values("pk"),
            )
            .order_by("-pk")
            .first()
        )
        reused = worker_obj is not None
        if not reused:
            worker_obj = Worker.objects.create(**worker)
        number = CaseSequence.next_number(station.region_code, year)
        new_case = Case.objects.create(
            number=number,
            worker=worker_obj,
            station=station,
            region_code=station.region_code,
            claims=join_claims(case["claims"]),
            incident_date=case.get("incident_date"),
            facts=case["facts"],
            amount_claimed=case.get("amount_claimed"),
            evidence=case.get("evidence") or {},
            consent=consent,
            consent_at=now,
            consent_recorded_by=user,
            access_code_hash=access_code_hash(number, access_code),
            self_reported=self_reported,
            created_by=user,
            created_at=now,
        )
        created_parties = Party.objects.bulk_create(
            [
                Party(case=new_case, name_key=rollup.respondent_key(p["name"]), **p)
                for p in parties
                if p.get("name")
            ]
        )
        events.record(new_case, CaseEvent.Kind.CREATED, actor=user, consent_version=consent.version)
        if reused:
            # What the volunteer typed now replaces what was stored (a new platform, an
            # ID number given this time); blanks keep the stored value.
            update_worker(
                worker_obj,
                {k: v for k, v in worker.items() if v not in ("", None)},
                user,
                source="intake",
            )
        bookkeeping.after_intake(new_case, user)
        rollup.record_intake(new_case, worker_obj, created_parties)
        transaction.on_commit(lambda: notify.case_received(new_case.pk, access_code), robust=True)
    return new_case, access_code


def update_worker(worker: Worker, changes: dict, user, *, source: str) -> list[str]:
    """Change a worker's stored details and record it on every case of theirs.

    A worker's name, phone and ID number are personal information (PIPL): a change to
    them is an audited act, whoever makes it (intake reusing the record, the back
    office correcting it). The log names the fields, not the values. Returns the
    names of the fields that changed."""
    changed = [name for name, value in changes.items() if getattr(worker, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(worker, name, changes[name])
    with transaction.atomic():
        worker.save(update_fields=changed)
        for case in worker.cases.all():
            events.record(case, CaseEvent.Kind.WORKER, actor=user, fields=changed, source=source)
    return changed


SOURCES = {
    "intake": gettext_lazy("登记新求助时"),
    "admin": gettext_lazy("后台更正"),
    "case_page": gettext_lazy("在案件页补充"),
    "request": gettext_lazy("劳动者申请更正"),
    "case": gettext_lazy("律师在案件页面补充"),
}


def _worker_text(event) -> str:
    labels = [str(Worker._meta.get_field(name).verbose_name) for name in event.data["fields"]]
    return _("劳动者信息已更新：%(fields)s（%(source)s）") % {
        "fields": _("、").join(labels),
        "source": SOURCES.get(event.data["source"], event.data["source"]),
    }


def _created_text(event) -> str:
    return _("登记求助（个人信息告知同意书 v%(version)s）") % {
        "version": event.data["consent_version"]
    }


events.declare(CaseEvent.Kind.CREATED, data=("consent_version",), describe=_created_text)
events.declare(CaseEvent.Kind.WORKER, data=("fields", "source"), describe=_worker_text)
