"""The evidence checklist a station collects, by claim type.

`Case.evidence` stores `{item_code: True/False}`; which items are asked for depends on
the claim types. Items shared by several claims (proof of work) appear once.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import events
from cases.models import Case, CaseEvent
from cases.permissions import ensure_editable
from lawyers.models import ClaimType

ITEMS = {
    "medical_records": gettext_lazy("病历、诊断证明、医疗费票据"),
    "accident_proof": gettext_lazy("事故证明（如交通事故认定书、报警回执）"),
    "order_records": gettext_lazy("平台订单/接单记录（事发时段）"),
    "proof_of_work": gettext_lazy("工作证明（工牌、工服照片、App 账号截图、排班表）"),
    "labor_contract": gettext_lazy("劳动合同、劳务/外包协议或入职登记"),
    "pay_records": gettext_lazy("工资条、银行流水或平台收入明细"),
    "attendance": gettext_lazy("考勤、出勤或派单记录"),
    "chat_records": gettext_lazy("与站长、公司的聊天记录或欠条"),
    "termination_notice": gettext_lazy("辞退/解除通知或离职证明"),
    "insurance_policy": gettext_lazy("保险单（雇主责任险、意外险、职业伤害保障）"),
    "id_copy": gettext_lazy("劳动者身份证复印件"),
}

BY_CLAIM = {
    ClaimType.INJURY: [
        "medical_records",
        "accident_proof",
        "order_records",
        "proof_of_work",
        "labor_contract",
        "insurance_policy",
    ],
    ClaimType.OCCUPATIONAL: [
        "medical_records",
        "accident_proof",
        "order_records",
        "proof_of_work",
        "insurance_policy",
    ],
    ClaimType.TORT: ["medical_records", "accident_proof", "order_records", "insurance_policy"],
    ClaimType.WAGE: [
        "proof_of_work",
        "labor_contract",
        "pay_records",
        "attendance",
        "chat_records",
    ],
    ClaimType.LABOR: ["labor_contract", "pay_records", "termination_notice", "chat_records"],
    ClaimType.CONSULT: [],
}


def items_for(claims) -> list[str]:
    """Item codes for these claim types, in checklist order, each once."""
    wanted = {code for claim in claims for code in BY_CLAIM.get(claim, [])}
    if wanted:
        wanted.add("id_copy")
    return [code for code in ITEMS if code in wanted]


def all_choices() -> list[tuple[str, str]]:
    return list(ITEMS.items())


def checklist(case) -> list[dict]:
    """Rows for the case page: code, label, whether collected."""
    items = items_for(case.claim_list)
    # Items recorded earlier but no longer asked for (claims changed) are still shown.
    items += [code for code in case.evidence if code in ITEMS and code not in items]
    return [{"code": c, "label": ITEMS[c], "have": bool(case.evidence.get(c))} for c in items]


def normalise(claims, collected) -> dict:
    """The stored form: every item asked for, True when collected."""
    collected = set(collected)
    return {code: code in collected for code in items_for(claims)}


def claims_by_item() -> dict[str, list[str]]:
    """For the intake page: which claim types ask for each item (shown or hidden by script)."""
    result: dict[str, list[str]] = {code: [] for code in ITEMS}
    for claim, codes in BY_CLAIM.items():
        for code in codes:
            result[code].append(str(claim))
    for claim in BY_CLAIM:
        if BY_CLAIM[claim]:
            result["id_copy"].append(str(claim))
    return result


def record(case, user, collected) -> dict:
    """Store the checklist from the ticked item codes (unknown codes are dropped: the
    checklist is a set of checkboxes) and log what changed. Returns the changes."""
    ensure_editable(case)
    codes = [c["code"] for c in checklist(case)]
    ticked = set(collected)
    new = {code: code in ticked for code in codes}
    changed = {k: v for k, v in new.items() if bool(case.evidence.get(k)) != v}
    if changed:
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(evidence=new, updated_at=timezone.now())
            events.record(case, CaseEvent.Kind.EVIDENCE, actor=user, evidence=changed)
        case.evidence = new
    return changed


def _evidence_text(event) -> str:
    marks = [
        ("✓ " if have else "✗ ") + str(ITEMS.get(code, code))
        for code, have in event.data["evidence"].items()
    ]
    return _("更新证据清单：") + _("；").join(marks)


events.declare(CaseEvent.Kind.EVIDENCE, data=("evidence",), describe=_evidence_text)
