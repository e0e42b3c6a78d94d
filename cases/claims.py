"""Claim types grouped the way the law groups them: each grouping in one place.

`ClaimType` itself (the codes and their names) lives with the lawyers, whose
specialties are claim types; here is what the case app needs to know about them.
"""

from django.utils.translation import gettext_lazy as _

from lawyers.models import ClaimType

# 法律援助法 第四十二条第三项: 进城务工人员 asking for 劳动报酬 or for 工伤事故人身损害赔偿
# need not prove economic hardship. A platform rider's occupational-injury claim under
# the pilot (职业伤害保障) is compensation for a personal injury suffered at work, in the
# place of 工伤 benefits for workers the 工伤保险条例 does not reach; legal-aid centres
# treat it as the same ground, and so does every screen and form here.
EXEMPT_42_3 = frozenset({ClaimType.WAGE, ClaimType.INJURY, ClaimType.OCCUPATIONAL})
EXEMPT_42_3_REFUSAL = _(
    "第四十二条第三项只适用于追索劳动报酬或请求工伤事故人身损害赔偿的进城务工人员；"
    "本案请进行经济困难审查。"
)

# Claims about an injury at work: the 工伤 route or the pilot's 职业伤害 route.
INJURY_LIKE = frozenset({ClaimType.INJURY, ClaimType.OCCUPATIONAL})

# Claims whose incident date is an accident: it starts the injury, pilot and tort clocks.
ACCIDENT = frozenset({ClaimType.INJURY, ClaimType.OCCUPATIONAL, ClaimType.TORT})


# The milestones (Milestone.Kind values) a case with each claim passes through, in the
# order the milestone form offers them; the others sit behind 其他节点. Legal aid's
# own milestones come first for every claim.
_LEGAL_AID = ("legalaid_applied", "legalaid_granted")
_LABOR_DISPUTE = (
    "employment_ended",
    "mediation_applied",
    "mediation_agreement_effective",
    "arbitration_filed",
    "arbitration_accepted",
    "award_received",
    "final_award_received",
    "award_set_aside",
    "payment_order_received",
    "pre_suit_preservation",
    "lawsuit_filed",
    "judgment_served",
    "ruling_served",
    "performance_due",
)
_ADMINISTRATIVE = (
    "reconsideration_applied",
    "reconsideration_accepted",
    "reconsideration_decided",
    "admin_judgment_served",
    "admin_ruling_served",
)
MILESTONES = {
    ClaimType.WAGE: (
        *_LEGAL_AID,
        *_LABOR_DISPUTE,
        "violation_ended",
        "inspection_complaint",
        "inspection_opened",
    ),
    ClaimType.LABOR: (
        *_LEGAL_AID,
        "knew_infringement",  # 调解仲裁法 27(1); unpaid pay runs from the end (27(4))
        *_LABOR_DISPUTE,
        "violation_ended",
        "inspection_complaint",
        "inspection_opened",
    ),
    ClaimType.INJURY: (
        *_LEGAL_AID,
        "accident",
        "injury_filed",
        "injury_supplemented",
        "injury_accepted",
        "injury_decision_paused",
        "injury_decision_resumed",
        "injury_decided",
        "appraisal_applied",
        "appraisal_concluded",
        "reappraisal_applied",
        "reappraisal_concluded",
        *_ADMINISTRATIVE,
        "knew_infringement",
        *_LABOR_DISPUTE,
    ),
    ClaimType.OCCUPATIONAL: (
        *_LEGAL_AID,
        "accident",
        "occupational_filed",
        "occupational_confirmed",
        *_ADMINISTRATIVE,
        "lawsuit_filed",
        "judgment_served",
        "ruling_served",
        "performance_due",
    ),
    ClaimType.TORT: (
        *_LEGAL_AID,
        "accident",
        "knew_damage",
        "traffic_finding_served",
        "mediation_agreement_effective",
        "pre_suit_preservation",
        "lawsuit_filed",
        "judgment_served",
        "ruling_served",
        "performance_due",
    ),
    ClaimType.CONSULT: (),
}


def milestones_for(claims) -> list[str]:
    """The milestone kinds of these claims, without repeats, in the order of the first
    claim that lists each."""
    seen: dict[str, None] = {}
    for claim in claims:
        for kind in MILESTONES.get(claim, ()):
            seen.setdefault(kind, None)
    return list(seen)


def exempt_42_3(claims) -> bool:
    return bool(EXEMPT_42_3 & set(claims))


def is_injury_like(claims) -> bool:
    return bool(INJURY_LIKE & set(claims))


def is_consultation(claims) -> bool:
    return list(claims) == [ClaimType.CONSULT]


def join_claims(codes) -> str:
    """The stored form: codes in ClaimType order, space-separated."""
    order = [c for c, _label in ClaimType.choices]
    return " ".join(sorted(set(codes), key=order.index))


def claims_display(codes) -> str:
    """The claims in words, e.g. "工伤、欠薪"."""
    labels = dict(ClaimType.choices)
    return str(_("、")).join(str(labels.get(code, code)) for code in codes)
