"""Which volunteer lawyers may take a case, and in what order.

This module knows lawyers, service regions and region names, never cases: callers pass
plain values (claim codes, the station's region code, opposing party names, lawyer ids
to leave out). Cases reach back through the reverse relation "cases" with string
state values only.

Rules, one by one:
- available: active and not on leave (`Lawyer.objects.available`);
- serves the area: one of the lawyer's service-region prefixes contains the station's
  code; the longest matching prefix is the most specific;
- knows the law: the lawyer's specialties cover at least one of the case's claims;
- not excluded: callers pass the lawyers who declined or let this case expire;
- no conflict: none of the lawyer's declared conflicts names an opposing party, compared
  after normalising width, spacing, punctuation and company-form suffixes;
- has room: open cases (assigned + in progress) below capacity.

Order: most specific region first, then the lowest load ratio, then whoever has waited
longest since their last assignment (never assigned first).
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from stations.models import Region
from stations.regions import prefixes_containing

from .models import ClaimType, Lawyer, ServiceRegion

# Case states that occupy a lawyer's capacity (string values: lawyers must not import cases).
OPEN_LAWYER_STATES = ("assigned", "in_progress")

# Longest first, and repeated, so "某某集团有限公司" loses both.
COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "公司",
    "集团",
)

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_org(name: str) -> str:
    """The comparable core of an organisation name.

    NFKC folds full-width letters, digits and brackets to half-width; case, spacing and
    punctuation are dropped; then company-form suffixes are stripped from the end.
    """
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _DROP.sub("", text)
    stripped = True
    while stripped:
        stripped = False
        for suffix in COMPANY_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                stripped = True
                break
    return text


def names_conflict(declared: Iterable[str], parties: Iterable[str]) -> str | None:
    """The first declared conflict that names one of the parties, or None.

    Equal cores match; so does one core inside the other when the shorter has at least
    two characters, which catches branches ("某某有限公司北京分公司") and short forms.
    A false match only passes the case to another lawyer; a missed one is a conflict.
    """
    party_cores = [(p, normalize_org(p)) for p in parties]
    for name in declared:
        core = normalize_org(name)
        if not core:
            continue
        for _party, party_core in party_cores:
            if not party_core:
                continue
            if core == party_core:
                return name
            short, long_ = sorted((core, party_core), key=len)
            if len(short) >= 2 and short in long_:
                return name
    return None


@dataclass
class Suggestion:
    lawyer: Lawyer
    prefix: str
    region_label: str
    claims: list[str]
    open_cases: int
    capacity: int

    @property
    def load_ratio(self) -> float:
        return self.open_cases / self.capacity if self.capacity else 1.0

    @property
    def claims_label(self) -> str:
        labels = dict(ClaimType.choices)
        return _("、").join(str(labels.get(c, c)) for c in self.claims)

    @property
    def explanation(self) -> str:
        return _("%(region)s · %(claims)s · %(open)d/%(capacity)d 件") % {
            "region": self.region_label,
            "claims": self.claims_label,
            "open": self.open_cases,
            "capacity": self.capacity,
        }


def load_pool(region_codes: Iterable[str], *, today: datetime.date | None = None):
    """Available lawyers serving any of these station codes, with `open_cases` and their
    service regions prefetched. Two queries, however many lawyers or codes."""
    prefixes = sorted({p for code in region_codes for p in prefixes_containing(code)})
    serving = ServiceRegion.objects.filter(prefix__in=prefixes).values("lawyer_id")
    return list(
        Lawyer.objects.available(today)
        .filter(pk__in=serving)
        .annotate(
            open_cases=Count("cases", filter=Q(cases__state__in=OPEN_LAWYER_STATES), distinct=True)
        )
        .select_related("user")
        .prefetch_related("regions")
    )


def region_labels(prefixes: Iterable[str]) -> dict[str, str]:
    """Prefix → display name ("朝阳区", "昆明市", "北京市"), one query.

    A municipality's city-level code (110100) has no name of its own: the province's is used.
    """
    prefixes = set(prefixes)
    codes = {p: p.ljust(6, "0") for p in prefixes}
    fallbacks = {p: p[:2].ljust(6, "0") for p in prefixes}
    names = dict(
        Region.objects.filter(code__in=set(codes.values()) | set(fallbacks.values())).values_list(
            "code", "name"
        )
    )
    return {p: names.get(codes[p]) or names.get(fallbacks[p]) or p for p in prefixes}


def why_not(
    lawyer: Lawyer,
    *,
    claims: Iterable[str],
    region_code: str,
    opposing_names: Iterable[str] = (),
    exclude_ids: Iterable[int] = (),
    open_cases: int | None = None,
    service_prefixes: Iterable[str] | None = None,
    today: datetime.date | None = None,
) -> str | None:
    """The first rule this lawyer fails for the case, as a sentence, or None when eligible."""
    claims = list(claims)
    if not lawyer.is_available(today):
        if not lawyer.active:
            return _("该律师已不在册。")
        return _("该律师休假至 %(date)s。") % {"date": lawyer.on_leave_until}
    if lawyer.pk in set(exclude_ids):
        return _("该律师已拒绝或超时未答复本案，不能再次分配。")
    if service_prefixes is None:
        service_prefixes = [r.prefix for r in lawyer.regions.all()]
    if not set(service_prefixes) & set(prefixes_containing(region_code)):
        return _("该律师的服务地区不包含本案所在地区。")
    if not set(claims) & set(lawyer.specialties):
        return _("该律师的擅长领域不包括本案的求助类型。")
    conflict = names_conflict(lawyer.conflict_names, opposing_names)
    if conflict:
        return _("该律师与对方当事人存在利益冲突（%(name)s）。") % {"name": conflict}
    if open_cases is None:
        open_cases = lawyer.cases.filter(state__in=OPEN_LAWYER_STATES).count()
    if open_cases >= lawyer.capacity:
        return _("该律师在办案件已满（%(open)d/%(capacity)d 件）。") % {
            "open": open_cases,
            "capacity": lawyer.capacity,
        }
    return None


def rank(
    pool: Iterable[Lawyer],
    *,
    claims: Iterable[str],
    region_code: str,
    opposing_names: Iterable[str] = (),
    exclude_ids: Iterable[int] = (),
    labels: dict[str, str] | None = None,
    today: datetime.date | None = None,
) -> list[Suggestion]:
    """Eligible lawyers from a pool made by `load_pool`, best first. No queries except
    region names when `labels` is not given."""
    claims = list(claims)
    opposing_names = list(opposing_names)
    exclude_ids = set(exclude_ids)
    containing = prefixes_containing(region_code)
    found = []
    for lawyer in pool:
        prefixes = [r.prefix for r in lawyer.regions.all()]
        if why_not(
            lawyer,
            claims=claims,
            region_code=region_code,
            opposing_names=opposing_names,
            exclude_ids=exclude_ids,
            open_cases=lawyer.open_cases,
            service_prefixes=prefixes,
            today=today,
        ):
            continue
        best = max((p for p in prefixes if p in containing), key=len)
        found.append((lawyer, best))
    if labels is None:
        labels = region_labels({best for _lawyer, best in found})
    suggestions = [
        Suggestion(
            lawyer=lawyer,
            prefix=best,
            region_label=labels.get(best, best),
            claims=[c for c in claims if c in lawyer.specialties],
            open_cases=lawyer.open_cases,
            capacity=lawyer.capacity,
        )
        for lawyer, best in found
    ]
    suggestions.sort(key=_order)
    return suggestions


def _order(s: Suggestion):
    last = s.lawyer.last_assigned_at
    return (
        -len(s.prefix),
        s.load_ratio,
        last is not None,  # never assigned first
        last.timestamp() if last else 0.0,
        s.lawyer.pk,
    )


def suggest(
    *,
    claims: Iterable[str],
    region_code: str,
    opposing_names: Iterable[str] = (),
    exclude_ids: Iterable[int] = (),
    today: datetime.date | None = None,
) -> list[Suggestion]:
    """Ranked suggestions for one case."""
    return rank(
        load_pool([region_code], today=today),
        claims=claims,
        region_code=region_code,
        opposing_names=opposing_names,
        exclude_ids=exclude_ids,
        today=today,
    )
