"""What each form is filled with: the context of the document templates.

Amounts in capitals (人民币大写), a person's sex and birth date from the ID number,
the requests of an arbitration application, the closing report's history.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import claims
from cases.evidence import ITEMS, items_for
from cases.models import Case, CaseEvent, Deadline, Document, Party
from cases.validators import mask_phone
from lawyers.models import ClaimType
from stations.models import Region

Kind = Document.Kind
State = Case.State


DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
SECTIONS = ["", "万", "亿", "万亿"]


def rmb_upper(amount) -> str:
    """人民币大写, as on a cheque or an arbitration claim: 12000.50 → 壹万贰仟元伍角整."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    yuan, fen = divmod(int(amount * 100), 100)
    jiao, fen = divmod(fen, 10)
    if yuan == 0 and jiao == 0 and fen == 0:
        return "零元整"
    words = ""
    if yuan:
        sections, zero_pending, idx = [], False, 0
        while yuan:
            yuan, section = divmod(yuan, 10000)
            sections.append((idx, section))
            idx += 1
        for idx, section in reversed(sections):
            if section == 0:
                zero_pending = bool(words)
                continue
            if words and (zero_pending or section < 1000):
                words += "零"
            zero_pending = False
            part, inner_zero = "", False
            for pos in range(3, -1, -1):
                digit = section // 10**pos % 10
                if digit == 0:
                    inner_zero = bool(part)
                    continue
                if inner_zero:
                    part += "零"
                    inner_zero = False
                part += DIGITS[digit] + UNITS[pos]
            words += part + SECTIONS[idx]
        words += "元"
    if jiao:
        words += ("零" if words and not words.endswith("元") else "") + DIGITS[jiao] + "角"
    elif fen and words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return words


def person_facts(id_number: str) -> dict:
    """Sex, birth date and age from a GB 11643 number (digits 7–14 and 17)."""
    if len(id_number or "") != 18:
        return {}
    try:
        born = datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return {}
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return {"sex": "男" if int(id_number[16]) % 2 else "女", "born": born, "age": age}


ARBITRATION_REQUESTS = {
    ClaimType.WAGE: gettext_lazy("裁决被申请人向申请人支付拖欠的劳动报酬"),
    ClaimType.INJURY: gettext_lazy(
        "裁决被申请人向申请人支付工伤保险待遇（医疗费、停工留薪期工资、伤残补助金等）"
    ),
    ClaimType.OCCUPATIONAL: gettext_lazy("裁决被申请人向申请人支付职业伤害保障相关待遇"),
    ClaimType.LABOR: gettext_lazy("确认申请人与被申请人之间存在劳动关系，并依法处理相关争议"),
}

RESPONDENT_KINDS = (Party.Kind.EMPLOYER, Party.Kind.PLATFORM, Party.Kind.AGENCY)


def _evidence_to_bring(case) -> list[str]:
    have = case.evidence or {}
    return [str(ITEMS[code]) for code in items_for(case.claim_list) if not have.get(code)]


def _timeline(case) -> list[dict]:
    rows = [
        {"date": timezone.localtime(case.created_at).date(), "text": _("驿站登记求助")},
    ]
    labels = dict(State.choices)
    for event in case.events.filter(kind=CaseEvent.Kind.TRANSITION).order_by("at", "pk"):
        rows.append(
            {
                "date": timezone.localtime(event.at).date(),
                "text": f"{labels.get(event.source_state, event.source_state)} → "
                f"{labels.get(event.target_state, event.target_state)}",
            }
        )
    for milestone in case.milestones.all():
        rows.append({"date": milestone.date, "text": milestone.get_kind_display()})
    return sorted(rows, key=lambda row: row["date"])


def _deadlines(case) -> dict:
    deadlines = list(case.deadlines.order_by("due_date", "pk"))
    counts = {status: 0 for status in Deadline.Status.values}
    for deadline in deadlines:
        counts[deadline.status] += 1
    return {"deadlines": deadlines, "deadline_counts": counts}


def build_context(case: Case, kind: str) -> dict:
    worker = case.worker
    parties = list(case.parties.all())
    respondents = [p for p in parties if p.kind in RESPONDENT_KINDS] or parties[:1]
    context = {
        "case": case,
        "kind": kind,
        "title": Kind(kind).label,
        "worker": worker,
        "worker_phone": mask_phone(worker.phone),
        "person": person_facts(worker.id_number),
        "station": case.station,
        "lawyer": case.lawyer,
        "parties": parties,
        "respondents": respondents,
        "opponents": "、".join(p.name for p in respondents),
        "claims_display": case.get_claims_display(),
        "amount_upper": rmb_upper(case.amount_claimed),
        "generated_on": timezone.localdate(),
        "site_name": settings.SITE_NAME,
        "network_name": settings.NETWORK_NAME,
    }
    if kind == Kind.RECEIPT:
        context["to_bring"] = _evidence_to_bring(case)
        context["public_url"] = getattr(settings, "PUBLIC_URL", "").rstrip("/")
    elif kind == Kind.LEGALAID_APPLICATION:
        # 法律援助法 42(3): migrant workers claiming pay or work-injury damages are
        # exempt from the means test. Ticked when the coordinator decided so, or,
        # before any decision, when the claim is of that kind.
        qualifying = claims.exempt_42_3(case.claim_list)
        context["exempt_42_3"] = case.eligibility == Case.Eligibility.EXEMPT_42_3 or (
            case.eligibility == Case.Eligibility.UNDECIDED and qualifying
        )
    elif kind == Kind.ARBITRATION_APPLICATION:
        region = Region.objects.filter(code=case.region_code).first()
        context["commission"] = (region.full_name or region.name) if region else ""
        context["requests"] = [
            ARBITRATION_REQUESTS[c] for c in case.claim_list if c in ARBITRATION_REQUESTS
        ]
    elif kind == Kind.CLOSING_REPORT:
        context["timeline"] = _timeline(case)
        context["amount_recovered_upper"] = rmb_upper(case.amount_recovered)
        context.update(_deadlines(case))
    return context
