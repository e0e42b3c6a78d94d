"""The evidence checklist a station collects, by claim type (DESIGN §3, issue 3).

`Case.evidence` stores `{item_code: True/False}`; which items are asked for depends on
the claim types. Items shared by several claims (proof of work) appear once.
"""

from django.utils.translation import gettext_lazy as _

from lawyers.models import ClaimType

ITEMS = {
    "medical_records": _("病历、诊断证明、医疗费票据"),
    "accident_proof": _("事故证明（如交通事故认定书、报警回执）"),
    "order_records": _("平台订单/接单记录（事发时段）"),
    "proof_of_work": _("工作证明（工牌、工服照片、App 账号截图、排班表）"),
    "labor_contract": _("劳动合同、劳务/外包协议或入职登记"),
    "pay_records": _("工资条、银行流水或平台收入明细"),
    "attendance": _("考勤、出勤或派单记录"),
    "chat_records": _("与站长、公司的聊天记录或欠条"),
    "termination_notice": _("辞退/解除通知或离职证明"),
    "insurance_policy": _("保险单（雇主责任险、意外险、职业伤害保障）"),
    "id_copy": _("劳动者身份证复印件"),
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
