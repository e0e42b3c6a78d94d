"""The five statistics sections (需求与流程, 问题来源, 时效与期限, 办理结果, 律师): each fills
a `dashboard.Page` from the rollup sums that `dashboard` loads for its scope and period.
`build` is the one entry point, for the pages and the monthly report alike.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.deadlines.bookkeeping import ACCEPT_RULE
from cases.models import Case, Respondent, StatCell, Worker
from cases.statistics import lawyers as lawyer_figures
from cases.statistics import rollup
from cases.statistics.dashboard import (
    ZERO,
    Page,
    Scope,
    Sums,
    load_children,
    load_own,
    make_cell,
    own_rows,
)
from cases.statistics.periods import Period
from cases.statistics.suppression import Cell, share
from lawyers.models import ClaimType

TOP_RESPONDENTS = 15

STAGE_LABELS = {
    "received": gettext_lazy("待审核"),
    "intake": gettext_lazy("当场解答办结"),
    "referred": gettext_lazy("已转介"),
    "accepted": gettext_lazy("已受理，待指派律师"),
    "assigned": gettext_lazy("已指派，待律师接案"),
    "in_progress": gettext_lazy("律师办理中"),
    "resolved": gettext_lazy("已办结"),
    "closed": gettext_lazy("已归档"),
    "withdrawn": gettext_lazy("已撤回"),
}
# The funnel: how far this period's requests got (sums of stages).
FUNNEL = (
    (
        "aid",
        gettext_lazy("已受理援助"),
        ("accepted", "assigned", "in_progress", "resolved", "closed"),
    ),
    ("lawyer", gettext_lazy("已指派律师"), ("assigned", "in_progress", "resolved", "closed")),
    ("working", gettext_lazy("律师已接案"), ("in_progress", "resolved", "closed")),
    ("done", gettext_lazy("已办结（含归档）"), ("resolved", "closed")),
)
REFERRAL_LABELS = {
    "inspection": gettext_lazy("劳动保障监察"),
    "arbitration": gettext_lazy("劳动人事争议仲裁"),
    "court": gettext_lazy("人民法院"),
    "legal_aid": gettext_lazy("法律援助中心"),
    "hrss": gettext_lazy("人社部门（工伤认定、社保）"),
    "police": gettext_lazy("公安交警"),
    "mediation": gettext_lazy("调解组织"),
    "union": gettext_lazy("其他工会"),
    "other": gettext_lazy("其他机构"),
}
DECISION_LABELS = {
    "accepted": gettext_lazy("已受理援助"),
    "intake": gettext_lazy("当场解答办结"),
    **{f"referral:{k}": v for k, v in REFERRAL_LABELS.items()},
}
STEP_LABELS = {
    "decision": gettext_lazy("登记 → 作出援助决定"),
    "assignment": gettext_lazy("决定援助 → 指派律师"),
    "lawyer_accept": gettext_lazy("指派 → 律师接案"),
    "first_contact": gettext_lazy("律师接案 → 首次联系劳动者"),
}
# Limits in calendar days (法律援助法 43(1): decide within 7 日, assign within 3 日 of
# deciding); the lawyer's two service levels are working days, so their compliance is
# read from the deadlines themselves (met or missed), not from calendar days.
STEP_LIMITS = {"decision": 7, "assignment": 3}
STEP_SLA = {"lawyer_accept": ACCEPT_RULE, "first_contact": "sla.first_contact"}
DEADLINE_LABELS = {
    "done": gettext_lazy("按期完成"),
    "missed": gettext_lazy("已错过"),
    "waived": gettext_lazy("已免除"),
}
WITHDRAWN_LABELS = {
    "received": gettext_lazy("审核前"),
    "accepted": gettext_lazy("待指派律师时"),
    "assigned": gettext_lazy("待律师接案时"),
    "in_progress": gettext_lazy("办理中"),
}
OFFER_LABELS = {
    "accepted": gettext_lazy("接案"),
    "declined": gettext_lazy("拒绝"),
    "expired": gettext_lazy("超时未答复"),
}
RESPONDENT_KINDS = {
    "platform": gettext_lazy("平台企业"),
    "employer": gettext_lazy("用人单位"),
    "agency": gettext_lazy("外包/派遣单位"),
    "insurer": gettext_lazy("保险公司"),
}


def headline_figures(sums: Sums) -> dict:
    return {
        "received": sums.total(rollup.RECEIVED),
        "decided": sums.total(rollup.DECISION),
        "resolved": sums.total(rollup.RESOLVED),
        "withdrawn": sums.total(rollup.WITHDRAWN),
    }


def _comparison(page: Page, name: str, now: Cell, before: list | None) -> dict:
    """This period's figure next to a comparison period's, with the change in percent."""
    if before is None:
        return {}
    then = make_cell(name, "", before)
    if page.suppressed and then.n < 5:
        then.hidden = "small"
    change = None
    if now.shown and then.shown and then.n:
        change = round(100 * (now.n - then.n) / then.n)
    return {"cell": then, "change": change}


def _month_label(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def overview(page: Page, periods: dict) -> None:
    """Demand: requests by month, claim, platform, arrangement, child area; the funnel."""
    scope, period = page.scope, page.period
    metrics = {
        rollup.RECEIVED,
        rollup.PLATFORM,
        rollup.ARRANGEMENT,
        rollup.STAGE,
        rollup.DECISION,
        rollup.RESOLVED,
        rollup.WITHDRAWN,
    }
    loaded = load_own(scope, periods, metrics, monthly=frozenset({rollup.RECEIVED}))
    sums = loaded["current"]
    received = page.total("received", sums.total(rollup.RECEIVED), rollup.RECEIVED)
    page.partition(
        "month",
        received,
        [
            (
                _month_label(m),
                _month_label(m),
                loaded["months"][m].total(rollup.RECEIVED) if m in loaded["months"] else None,
                page.url(rollup.RECEIVED, month=_month_label(m)),
            )
            for m in period.month_list()
        ],
    )
    page.by_choices("claim", received, sums, rollup.RECEIVED, ClaimType.choices)
    page.by_choices("platform", received, sums, rollup.PLATFORM, Worker.Platform.choices)
    page.by_choices("arrangement", received, sums, rollup.ARRANGEMENT, Worker.Arrangement.choices)
    stages = sums.by_key(rollup.STAGE)
    page.partition(
        "stage",
        received,
        [(s, STAGE_LABELS[s], stages.get(s), page.url(rollup.STAGE, s)) for s in rollup.STAGES],
    )
    children = load_children(scope, period, [rollup.RECEIVED, rollup.RESOLVED])
    page.extra["children"] = children
    page.partition(
        "children",
        received,
        [
            (
                c["key"],
                c["name"],
                c.get(rollup.RECEIVED),
                page.url(rollup.RECEIVED, **c["params"]) if page.links else "",
            )
            for c in children
        ],
    )
    decided = page.total("decided", sums.total(rollup.DECISION))
    resolved = page.total("resolved", sums.total(rollup.RESOLVED), rollup.OUTCOME)
    page.protect()

    page.extra["funnel"] = []
    for name, label, keys in FUNNEL:
        cell = page.subtotal("stage", keys)
        cell.label = str(label)
        page.extra["funnel"].append((name, label, cell))
    start = Cell(key="received", label=str(_("收到求助")), n=received.n, hidden=received.hidden)
    page.extra["funnel_cells"] = [start] + [cell for _name, _label, cell in page.extra["funnel"]]
    stage = page.partitions["stage"]
    page.extra["intake_share"] = share(stage.cell("intake"), received)
    page.extra["headline"] = []
    for name, label, cell in (
        ("received", gettext_lazy("收到求助"), received),
        ("decided", gettext_lazy("作出处理决定"), decided),
        ("resolved", gettext_lazy("办结案件"), resolved),
    ):
        figures = {"label": label, "cell": cell}
        for other in ("previous", "last_year"):
            before = headline_figures(loaded[other])[name] if other in loaded else None
            figures[other] = _comparison(page, name, cell, before)
        page.extra["headline"].append(figures)


def flow(page: Page, periods: dict) -> None:
    """Decisions, how long each step took, deadlines met and missed, withdrawals."""
    loaded = load_own(
        page.scope,
        {"current": page.period},
        {rollup.DECISION, rollup.DURATION, rollup.DEADLINE, rollup.WITHDRAWN},
    )
    sums = loaded["current"]
    decisions = sums.by_key(rollup.DECISION)
    decided = page.total("decided", sums.total(rollup.DECISION))
    page.partition(
        "decision",
        decided,
        [
            (k, label, decisions.get(k), page.url(rollup.DECISION, k))
            for k, label in DECISION_LABELS.items()
        ],
    )
    withdrawn = sums.by_key(rollup.WITHDRAWN)
    page.partition(
        "withdrawn",
        page.total("withdrawn", sums.total(rollup.WITHDRAWN), rollup.WITHDRAWN),
        [
            (k, label, withdrawn.get(k), page.url(rollup.WITHDRAWN, k))
            for k, label in WITHDRAWN_LABELS.items()
        ],
    )
    deadlines = sums.data[rollup.DEADLINE]
    groups = {
        "statutory": gettext_lazy("法定期限"),
        **{r: STEP_LABELS[s] for s, r in STEP_SLA.items()},
    }
    page.extra["deadline_groups"] = []
    for group, label in groups.items():
        counts = defaultdict(lambda: [0, ZERO, ZERO])
        for (rule, status), values in deadlines.items():
            if (group == "statutory" and not rule.startswith("sla.")) or rule == group:
                counts[status][0] += values[0]
        total = page.total(f"deadline:{group}", [sum(v[0] for v in counts.values()), ZERO, ZERO])
        page.partition(
            f"deadline:{group}",
            total,
            [
                (s, slabel, counts.get(s), page.url(rollup.DEADLINE, group, s))
                for s, slabel in DEADLINE_LABELS.items()
            ],
        )
        page.extra["deadline_groups"].append((group, label))
    page.protect()
    page.extra["referred"] = page.subtotal(
        "decision", [k for k in DECISION_LABELS if k.startswith("referral:")]
    )
    page.extra["deadline_statutory"] = page.partitions["deadline:statutory"]
    page.extra["sla"] = [
        (STEP_LABELS[step], page.partitions[f"deadline:{rule}"]) for step, rule in STEP_SLA.items()
    ]
    page.extra["steps"] = [
        _step(page, step, sums.by_sub(rollup.DURATION, step), sums) for step in rollup.STEPS
    ]


def quantile_days(histogram: dict, q: float) -> int | None:
    counts = sorted((int(sub), v[0]) for sub, v in histogram.items() if v[0] > 0)
    total = sum(n for _d, n in counts)
    if not total:
        return None
    target, running = q * total, 0
    for days, n in counts:
        running += n
        if running >= target:
            return days
    return counts[-1][0]


def quantile_amount(histogram: dict, q: float) -> Decimal | None:
    """A quantile of amounts kept in log-scale buckets: the bucket that holds it, and
    linear interpolation inside (grouped median); within a bucket's width (25%)."""
    counts = sorted((int(sub), v[0]) for sub, v in histogram.items() if v[0] > 0)
    total = sum(n for _b, n in counts)
    if not total:
        return None
    target, running = q * total, 0
    for bucket, n in counts:
        if running + n >= target:
            low, high = rollup.bucket_bounds(str(bucket))
            value = low + (high - low) * ((target - running) / n)
            return Decimal(round(value))
        running += n
    return None


def _step(page: Page, step: str, histogram: dict, sums: Sums) -> dict:
    n = sum(v[0] for v in histogram.values())
    if step in STEP_LIMITS:
        limit = STEP_LIMITS[step]
        within = sum(v[0] for sub, v in histogram.items() if int(sub) <= limit)
        over = n - within
    else:
        limit, deadlines = None, sums.data[rollup.DEADLINE]
        within = deadlines.get((STEP_SLA[step], "done"), [0])[0]
        over = deadlines.get((STEP_SLA[step], "missed"), [0])[0]
    return _step_figures(page, step, histogram, n, within, over, limit)


def _step_figures(page, step, histogram, n, within, over, limit) -> dict:
    # Analysts get the quantiles and the share only when both sides have 5 or more: the
    # counts behind them are not shown, and a share or a 90th percentile would say how
    # many were late.
    hidden = page.suppressed and (within < 5 or over < 5)
    return {
        "label": STEP_LABELS[step],
        "limit": limit,
        "n": None if page.suppressed else n,
        "median": None if hidden or n == 0 else quantile_days(histogram, 0.5),
        "p90": None if hidden or n == 0 else quantile_days(histogram, 0.9),
        "within_share": None if hidden or not (within + over) else within / (within + over),
    }


def outcomes(page: Page, periods: dict) -> None:
    """Resolved cases by outcome, amounts claimed and recovered by claim and area,
    referrals by destination."""
    loaded = load_own(
        page.scope,
        {"current": page.period},
        {
            rollup.OUTCOME,
            rollup.RESOLVED,
            rollup.CLAIMED_HIST,
            rollup.RECOVERED_HIST,
            rollup.DECISION,
        },
    )
    sums = loaded["current"]
    resolved = page.total("resolved", sums.total(rollup.RESOLVED), rollup.OUTCOME)
    page.by_choices("outcome", resolved, sums, rollup.OUTCOME, Case.Outcome.choices)
    page.by_choices("resolved_claim", resolved, sums, rollup.RESOLVED, ClaimType.choices)
    children = load_children(page.scope, page.period, [rollup.RESOLVED])
    page.partition(
        "resolved_children",
        resolved,
        [
            (c["key"], c["name"], c.get(rollup.RESOLVED), page.url(rollup.RESOLVED, **c["params"]))
            for c in children
        ],
    )
    page.extra["children"] = children
    decisions = sums.by_key(rollup.DECISION)
    page.partition(
        "decision",
        page.total("decided", sums.total(rollup.DECISION)),
        [
            (k, label, decisions.get(k), page.url(rollup.DECISION, k))
            for k, label in DECISION_LABELS.items()
        ],
    )
    page.protect()
    medians = {}
    for cell in page.partitions["resolved_claim"].cells:
        if cell.shown and cell.n:
            medians[cell.key] = (
                quantile_amount(sums.by_sub(rollup.CLAIMED_HIST, cell.key), 0.5),
                quantile_amount(sums.by_sub(rollup.RECOVERED_HIST, cell.key), 0.5),
            )
    page.extra["medians"] = medians
    page.extra["referrals"] = [
        c for c in page.partitions["decision"].cells if c.key.startswith("referral:")
    ]
    page.extra["referred"] = page.subtotal(
        "decision", [k for k in DECISION_LABELS if k.startswith("referral:")]
    )


def sources(page: Page, periods: dict) -> None:
    """Respondents ranked by cases and by amount claimed, how many areas one level down
    each appears in, and the claim mix of each (analysts: only those with 5 or more)."""
    scope, period = page.scope, page.period
    if scope.depth == 4:
        page.extra["respondents"] = None
        return
    own = own_rows(scope).filter(
        metric=rollup.RESPONDENT, month__gte=period.first, month__lte=period.last
    )
    ranked = own.values("key").annotate(n=Sum("n"), claimed=Sum("claimed"))
    if page.suppressed:
        ranked = ranked.filter(n__gte=5)
    by_cases = list(ranked.order_by("-n", "key")[:TOP_RESPONDENTS])
    by_amount = list(ranked.order_by("-claimed", "key")[:TOP_RESPONDENTS])
    keys = sorted({r["key"] for r in by_cases} | {r["key"] for r in by_amount})
    mix = defaultdict(dict)
    for row in (
        own.filter(key__in=keys).values("key", "sub").annotate(n=Sum("n"), claimed=Sum("claimed"))
    ):
        mix[row["key"]][row["sub"]] = [row["n"], row["claimed"] or ZERO, ZERO]
    below = StatCell.objects.filter(
        metric=rollup.RESPONDENT,
        key__in=keys,
        month__gte=period.first,
        month__lte=period.last,
        n__gt=0,
    )
    if scope.depth == 3:
        spread = (
            below.filter(depth=4, area=scope.area)
            .values("key")
            .annotate(k=Count("station", distinct=True))
        )
    else:
        spread = (
            below.filter(depth=scope.depth + 1, area__startswith=scope.prefix)
            .values("key")
            .annotate(k=Count("area", distinct=True))
        )
    spread = {row["key"]: row["k"] for row in spread}
    names = {r.key: r for r in Respondent.objects.filter(key__in=keys)}
    rows = {}
    for key in keys:
        who = names.get(key)
        total = page.total(
            f"respondent:{key}",
            [
                sum(v[0] for v in mix[key].values()),
                sum((v[1] for v in mix[key].values()), ZERO),
                ZERO,
            ],
            rollup.RESPONDENT,
            key=key,
        )
        part = page.partition(
            f"respondent:{key}",
            total,
            [
                (c, label, mix[key].get(c), page.url(rollup.RESPONDENT, key, c))
                for c, label in ClaimType.choices
            ],
        )
        rows[key] = {
            "key": key,
            "name": who.name if who else key,
            "kind": RESPONDENT_KINDS.get(who.kind, "") if who else "",
            "total": total,
            "mix": part,
            "spread": spread.get(key, 0),
        }
    page.protect()
    chart = []
    for r in by_cases:
        total = rows[r["key"]]["total"]
        chart.append(
            Cell(key=r["key"], label=rows[r["key"]]["name"], n=total.n, hidden=total.hidden)
        )
    page.extra["respondents"] = {
        "chart_cases": chart,
        "by_cases": [rows[r["key"]] for r in by_cases],
        "by_amount": [rows[r["key"]] for r in by_amount],
        "spread_label": page.scope.child_level,
    }


def lawyers(page: Page, periods: dict) -> None:
    """Offers and answers, the lawyers' service levels, and (coordinators, for a city or
    a district) each lawyer's load and answers."""
    loaded = load_own(page.scope, {"current": page.period}, {rollup.OFFER, rollup.DEADLINE})
    sums = loaded["current"]
    offers = sums.by_key(rollup.OFFER)
    page.extra["offers_made"] = page.total(
        "offers_made", offers.get("made"), rollup.OFFER, key="made"
    )
    answered = [0, ZERO, ZERO]
    for key in OFFER_LABELS:
        answered[0] += offers.get(key, [0])[0]
    page.partition(
        "offer",
        page.total("answered", answered),
        [(k, label, offers.get(k), page.url(rollup.OFFER, k)) for k, label in OFFER_LABELS.items()],
    )
    deadlines = sums.data[rollup.DEADLINE]
    for rule in STEP_SLA.values():
        counts = {s: deadlines.get((rule, s), [0, ZERO, ZERO]) for s in DEADLINE_LABELS}
        page.partition(
            f"deadline:{rule}",
            page.total(f"deadline:{rule}", [sum(v[0] for v in counts.values()), ZERO, ZERO]),
            [
                (s, label, counts[s], page.url(rollup.DEADLINE, rule, s))
                for s, label in DEADLINE_LABELS.items()
            ],
        )
    page.protect()
    page.extra["sla"] = [
        (STEP_LABELS[step], page.partitions[f"deadline:{rule}"]) for step, rule in STEP_SLA.items()
    ]
    page.extra["per_lawyer"] = None
    if not page.suppressed and page.scope.depth in rollup.LAWYER_DEPTHS:
        page.extra["per_lawyer"] = lawyer_figures.per_lawyer(page)
        page.extra["declines"] = lawyer_figures.recent_declines(page)


SECTIONS = {
    "overview": (gettext_lazy("需求与流程"), overview),
    "sources": (gettext_lazy("问题来源"), sources),
    "flow": (gettext_lazy("时效与期限"), flow),
    "outcomes": (gettext_lazy("办理结果"), outcomes),
    "lawyers": (gettext_lazy("律师"), lawyers),
}


def build(section: str, scope: Scope, period: Period, *, suppressed: bool, links: bool) -> Page:
    page = Page(scope, period, suppressed=suppressed, links=links)
    periods = {"current": period, "previous": period.previous()}
    if period.last_year() is not None:
        periods["last_year"] = period.last_year()
    SECTIONS[section][1](page, periods)
    return page
