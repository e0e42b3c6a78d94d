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
