"""Creating a case at the station (DESIGN §4, "(intake)")."""

from django.db import transaction
from django.utils import timezone

from .hashing import keyed_hash, random_digits
from .models import Case, CaseEvent, CaseSequence, ConsentText, Party, Worker, join_claims

ACCESS_CODE_LENGTH = 8


def access_code_hash(number: str, code: str) -> str:
    return keyed_hash(f"{number}:{code}", "access-code")


def create_case(
    *,
    station,
    user,
    worker: dict,
    case: dict,
    parties: list[dict] = (),
    consent: ConsentText,
    today=None,
) -> tuple[Case, str]:
    """Create the worker (or reuse the one with this phone and name), the case and its
    parties in one transaction. Returns the case and its access code, which exists in
    clear only in this return value (the receipt shows it once)."""
    if consent is None:
        raise ValueError("no consent, no case")
    now = timezone.now()
    year = (today or timezone.localdate()).year
    access_code = random_digits(ACCESS_CODE_LENGTH)
    with transaction.atomic():
        worker_obj = (
            Worker.objects.filter(phone=worker["phone"], name=worker["name"])
            .order_by("-pk")
            .first()
        )
        if worker_obj is None:
            worker_obj = Worker.objects.create(**worker)
        else:
            changed = [
                k for k, v in worker.items() if v not in ("", None) and getattr(worker_obj, k) != v
            ]
            for name in changed:
                setattr(worker_obj, name, worker[name])
            if changed:
                worker_obj.save(update_fields=changed)
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
            created_by=user,
            created_at=now,
        )
        Party.objects.bulk_create([Party(case=new_case, **p) for p in parties if p.get("name")])
        CaseEvent.objects.create(
            case=new_case,
            actor=user,
            kind=CaseEvent.Kind.CREATED,
            target_state=new_case.state,
            data={"consent_version": consent.version},
        )
        from . import notify, schedule

        schedule.after_intake(new_case, user)
        transaction.on_commit(lambda: notify.case_received(new_case.pk, access_code))
    return new_case, access_code
