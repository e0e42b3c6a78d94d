"""Calculations on a case: which kinds a case suggests, the published figures that
fill a form, saving a result as a version, and using it as the claim.

The arithmetic is the pure calculator (cases.calculator); this is its ORM side. Every
write is audited (a CALCULATION event) and refused on an archived case."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import calculator, events
from cases.models import Calculation, CaseEvent, RegionalFigure
from cases.permissions import ensure_editable
from lawyers.models import ClaimType

# The kinds a claim calls for, most likely first.
SUGGESTED = {
    ClaimType.WAGE: ("labor.unpaid_wages", "labor.severance", "labor.double_wage"),
    ClaimType.LABOR: ("labor.severance", "labor.unlawful_termination", "labor.double_wage"),
    ClaimType.INJURY: ("injury.disability", "injury.death"),
    ClaimType.OCCUPATIONAL: ("injury.disability",),
    ClaimType.TORT: ("traffic.disability",),
}


def suggested_kinds(case) -> list[str]:
    kinds = []
    for claim in case.claim_list:
        for kind in SUGGESTED.get(claim, ()):
            if kind not in kinds:
                kinds.append(kind)
    return kinds


# Which published figure a parameter is, and whether it is a national one
# (一次性工亡补助金: 全国城镇居民人均可支配收入, 工伤保险条例 39 (三)).
def figure_for(kind: str, param: str) -> tuple[str, bool] | None:
    if param == "avg_wage":
        return RegionalFigure.Figure.AVG_WAGE, False
    if param == "min_wage":
        return RegionalFigure.Figure.MIN_WAGE, False
    if param == "income":
        return RegionalFigure.Figure.URBAN_INCOME, kind == "injury.death"
    return None


def figures(case, kind: str) -> dict[str, RegionalFigure]:
    """param name → the published figure that fills it, for this case's region."""
    found = {}
    for param in calculator.get_kind(kind).params:
        spec = figure_for(kind, param.name)
        if spec is None:
            continue
        row = RegionalFigure.latest(spec[0], case.region_code, national=spec[1])
        if row is not None:
            found[param.name] = row
    return found


def save(case, user, kind: str, params: dict) -> Calculation:
    """Compute again from the parameters as typed and store the result as the next
    version. Raises calculator errors like `calculate`."""
    ensure_editable(case)
    result = calculator.calculate(kind, params)
    with transaction.atomic():
        last = Calculation.objects.filter(case=case).aggregate(v=Max("version"))["v"]
        calculation = Calculation.objects.create(
            case=case,
            version=(last or 0) + 1,
            kind=kind,
            label=str(result.label),
            params={k: str(v) for k, v in params.items() if v not in (None, "")},
            result=result.as_json(),
            total=result.total,
            created_by=user,
        )
        events.record(
            case,
            CaseEvent.Kind.CALCULATION,
            actor=user,
            calculation=calculation.pk,
            kind=kind,
            version=calculation.version,
            total=f"{result.total:.2f}",
        )
    return calculation


def claim_items(calculation: Calculation) -> list[dict]:
    """The items that count towards the total, as the case's itemised claim."""
    return [
        {
            "code": item["code"],
            "label": item["label"],
            "amount": item["amount"],
            "formula": item["formula"],
            "citation": item["citation"],
        }
        for item in calculation.result.get("items", [])
        if item.get("in_total") and item.get("amount") is not None
    ]


def use_as_claim(calculation: Calculation, user) -> None:
    """用作请求金额: the total becomes the case's claimed amount and the items its
    itemised claim (one numbered request each in the arbitration application)."""
    case = calculation.case
    ensure_editable(case)
    items = claim_items(calculation)
    with transaction.atomic():
        case.amount_claimed = sum((Decimal(i["amount"]) for i in items), Decimal("0.00"))
        case.claimed_items = items
        case.save(update_fields=["amount_claimed", "claimed_items", "updated_at"])
        Calculation.objects.filter(case=case).exclude(pk=calculation.pk).update(used_at=None)
        calculation.used_at = timezone.now()
        calculation.save(update_fields=["used_at"])
        events.record(
            case,
            CaseEvent.Kind.CALCULATION,
            actor=user,
            calculation=calculation.pk,
            kind=calculation.kind,
            version=calculation.version,
            total=f"{case.amount_claimed:.2f}",
            used=True,
        )


def _calculation_text(event) -> str:
    data = event.data
    kind = calculator.KINDS.get(data["kind"])
    values = {
        "label": kind.label if kind else data["kind"],
        "version": data["version"],
        "total": data["total"],
    }
    if data.get("used"):
        return _("第 %(version)s 版计算（%(label)s）用作请求金额：%(total)s 元") % values
    return _("保存%(label)s计算第 %(version)s 版：合计 %(total)s 元") % values


events.declare(
    CaseEvent.Kind.CALCULATION,
    data=("calculation", "kind", "version", "total", "used"),
    describe=_calculation_text,
)
