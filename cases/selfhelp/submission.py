"""Self-help, step 3: what happened, made into a case at the station; and telling the
worker when the union has looked at it.

Who a self-report is attributed to: `create_case` takes the user who records the
request and the consent. Here nobody from the union is present, so both are one
system account, SYSTEM_USERNAME: inactive, without a usable password, with no role
anywhere (so it can open nothing, and `create_case` never reuses another case's
worker record for it: a self-report always makes its own worker row). The case log
names it as the actor of what the worker did; the case carries `self_reported`.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import attachments, events, evidence
from cases.intake import create_case
from cases.models import Case, CaseEvent, Party, SelfHelpRequest, Worker
from cases.notices.sms import send_sms
from cases.permissions import Role, roles_on
from cases.status import lookup
from lawyers.models import ClaimType

DAILY_CAP = 3
DAY = datetime.timedelta(hours=24)
MAX_PHOTOS = 5
SYSTEM_USERNAME = "selfhelp@system"


@dataclass(frozen=True)
class Problem:
    claims: tuple[str, ...]
    label: str
    example: str


# What the worker picks, in their words, and the claim it becomes. A coordinator
# refines it at triage (an injury of a crowd-sourced rider may be 职业伤害, say).
PROBLEMS = {
    "injury": Problem(
        (ClaimType.INJURY,),
        gettext_lazy("干活时受伤了"),
        gettext_lazy("例如：送餐路上摔倒、被车撞伤，或在站点搬货时受伤"),
    ),
    "wage": Problem(
        (ClaimType.WAGE,),
        gettext_lazy("工资被拖欠或克扣"),
        gettext_lazy("例如：站长说月底发工资，到现在还没发"),
    ),
    "accident": Problem(
        (ClaimType.TORT,),
        gettext_lazy("交通事故，对方不赔"),
        gettext_lazy("例如：被电动车撞了，对方不肯赔医药费"),
    ),
    "dismissal": Problem(
        (ClaimType.LABOR,),
        gettext_lazy("被辞退、罚款或合同问题"),
        gettext_lazy("例如：没说理由就被停单、扣押金，或不给签合同"),
    ),
    "question": Problem(
        (ClaimType.CONSULT,),
        gettext_lazy("只是想问问"),
        gettext_lazy("例如：想知道自己受伤算不算工伤"),
    ),
}


class Refused(Exception):
    """The request cannot be taken; `message` says why, in words the worker can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def system_user():
    """The account self-reports are recorded under (see the module docstring)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "劳动者自助提交", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif user.is_active or user.is_superuser or user.memberships.exists():
        raise ImproperlyConfigured(f"{SYSTEM_USERNAME} must be an inactive account with no role")
    return user


def open_request(station, phone: str, token=None) -> SelfHelpRequest:
    """The unsent request this browser fills in (by its token), or a new one: the
    form's idempotency key."""
    digest = lookup.phone_hash(phone)
    if token:
        existing = SelfHelpRequest.objects.filter(
            token=token, phone_hash=digest, station=station, case__isnull=True
        ).first()
        if existing is not None:
            return existing
    return SelfHelpRequest.objects.create(station=station, phone_hash=digest)


def _lock_phone(digest: str) -> None:
    """Serialise this phone's submissions until the transaction ends, so the daily cap
    holds under parallel requests. SQLite needs nothing: its IMMEDIATE transactions
    already run one at a time (config/settings.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(digest[:15], 16)])


def daily_refusal(digest: str, now) -> str | None:
    recent = list(
        SelfHelpRequest.objects.filter(phone_hash=digest, submitted_at__gt=now - DAY)
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)[:DAILY_CAP]
    )
    if len(recent) < DAILY_CAP:
        return None
    wait = (recent[-1] + DAY - now).total_seconds()
    return _(
        "这个号码今天已经提交了 %(n)d 次求助，请 %(wait)s后再提交，或拨打工会服务热线 12351。"
    ) % {"n": DAILY_CAP, "wait": lookup.wait_words(wait)}


@dataclass
class Submitted:
    case: Case
    access_code: str | None  # None when this token had already made its case
    first: bool


def submit(*, station, phone: str, token, data: dict, photos, consent, now=None) -> Submitted:
    """Create the case for a filled-in request, once per token.

    `data` is the form's cleaned data (problem, incident_date, employer, amount, facts,
    name); `photos` are (upload, content type) pairs already checked by
    attachments.validate_upload. Raises Refused (daily cap, a token not from this
    phone and station)."""
    now = now or timezone.now()
    digest = lookup.phone_hash(phone)
    problem = PROBLEMS[data["problem"]]
    with transaction.atomic():
        _lock_phone(digest)
        request = (
            SelfHelpRequest.objects.select_for_update()
            .filter(token=token, phone_hash=digest, station=station)
            .first()
        )
        if request is None:
            raise Refused(_("这张表已经失效，请重新打开驿站的求助页面填写。"))
        if request.case_id is not None:
            return Submitted(case=request.case, access_code=None, first=False)
        refusal = daily_refusal(digest, now)
        if refusal:
            raise Refused(refusal)
        user = system_user()
        employer = data.get("employer") or ""
        platform = platform_of(employer)
        claims = list(problem.claims)
        case, code = create_case(
            station=station,
            user=user,
            worker={"name": data["name"], "phone": phone, "platform": platform},
            case={
                "claims": claims,
                "incident_date": data.get("incident_date"),
                "facts": data["facts"],
                "amount_claimed": data.get("amount"),
                "evidence": evidence.normalise(claims, []),
            },
            parties=[_party(employer, platform)] if employer else [],
            consent=consent,
            self_reported=True,
        )
        for upload, content_type in photos:
            attachments.save_attachment(case, upload, user, content_type)
        events.record(case, CaseEvent.Kind.SELF_HELP, actor=user, action="submitted")
        SelfHelpRequest.objects.filter(pk=request.pk).update(case=case, submitted_at=now)
    return Submitted(case=case, access_code=code, first=True)


# Choices of Worker.Platform that name no platform company.
NOT_A_PLATFORM = (Worker.Platform.OTHER, Worker.Platform.UNKNOWN)


def platform_of(employer: str) -> str:
    """The platform a worker named, if it is one we list (美团, 饿了么…); 其他 for a
    name we do not list, 不确定 when they named none."""
    text = employer.strip()
    if not text:
        return Worker.Platform.UNKNOWN
    for code, label in Worker.Platform.choices:
        if code not in NOT_A_PLATFORM and str(label) and str(label) in text:
            return code
    return Worker.Platform.OTHER


def _party(employer: str, platform: str) -> dict:
    kind = Party.Kind.PLATFORM if platform not in NOT_A_PLATFORM else Party.Kind.EMPLOYER
    return {"kind": kind, "name": employer.strip()[:100]}


# ---------------------------------------------------------------------------
# "The union has looked at it"


def mark_seen(case, user, now=None) -> bool:
    """The first time someone from the union (the station's volunteers, a coordinator
    of the region) opens a self-reported case or acts on it, the worker gets one SMS
    and the log says so. Returns whether this was that first time."""
    if not case.self_reported or not (roles_on(case, user) & Role.STAFF):
        return False
    now = now or timezone.now()
    with transaction.atomic():
        first = SelfHelpRequest.objects.filter(case=case, seen_at__isnull=True).update(seen_at=now)
        if not first:
            return False
        events.record(case, CaseEvent.Kind.SELF_HELP, actor=user, action="seen")
        send_sms(
            case.worker.phone,
            "selfhelp_seen",
            {"number": case.number},
            dedupe_key=f"case:{case.pk}:seen",
        )
    return True


ACTIONS = {
    "submitted": gettext_lazy("劳动者扫驿站二维码自助提交了求助"),
    "seen": gettext_lazy("工会已查看自助求助，已短信告知劳动者"),
}

events.declare(
    CaseEvent.Kind.SELF_HELP,
    data=("action",),
    describe=lambda e: str(ACTIONS.get(e.data["action"], e.data["action"])),
)
