"""A year and more of past requests for the demo's statistics, loaded in bulk.

The lived-in demo cases (demo.py) go through the real write paths; these ~450 older
ones would take minutes that way, so they are written directly with their dates set in
the past — the cases, their workers and respondents, the transition events and closed
deadlines the statistics read — all in finished states (so no lawyer's capacity or
board changes), and then `rollup.reconcile()` counts them. Deterministic: the same
rows on every run (a fixed seed), dated relative to today.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from cases.claims import join_claims
from cases.deadlines.bookkeeping import ACCEPT_RULE
from cases.intake import access_code_hash
from cases.models import Case, CaseEvent, CaseSequence, Deadline, Party, Worker
from cases.statistics import rollup
from lawyers.models import ClaimType

MONTHS = 14
PER_STATION_MONTH = (6, 11)  # requests per station and month, a range

PLATFORMS = {
    "meituan": ("platform", "北京三快在线科技有限公司"),
    "eleme": ("platform", "上海拉扎斯信息科技有限公司"),
    "sf": ("platform", "顺丰速运有限公司"),
    "jd": ("platform", "北京京邦达贸易有限公司"),
    "didi": ("platform", "滴滴出行科技有限公司"),
    "huolala": ("platform", "深圳依时货拉拉科技有限公司"),
    "dada": ("platform", "达达集团"),
    "zto": ("employer", "中通快递股份有限公司"),
}
PLATFORM_WEIGHTS = {
    "meituan": 9,
    "eleme": 7,
    "sf": 3,
    "jd": 3,
    "didi": 3,
    "huolala": 2,
    "dada": 2,
    "zto": 3,
}
# Agencies and employers: some in one city only, two in both (the repeat respondents).
AGENCIES = {
    "11": [
        "北京速派人力资源有限公司",
        "北京鑫源人力资源服务有限公司",
        "北京众包优才劳务派遣有限公司",
    ],
    "53": ["昆明速达劳务服务有限公司", "云南驰骋人力资源有限公司", "云南众合劳务派遣有限公司"],
    "*": ["趣活科技有限公司", "上海蜂鸟劳务外包服务有限公司"],
}
EMPLOYERS = {
    "11": ["北京迅达捷运物流服务有限公司", "北京畅行配送服务有限公司"],
    "53": ["昆明畅达配送服务有限公司", "昆明韵达快递服务有限公司"],
}
CLAIMS = [
    (["injury"], 5, (20000, 120000)),
    (["occupational"], 4, (8000, 60000)),
    (["occupational", "tort"], 2, (20000, 90000)),
    (["wage"], 9, (1500, 18000)),
    (["wage", "labor"], 3, (3000, 30000)),
    (["tort"], 3, (5000, 80000)),
    (["labor"], 3, (2000, 40000)),
    (["consult"], 6, None),
]
REFERRALS = [
    "区人力资源和社会保障局劳动保障监察大队",
    "区劳动人事争议仲裁委员会",
    "区人民法院诉讼服务中心",
    "区法律援助中心",
    "区人社局工伤认定科",
    "公安交通管理局事故处理大队",
    "街道人民调解委员会",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志"


def _moment(day: datetime.date, rng) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(8, 20), rng.randint(0, 59)))
    )


def _numbers(region: str, year: int, count: int) -> list[str]:
    """`count` real case numbers for the region and year (the sequence moves on)."""
    seq, _created = CaseSequence.objects.get_or_create(region_code=region, year=year)
    first = seq.last + 1
    seq.last += count
    seq.save(update_fields=["last"])
    return [f"{region}-{year}-{n:05d}" for n in range(first, first + count)]


def seed_history(stations, volunteers: dict, lawyers: dict, consent, today=None) -> int:
    """Past requests at each demo station; returns how many. `volunteers` and `lawyers`
    map a region prefix ("11", "53") to a user and to a list of Lawyer rows."""
    rng = random.Random(15)
    today = today or timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    plans = []
    for station in sorted(stations, key=lambda s: s.code):
        province = station.region_code[:2]
        month = start
        for _m in range(MONTHS):
            for _i in range(rng.randint(*PER_STATION_MONTH)):
                day = month + datetime.timedelta(days=rng.randint(0, 27))
                if day >= today - datetime.timedelta(days=20):
                    continue
                plans.append((station, province, day))
            month = (month - datetime.timedelta(days=1)).replace(day=1)
    plans.sort(key=lambda p: (p[2], p[0].code))

    by_year = {}
    for station, _province, day in plans:
        by_year.setdefault((station.region_code, day.year), 0)
        by_year[(station.region_code, day.year)] += 1
    numbers = {key: iter(_numbers(*key, count)) for key, count in sorted(by_year.items())}

    workers, cases, plans_made = [], [], []
    for station, province, day in plans:
        claims, _w, amounts = rng.choices(CLAIMS, weights=[c[1] for c in CLAIMS])[0]
        platform = rng.choices(list(PLATFORM_WEIGHTS), weights=list(PLATFORM_WEIGHTS.values()))[0]
        worker = Worker(
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
            phone=f"+86{rng.choice(['138', '139', '186', '155'])}{rng.randint(0, 99999999):08d}",
            platform=platform,
            arrangement=rng.choices(
                ["crowd", "agency", "contract", "unknown"], weights=[5, 4, 2, 1]
            )[0],
        )
        created = _moment(day, rng)
        claimed = Decimal(rng.randrange(*amounts) // 100 * 100) if amounts else None
        # A past request as a row of fields, its final state included: written in bulk
        # below (the write path would take minutes), then counted by rollup.reconcile.
        case = dict(
            state=Case.State.RECEIVED,
            number=next(numbers[(station.region_code, day.year)]),
            station=station,
            region_code=station.region_code,
            claims=join_claims(claims),
            incident_date=day - datetime.timedelta(days=rng.randint(3, 60)),
            facts="（演示用历史记录）",
            amount_claimed=claimed,
            consent=consent,
            consent_at=created,
            consent_recorded_by=volunteers[province],
            access_code_hash=access_code_hash("history", str(rng.random())),
            created_by=volunteers[province],
            created_at=created,
        )
        plan = {"case": case, "worker": worker, "events": [], "deadlines": []}
        _path(plan, rng, claims, claimed, created, lawyers[province], today)
        # The state field is protected: it can only be given when the row is made.
        case = plan["case"] = Case(**case)
        kind, name = PLATFORMS[platform]
        plan["parties"] = [(kind, name)]
        if worker.arrangement == "agency" or rng.random() < 0.25:
            pool = AGENCIES[province] + AGENCIES["*"]
            plan["parties"].append(("agency", rng.choice(pool)))
        if rng.random() < 0.2:
            plan["parties"].append(("employer", rng.choice(EMPLOYERS[province])))
        workers.append(worker)
        cases.append(case)
        plans_made.append(plan)
    Worker.objects.bulk_create(workers, batch_size=500)
    for case, worker in zip(cases, workers, strict=True):
        case.worker = worker
    Case.objects.bulk_create(cases, batch_size=500)
    party_rows, event_rows, deadline_rows = [], [], []
    for plan in plans_made:
        case = plan["case"]
        for kind, name in plan["parties"]:
            party_rows.append(
                Party(case=case, kind=kind, name=name, name_key=rollup.respondent_key(name))
            )
        for name, at, data, source, target in plan["events"]:
            event_rows.append(
                CaseEvent(
                    case=case,
                    kind=CaseEvent.Kind.TRANSITION,
                    at=at,
                    transition=name,
                    source_state=source,
                    target_state=target,
                    data=data,
                )
            )
        for rule, status, trigger, due, closed in plan["deadlines"]:
            deadline_rows.append(
                Deadline(
                    case=case,
                    rule=rule,
                    trigger_date=trigger,
                    due_date=due,
                    binds=Deadline.Binds.LAWYER
                    if rule.startswith("sla.")
                    else Deadline.Binds.AGENCY,
                    status=status,
                    citation="（演示）",
                    closed_at=closed,
                )
            )
    rollup.remember_respondents(Party.objects.bulk_create(party_rows, batch_size=500))
    CaseEvent.objects.bulk_create(event_rows, batch_size=500)
    Deadline.objects.bulk_create(deadline_rows, batch_size=500)
    return len(cases)


def _later(moment, rng, low, high, today):
    """A moment `low`–`high` days after `moment`, never later than yesterday."""
    candidate = moment + datetime.timedelta(days=rng.randint(low, high), hours=rng.randint(0, 6))
    ceiling = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 0)))
    return min(candidate, ceiling - datetime.timedelta(hours=1))


def _path(plan, rng, claims, claimed, created, lawyers, today) -> None:
    """Walk one past case to a finished state, writing the fields, transition events and
    closed deadlines a real walk would have left."""
    case = plan["case"]
    events = plan["events"]
    if claims == [ClaimType.CONSULT]:
        if rng.random() < 0.85:
            case["state"], case["outcome"] = (
                Case.State.CLOSED if rng.random() < 0.5 else Case.State.RESOLVED,
                Case.Outcome.ADVICE,
            )
            case["outcome_note"] = "已当场解答。"
            case["resolved_at"] = created + datetime.timedelta(minutes=rng.randint(10, 50))
            case["outcome_date"] = timezone.localdate(case["resolved_at"])
            if case["state"] == Case.State.CLOSED:
                case["closed_at"] = _later(case["resolved_at"], rng, 1, 10, today)
        else:
            _refer(case, events, rng, created, today)
        return
    roll = rng.random()
    if roll < 0.12:
        _refer(case, events, rng, created, today)
        return
    if roll < 0.17:
        case["state"] = Case.State.WITHDRAWN
        events.append(("withdraw", _later(created, rng, 1, 6, today), {}, "received", "withdrawn"))
        return
    case["state"] = Case.State.ACCEPTED
    case["eligibility"] = Case.Eligibility.EXEMPT_42_3
    case["accepted_at"] = _later(created, rng, 0, 9, today)
    decided = timezone.localdate(case["accepted_at"])
    lawyer = rng.choice(lawyers)
    offered = _later(case["accepted_at"], rng, 0, 4, today)
    assign_due = decided + datetime.timedelta(days=3)
    plan["deadlines"].append(
        (
            "legalaid.assignment",
            "done" if timezone.localdate(offered) <= assign_due else "missed",
            decided,
            assign_due,
            offered,
        )
    )
    if rng.random() < 0.18:  # the first lawyer declines, a second one is asked
        events.append(
            (
                "assign",
                offered,
                {"lawyer_id": lawyer.pk, "lawyer_name": lawyer.name},
                "accepted",
                "assigned",
            )
        )
        answered = _later(offered, rng, 0, 2, today)
        name = "decline" if rng.random() < 0.6 else "expire"
        events.append((name, answered, {"previous_lawyer_id": lawyer.pk}, "assigned", "accepted"))
        plan["deadlines"].append(
            (
                ACCEPT_RULE,
                "done" if name == "decline" else "missed",
                timezone.localdate(offered),
                timezone.localdate(offered) + datetime.timedelta(days=2),
                answered,
            )
        )
        lawyer = rng.choice([x for x in lawyers if x.pk != lawyer.pk] or lawyers)
        offered = _later(answered, rng, 0, 2, today)
    events.append(
        (
            "assign",
            offered,
            {"lawyer_id": lawyer.pk, "lawyer_name": lawyer.name},
            "accepted",
            "assigned",
        )
    )
    accepted = _later(offered, rng, 0, 3, today)
    events.append(("accept", accepted, {}, "assigned", "in_progress"))
    offered_day = timezone.localdate(offered)
    plan["deadlines"].append(
        (
            ACCEPT_RULE,
            "done" if (timezone.localdate(accepted) - offered_day).days <= 2 else "missed",
            offered_day,
            offered_day + datetime.timedelta(days=2),
            accepted,
        )
    )
    contact = _later(accepted, rng, 0, 5, today)
    accepted_day = timezone.localdate(accepted)
    plan["deadlines"].append(
        (
            "sla.first_contact",
            "done" if (timezone.localdate(contact) - accepted_day).days <= 3 else "missed",
            accepted_day,
            accepted_day + datetime.timedelta(days=3),
            contact,
        )
    )
    case["lawyer"] = lawyer
    case["assigned_at"] = offered
    case["lawyer_accepted_at"] = accepted
    case["state"] = Case.State.IN_PROGRESS
    if rng.random() < 0.15 and (today - timezone.localdate(accepted)).days < 60:
        return  # still being worked (a few recent ones)
    resolved = _later(accepted, rng, 10, 90, today)
    outcome = rng.choices(
        ["settlement", "recognition", "award", "judgment", "paid", "unsuccessful", "other"],
        weights=[6, 3 if set(claims) & {"injury"} else 0, 3, 2, 4, 2, 1],
    )[0]
    case["outcome"] = outcome
    case["resolved_at"] = resolved
    case["outcome_date"] = timezone.localdate(resolved)
    if claimed is not None:
        share = 0 if outcome == "unsuccessful" else rng.choice([0.4, 0.6, 0.8, 1.0, 1.0])
        case["amount_recovered"] = (claimed * Decimal(str(share))).quantize(Decimal("1"))
    rule = {
        "injury": "injury.worker_application",
        "occupational": "injury.worker_application",
        "wage": "labor.arbitration_limitation",
        "labor": "labor.arbitration_limitation",
        "tort": "civil.tort_limitation",
    }[claims[0]]
    plan["deadlines"].append(
        (
            rule,
            "done" if rng.random() < 0.9 else "missed",
            timezone.localdate(created),
            timezone.localdate(resolved),
            resolved,
        )
    )
    case["state"] = Case.State.RESOLVED
    if rng.random() < 0.6:
        case["state"] = Case.State.CLOSED
        case["closed_at"] = _later(resolved, rng, 2, 20, today)


def _refer(case, events, rng, created, today) -> None:
    case["state"] = Case.State.REFERRED
    case["referred_to"] = rng.choice(REFERRALS)
    case["referral_reason"] = "（演示）属其他机构受理范围。"
    events.append(("refer", _later(created, rng, 0, 8, today), {}, "received", "referred"))
    if rng.random() < 0.5:
        case["state"] = Case.State.CLOSED
        case["closed_at"] = _later(created, rng, 10, 30, today)
