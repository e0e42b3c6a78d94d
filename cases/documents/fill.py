"""What each form is filled with: the context of the document templates.

Amounts in capitals (人民币大写), a person's sex and birth date from the ID number,
the requests of an arbitration application, the closing report's history.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import claims
from cases.deadlines import rules as deadline_rules
from cases.documents.rules import RULES, Facts, facts_of
from cases.evidence import ITEMS, items_for
from cases.models import (
    ArbitrationCommission,
    Case,
    CaseEvent,
    Deadline,
    Document,
    LocalField,
    Milestone,
    Particulars,
    Party,
)
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


def person_facts(id_number: str, birth_date: datetime.date | None = None) -> dict:
    """Sex, birth date and age: from a GB 11643 number (digits 7–14 and 17), the birth
    date as entered winning over the number's."""
    facts = {}
    if len(id_number or "") == 18:
        try:
            facts["born"] = datetime.date(
                int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
            )
            facts["sex"] = "男" if int(id_number[16]) % 2 else "女"
        except ValueError:
            facts = {}
    if birth_date:
        facts["born"] = birth_date
    born = facts.get("born")
    if born:
        today = timezone.localdate()
        facts["age"] = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return facts


M = Milestone.Kind


# ---------------------------------------------------------------------------
# Names of the bodies a form is addressed to


def local_name(region_code: str) -> str:
    """ "昆明市盘龙区", "北京市朝阳区": a district under its city (or, for a municipality's
    districts, under the municipality), as the bodies there name themselves."""
    names = dict(
        Region.objects.filter(
            code__in=[region_code, region_code[:4] + "00", region_code[:2] + "0000"]
        ).values_list("code", "name")
    )
    own = names.get(region_code, "")
    if not own:
        return ""
    if region_code.endswith("0000"):
        return own
    city = names.get(region_code[:4] + "00", "")
    if region_code.endswith("00") or not city:
        return own
    if city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
        city = names.get(region_code[:2] + "0000", "")
    return f"{city}{own}"


def default_legalaid_centre(case) -> str:
    """法律援助法 38: the centre where the 办案机关 sits (litigation) or where the matter
    arose (other matters); the station's district is where a rider's matter arose."""
    name = local_name(case.region_code)
    return f"{name}法律援助中心" if name else ""


def default_reconsideration_body(case) -> str:
    """行政复议法 24 (1)(一): a decision of a 县级以上 government department is reviewed by
    the 人民政府 of the same level; the station's district is the usual level."""
    name = local_name(case.region_code)
    return f"{name}人民政府" if name else ""


def commission_for(case, particulars) -> ArbitrationCommission | None:
    if particulars.commission_id:
        return particulars.commission
    return ArbitrationCommission.covering(case.region_code)


# ---------------------------------------------------------------------------
# Requests: one numbered request per claim item, with its amount and basis


@dataclass
class Request:
    text: str
    amount: Decimal | None = None
    basis: str = ""

    @property
    def amount_upper(self) -> str:
        return rmb_upper(self.amount) if self.amount is not None else ""


# Items of the calculator that the 工伤保险基金 pays (工伤保险条例 35–37, 39): never a
# claim against the employer, unless the employer had not insured the worker (62 II).
FUND_PAID = frozenset({"disability_lump_sum", "medical_subsidy", "funeral_grant", "death_lump_sum"})

WAGE_BASIS = gettext_lazy("《中华人民共和国劳动合同法》第三十条第一款")
RELATION_BASIS = gettext_lazy("《中华人民共和国劳动争议调解仲裁法》第二条第（一）项")
INJURY_BASIS = gettext_lazy("《工伤保险条例》第三十三条第一款、第六十二条第二款")
TORT_BASIS = gettext_lazy(
    "《中华人民共和国民法典》第一千一百七十九条、第一千二百零八条、第一千二百一十三条；"
    "《中华人民共和国道路交通安全法》第七十六条"
)


def _items(case) -> list[Request]:
    return [
        Request(
            text=str(item.get("label", "")),
            amount=Decimal(item["amount"]) if item.get("amount") not in (None, "") else None,
            basis=str(item.get("citation", "")),
        )
        for item in case.claimed_items or []
    ]


def arbitration_requests(case, facts: Facts, respondents, *, insured: bool = True) -> list[Request]:
    """The numbered 仲裁请求: 确认劳动关系 first where it is disputed, then each saved
    item (without what the fund pays), else one specific request per claim type."""
    requests = []
    if facts.relation_disputed and respondents:
        requests.append(
            Request(
                _("确认申请人与被申请人%(name)s之间存在劳动关系") % {"name": respondents[0].name},
                basis=str(RELATION_BASIS),
            )
        )
    items = [
        r
        for r, raw in zip(_items(case), case.claimed_items or [], strict=True)
        if not (insured and raw.get("code") in FUND_PAID)
    ]
    if items:
        for item in items:
            item.text = _("裁决被申请人向申请人支付%(label)s") % {"label": item.text}
        return requests + items
    monetary = [c for c in case.claim_list if c in (ClaimType.WAGE, ClaimType.INJURY)]
    amount = case.amount_claimed if len(monetary) == 1 else None
    if ClaimType.WAGE in facts.claims:
        requests.append(
            Request(_("裁决被申请人向申请人支付拖欠的劳动报酬"), amount, str(WAGE_BASIS))
        )
    if ClaimType.INJURY in facts.claims and _recognised(facts):
        requests.append(
            Request(
                _("裁决被申请人向申请人支付停工留薪期工资及应由用人单位承担的工伤保险待遇"),
                amount,
                str(INJURY_BASIS),
            )
        )
    return requests


def tort_requests(case) -> list[Request]:
    items = _items(case)
    if items:
        for item in items:
            item.text = _("判令被告赔偿原告%(label)s") % {"label": item.text}
        return items
    return [
        Request(
            _("判令被告赔偿原告医疗费、误工费、护理费、交通费、营养费、住院伙食补助费等各项损失"),
            case.amount_claimed,
            str(TORT_BASIS),
        ),
        Request(_("判令被告承担本案诉讼费用")),
    ]


def _total(requests) -> Decimal | None:
    amounts = [r.amount for r in requests if r.amount is not None]
    return sum(amounts, Decimal("0.00")) if amounts else None


# ---------------------------------------------------------------------------
# Stages, services and deadlines


def _stages(facts: Facts) -> dict:
    """Which 代理阶段 the case is at or heading to, from its claims and milestones."""
    court = ClaimType.TORT in facts.claims or bool(
        {M.AWARD_RECEIVED, M.FINAL_AWARD_RECEIVED, M.LAWSUIT_FILED} & facts.milestones
    )
    return {
        "injury": ClaimType.INJURY in facts.claims and not facts.injury_decided,
        "occupational": ClaimType.OCCUPATIONAL in facts.claims and not facts.occupational_decided,
        "reconsideration": _adverse_decision(facts),
        "admin_suit": M.RECONSIDERATION_DECIDED in facts.milestones,
        "arbitration": bool(facts.claims & {ClaimType.WAGE, ClaimType.LABOR})
        or (ClaimType.INJURY in facts.claims and (_recognised(facts) or facts.relation_disputed)),
        "first_instance": court,
        "second_instance": M.JUDGMENT_SERVED in facts.milestones,
        "enforcement": M.PERFORMANCE_DUE in facts.milestones,
    }


def _recognised(facts: Facts) -> bool:
    return facts.injury_decided and facts.decision in Particulars.FAVOURABLE


def _adverse_decision(facts: Facts) -> bool:
    decided = (ClaimType.INJURY in facts.claims and facts.injury_decided) or (
        ClaimType.OCCUPATIONAL in facts.claims and facts.occupational_decided
    )
    return decided and facts.decision not in Particulars.FAVOURABLE


# 特别授权 (民事诉讼法 62 II, 民诉解释 89 I, 147 I): each power named, never "全权代理".
# The forum says where the power is used: arbitration items for the 仲裁委, court
# items only when a court stage is ticked.
POA_ITEMS = {
    "arb_claims": (gettext_lazy("代为承认、放弃、变更仲裁请求"), "arbitration"),
    "arb_mediation": (gettext_lazy("请求和接受调解"), "arbitration"),
    "arb_sign": (gettext_lazy("代为签收调解书、裁决书"), "arbitration"),
    "arb_counter": (gettext_lazy("代为提起或者应对反申请"), "arbitration"),
    "settle": (gettext_lazy("进行和解"), "any"),
    "court_claims": (gettext_lazy("代为承认、放弃、变更诉讼请求"), "court"),
    "court_counter": (gettext_lazy("提起反诉或者上诉"), "court"),
    "court_mediation": (gettext_lazy("代为参加调解并签署调解协议"), "court"),
    "court_sign": (gettext_lazy("代为签收判决书、裁定书、调解书"), "court"),
}


def poa_items(particulars, stages) -> list[str]:
    if particulars.poa_authority != Particulars.Authority.SPECIAL:
        return []
    court = stages["first_instance"] or stages["second_instance"] or stages["enforcement"]
    forums = {"any", "arbitration" if stages["arbitration"] else None, "court" if court else None}
    return [
        str(POA_ITEMS[code][0])
        for code in POA_ITEMS
        if code in (particulars.poa_items or []) and POA_ITEMS[code][1] in forums
    ]


def legalaid_services(stages) -> list[tuple[str, bool]]:
    """The services of a 法律援助申请表, ticked from the case (never fixed)."""
    return [
        (_("劳动争议仲裁代理"), stages["arbitration"]),
        (_("民事诉讼代理"), stages["first_instance"] or stages["second_instance"]),
        (_("工伤认定申请代理"), stages["injury"]),
        (_("职业伤害确认申请代理"), stages["occupational"]),
        (_("行政复议代理"), stages["reconsideration"]),
        (_("行政诉讼代理"), stages["admin_suit"]),
    ]


def _stage_text(case) -> str:
    last = case.milestones.order_by("-date", "-pk").first()
    if last is None:
        return _("尚未向任何机关提出申请")
    return f"{last.date:%Y-%m-%d} {last.get_kind_display()}"


def worker_deadlines(case, limit=None) -> list[dict]:
    """The worker's open deadlines, nearest first: name, due date, what to do, days left."""
    today = timezone.localdate()
    rows = []
    for deadline in case.deadlines.filter(
        status=Deadline.Status.OPEN, binds=Deadline.Binds.WORKER
    ).order_by("due_date", "pk")[:limit]:
        rule = deadline_rules.RULES.get(deadline.rule)
        rows.append(
            {
                "name": deadline_rules.label_of(deadline.rule),
                "action": str(rule.worker_action) if rule else "",
                "due": deadline.due_date,
                "days": (deadline.due_date - today).days,
                "citation": deadline.citation,
                "provisional": deadline.provisional,
            }
        )
    return rows


URGENT_DAYS = 7  # 法律援助法 44 I (一): "距法定时效或者期限届满不足七日"


# ---------------------------------------------------------------------------
# Evidence and attachments


def _evidence_to_bring(case) -> list[str]:
    have = case.evidence or {}
    return [str(ITEMS[code]) for code in items_for(case.claim_list) if not have.get(code)]


def evidence_list(case) -> list[str]:
    have = case.evidence or {}
    return [str(ITEMS[code]) for code in items_for(case.claim_list) if have.get(code)]


# What proves the 42 (3) grounds: that the applicant works (a migrant worker's pay
# or work-injury claim) and what is claimed.
EXEMPTION_PROOF = (
    "labor_contract",
    "proof_of_work",
    "pay_records",
    "attendance",
    "medical_records",
)


def exemption_grounds(case) -> dict | None:
    """法律援助法 42 (3), the same rule as triage (cases.claims.exempt_42_3): the grounds
    it requires and the proof on file, or None when it does not apply."""
    if not claims.exempt_42_3(case.claim_list):
        return None
    if case.eligibility not in (Case.Eligibility.EXEMPT_42_3, Case.Eligibility.UNDECIDED):
        return None
    grounds = []
    if ClaimType.WAGE in case.claim_list:
        grounds.append(_("申请支付劳动报酬"))
    if set(case.claim_list) & {ClaimType.INJURY, ClaimType.OCCUPATIONAL}:
        grounds.append(_("请求工伤事故人身损害赔偿"))
    have = case.evidence or {}
    proof = [str(ITEMS[code]) for code in EXEMPTION_PROOF if have.get(code)]
    return {"grounds": "、".join(grounds), "proof": proof}


# ---------------------------------------------------------------------------
# The closing report


def _timeline(case) -> list[dict]:
    """What happened, in true order: by date, then by the time it happened (a
    milestone recorded on its own day at the time it was recorded, one entered later
    at the start of its day), then by the order it was written."""
    created = timezone.localtime(case.created_at)
    rows = [{"at": (created.date(), created.time(), 0, 0), "text": _("驿站登记求助")}]
    labels = dict(State.choices)
    for event in case.events.filter(kind=CaseEvent.Kind.TRANSITION).order_by("at", "pk"):
        at = timezone.localtime(event.at)
        rows.append(
            {
                "at": (at.date(), at.time(), 1, event.pk),
                "text": f"{labels.get(event.source_state, event.source_state)} → "
                f"{labels.get(event.target_state, event.target_state)}",
            }
        )
    for milestone in case.milestones.all():
        recorded = timezone.localtime(milestone.created_at)
        moment = recorded.time() if recorded.date() == milestone.date else datetime.time.min
        rows.append(
            {
                "at": (milestone.date, moment, 0, milestone.pk),
                "text": milestone.get_kind_display()
                + (f"（{milestone.note}）" if milestone.note else ""),
            }
        )
    rows.sort(key=lambda row: row["at"])
    for row in rows:
        row["date"] = row["at"][0]
    return rows


def _deadlines(case) -> dict:
    today = timezone.localdate()
    deadlines = []
    counts = {status: 0 for status in Deadline.Status.values}
    for deadline in case.deadlines.order_by("due_date", "pk"):
        counts[deadline.status] += 1
        rule = deadline_rules.RULES.get(deadline.rule)
        # A worker's period still running in law whatever the case's bookkeeping says
        # (closing waives it): the report says what the worker must still do, in red.
        running = (
            deadline.binds == Deadline.Binds.WORKER
            and deadline.status in (Deadline.Status.OPEN, Deadline.Status.WAIVED)
            and deadline.due_date >= today
        )
        deadlines.append(
            {
                "name": deadline_rules.label_of(deadline.rule),
                "citation": deadline.citation,
                "due": deadline.due_date,
                "status": deadline.get_status_display(),
                "worker_running": running,
                "action": str(rule.worker_action) if rule and running else "",
            }
        )
    return {
        "deadlines": deadlines,
        "deadline_counts": counts,
        "worker_running": [d for d in deadlines if d["worker_running"]],
    }


DOCUMENTS_OBTAINED = {
    "mediation": gettext_lazy("调解书"),
    "award": gettext_lazy("仲裁裁决书"),
    "judgment": gettext_lazy("判决书"),
    "ruling": gettext_lazy("裁定书"),
    "injury_decision": gettext_lazy("工伤认定决定书"),
    "reconsideration_decision": gettext_lazy("行政复议决定书"),
    "settlement": gettext_lazy("和解协议"),
}


# ---------------------------------------------------------------------------
# The context


def particulars_of(case) -> Particulars:
    """The case's particulars, or blank ones (unsaved) when the lawyer has entered none."""
    return getattr(case, "particulars", None) or Particulars(case=case)


def build_context(case: Case, kind: str, *, base_url: str = "") -> dict:
    worker = case.worker
    parties = list(case.parties.all())
    particulars = particulars_of(case)
    facts = facts_of(case)
    employers = [p for p in parties if p.kind in Party.EMPLOYER_KINDS]
    defendants = [p for p in parties if p.kind in Party.TORT_KINDS]
    stages = _stages(facts)
    context = {
        "case": case,
        "kind": kind,
        "title": Kind(kind).label,
        "filed": RULES[kind].filed,
        "worker": worker,
        "worker_phone": mask_phone(worker.phone),
        "person": person_facts(worker.id_number, worker.birth_date),
        "station": case.station,
        "lawyer": case.lawyer,
        "parties": parties,
        "particulars": particulars,
        "employers": employers,
        "respondents": employers,
        "defendants": defendants,
        "claims_display": case.get_claims_display(),
        "amount_upper": rmb_upper(case.amount_claimed),
        "generated_on": timezone.localdate(),
        "site_name": settings.SITE_NAME,
        "network_name": settings.NETWORK_NAME,
        "stages": stages,
        "under_legal_aid": case.accepted_at is not None,
        "legalaid_centre": particulars.legalaid_centre or default_legalaid_centre(case),
    }
    if kind == Kind.RECEIPT:
        context["to_bring"] = _evidence_to_bring(case)
        context["public_url"] = (getattr(settings, "PUBLIC_URL", "") or base_url).rstrip("/")
        context["next_deadlines"] = worker_deadlines(case, limit=3)
    elif kind == Kind.LEGALAID_APPLICATION:
        nearest = worker_deadlines(case, limit=1)
        context["services"] = legalaid_services(stages)
        context["stage_text"] = _stage_text(case)
        context["exemption"] = exemption_grounds(case)
        context["exempt_42_3"] = context["exemption"] is not None
        context["urgent"] = nearest[0] if nearest and nearest[0]["days"] < URGENT_DAYS else None
        context["evidence"] = evidence_list(case)
    elif kind in (Kind.INJURY_APPLICATION, Kind.OCCUPATIONAL_APPLICATION):
        # One 用人单位 on the form: the employer, else the outsourcing or dispatch
        # company; for the pilot, the platform the rider works through.
        order = (
            [Party.Kind.PLATFORM, Party.Kind.EMPLOYER, Party.Kind.OUTSOURCER, Party.Kind.AGENCY]
            if kind == Kind.OCCUPATIONAL_APPLICATION
            else [
                Party.Kind.EMPLOYER,
                Party.Kind.OUTSOURCER,
                Party.Kind.AGENCY,
                Party.Kind.PLATFORM,
            ]
        )
        context["employer"] = next((p for k in order for p in employers if p.kind == k), None)
        context["road_accident"] = ClaimType.TORT in facts.claims or bool(
            (case.evidence or {}).get("accident_proof")
        )
        context["evidence"] = evidence_list(case)
        context["local_fields"] = [
            {"label": f.label, "value": (particulars.local_values or {}).get(f.key, "")}
            for f in LocalField.for_region(case.region_code, kind)
        ]
    elif kind == Kind.RECONSIDERATION_APPLICATION:
        decided = (
            case.milestones.filter(kind__in=[M.INJURY_DECIDED, M.OCCUPATIONAL_CONFIRMED])
            .order_by("-date")
            .first()
        )
        context["decision_received"] = decided.date if decided else None
        context["reconsideration_body"] = (
            particulars.reconsideration_body or default_reconsideration_body(case)
        )
        context["third_party"] = employers[0] if employers else None
        context["decision_label"] = particulars.get_injury_decision_display() or _("工伤认定决定")
        context["evidence"] = evidence_list(case)
    elif kind == Kind.ARBITRATION_APPLICATION:
        requests = arbitration_requests(case, facts, employers)
        context["commission"] = commission_for(case, particulars)
        context["requests"] = requests
        context["total"] = _total(requests)
        context["total_upper"] = rmb_upper(context["total"])
        context["bases"] = list(dict.fromkeys(r.basis for r in requests if r.basis))
        context["evidence"] = evidence_list(case)
        context["copies"] = max(len(employers), 1)
    elif kind == Kind.CIVIL_COMPLAINT:
        requests = tort_requests(case)
        context["requests"] = requests
        context["total"] = _total(requests)
        context["total_upper"] = rmb_upper(context["total"])
        context["bases"] = list(dict.fromkeys(r.basis for r in requests if r.basis))
        context["evidence"] = evidence_list(case)
        context["copies"] = max(len(defendants), 1)
    elif kind == Kind.POWER_OF_ATTORNEY:
        context["opponents"] = "、".join(p.name for p in (employers or defendants or parties))
        context["special_items"] = poa_items(particulars, stages)
    elif kind == Kind.CLOSING_REPORT:
        context["timeline"] = _timeline(case)
        context["amount_recovered_upper"] = rmb_upper(case.amount_recovered)
        context["documents_obtained"] = [
            str(DOCUMENTS_OBTAINED[c])
            for c in particulars.documents_obtained or []
            if c in DOCUMENTS_OBTAINED
        ]
        recovered = particulars.recovered_items or {}
        context["claimed_items"] = [
            {
                "text": item.text,
                "basis": item.basis,
                "amount": item.amount,
                "recovered": Decimal(recovered[raw["code"]])
                if raw.get("code") in recovered
                else None,
            }
            for item, raw in zip(_items(case), case.claimed_items or [], strict=True)
        ]
        context.update(_deadlines(case))
    return context
