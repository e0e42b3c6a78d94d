"""Which document may be made, by whom, and when: the one table of document rules.

A row says the template (and its version, bumped when its layout or wording changes),
who needs the document (roles on the case, cases.permissions.Role), the states where
it makes sense, whether it is filed with a public body (then it carries no internal
header or footer), and the conditions on the case: each with the reason the case page
shows when it fails.

The conditions read the case's `Facts`: its claims, the milestones recorded (the same
milestones that start the deadlines, so the stage a form belongs to is the stage the
deadline table sees), its opposing parties and the decision recorded. Where the law
sends a case decides what is offered:

- 劳动人事争议仲裁申请书: a labour dispute with an employer (劳动争议调解仲裁法 2), not a
  tort-only case and not a pilot 职业伤害 claim alone (decided by the 经办机构, not by
  arbitration); a work-injury claim only once the 工伤认定 is decided, or when the labour
  relationship itself is disputed (确认劳动关系 comes first);
- 工伤认定申请表: a 工伤 claim while no 工伤认定 decision exists (工伤保险条例 17);
- 职业伤害确认申请: a 职业伤害 claim while no 确认 conclusion exists;
- 行政复议申请书: once a decision is received that is not in the worker's favour
  (行政复议法 11 (七));
- 民事起诉状: a road-accident or other tort claim against a named defendant (民事诉讼法 124).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from cases.models import Case, Document, Milestone, Particulars, Party, Worker
from cases.permissions import Role, roles_on
from lawyers.models import ClaimType

Kind = Document.Kind
State = Case.State
M = Milestone.Kind

LABOUR_CLAIMS = frozenset({ClaimType.WAGE, ClaimType.LABOR, ClaimType.INJURY})
# Riders whose labour relationship the platform disputes: the first claim is 确认劳动关系.
DISPUTED_ARRANGEMENTS = frozenset({Worker.Arrangement.CROWD, Worker.Arrangement.UNKNOWN})


@dataclass(frozen=True)
class Facts:
    """What the document rules read from a case (built once per page by `facts_of`)."""

    claims: frozenset
    milestones: frozenset = frozenset()
    parties: frozenset = frozenset()  # Party.Kind values present
    decision: str = ""  # Particulars.injury_decision
    arrangement: str = Worker.Arrangement.UNKNOWN
    has_lawyer: bool = False

    @property
    def injury_decided(self) -> bool:
        return M.INJURY_DECIDED in self.milestones

    @property
    def occupational_decided(self) -> bool:
        return M.OCCUPATIONAL_CONFIRMED in self.milestones

    @property
    def relation_disputed(self) -> bool:
        return self.arrangement in DISPUTED_ARRANGEMENTS


def facts_of(case) -> Facts:
    # A missing reverse one-to-one raises an AttributeError subclass: getattr's default.
    particulars = getattr(case, "particulars", None)
    return Facts(
        claims=frozenset(case.claim_list),
        milestones=frozenset(case.milestones.values_list("kind", flat=True)),
        parties=frozenset(case.parties.values_list("kind", flat=True)),
        decision=particulars.injury_decision if particulars else "",
        arrangement=case.worker.arrangement,
        has_lawyer=case.lawyer_id is not None,
    )


# ---------------------------------------------------------------------------
# Conditions: a check on the facts, and what the case page says when it fails


@dataclass(frozen=True)
class Condition:
    check: Callable[[Facts], bool]
    hint: str


def _labour_claim(f: Facts) -> bool:
    return bool(LABOUR_CLAIMS & f.claims)


def _employer_named(f: Facts) -> bool:
    return bool(set(Party.EMPLOYER_KINDS) & f.parties)


def _injury_ready_for_arbitration(f: Facts) -> bool:
    """A work-injury claim alone goes to arbitration once the injury is recognised (the
    benefits the employer owes), or first of all when the labour relationship is
    disputed (确认劳动关系); wage and other labour claims go there directly."""
    if f.claims & {ClaimType.WAGE, ClaimType.LABOR}:
        return True
    return (f.injury_decided and f.decision in Particulars.FAVOURABLE) or f.relation_disputed


def _injury_claim(f: Facts) -> bool:
    return ClaimType.INJURY in f.claims


def _no_injury_decision(f: Facts) -> bool:
    return not f.injury_decided


def _occupational_claim(f: Facts) -> bool:
    return ClaimType.OCCUPATIONAL in f.claims


def _no_occupational_decision(f: Facts) -> bool:
    return not f.occupational_decided


def _decision_received(f: Facts) -> bool:
    return (ClaimType.INJURY in f.claims and f.injury_decided) or (
        ClaimType.OCCUPATIONAL in f.claims and f.occupational_decided
    )


def _decision_adverse(f: Facts) -> bool:
    return f.decision not in Particulars.FAVOURABLE


def _tort_claim(f: Facts) -> bool:
    return ClaimType.TORT in f.claims


def _defendant_named(f: Facts) -> bool:
    return bool(set(Party.TORT_KINDS) & f.parties)


def _has_lawyer(f: Facts) -> bool:
    return f.has_lawyer


LABOUR_DISPUTE = Condition(
    _labour_claim,
    gettext_lazy(
        "仅适用于劳动者与用人单位之间的劳动争议（劳动争议调解仲裁法第二条）；"
        "交通事故等侵权赔偿请用民事起诉状，职业伤害待遇由社会保险经办机构确认。"
    ),
)
EMPLOYER_NAMED = Condition(
    _employer_named, gettext_lazy("请先在“文书信息”中登记用人单位（被申请人）。")
)
INJURY_READY = Condition(
    _injury_ready_for_arbitration,
    gettext_lazy("工伤保险待遇争议须先经工伤认定；认定前请用工伤认定申请表。"),
)
INJURY_CLAIM = Condition(
    _injury_claim,
    gettext_lazy("仅适用于工伤案件；平台试点的职业伤害请用职业伤害确认申请。"),
)
NO_INJURY_DECISION = Condition(
    _no_injury_decision, gettext_lazy("已收到工伤认定决定；不服的，请改用行政复议申请书。")
)
OCCUPATIONAL_CLAIM = Condition(
    _occupational_claim, gettext_lazy("仅适用于职业伤害（平台试点）案件。")
)
NO_OCCUPATIONAL_DECISION = Condition(
    _no_occupational_decision,
    gettext_lazy("已收到职业伤害确认结论；不服的，请改用行政复议申请书。"),
)
DECISION_RECEIVED = Condition(
    _decision_received,
    gettext_lazy("收到工伤认定（或职业伤害确认）决定后，才能对决定申请行政复议。"),
)
DECISION_ADVERSE = Condition(
    _decision_adverse, gettext_lazy("记录的结论对劳动者有利，无需申请行政复议。")
)
TORT_CLAIM = Condition(
    _tort_claim, gettext_lazy("仅适用于交通事故等侵权赔偿案件（民事诉讼法第一百二十四条）。")
)
DEFENDANT_NAMED = Condition(
    _defendant_named, gettext_lazy("请先在“文书信息”中登记被告（肇事方或保险公司）。")
)
HAS_LAWYER = Condition(_has_lawyer, gettext_lazy("指派承办律师后才能生成。"))


@dataclass(frozen=True)
class Rule:
    template: str
    version: str  # bump when the template's layout or wording changes
    roles: frozenset
    states: frozenset
    conditions: tuple[Condition, ...] = ()
    # Filed with a public body (a commission, a court, an agency): no internal header
    # or footer on the pages; the case number stays in the file name.
    filed: bool = False
    # Shown when the role fits but the state does not.
    state_hint: str = ""


# Archived cases (closed, withdrawn) are read-only: no state below includes them.
_WORKING = frozenset(set(State.values) - {State.CLOSED, State.WITHDRAWN})
_AIDED = frozenset({State.ACCEPTED, State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED})
_REPRESENTED = frozenset({State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED})
AIDED_HINT = gettext_lazy("受理法律援助后才能生成。")
REPRESENTED_HINT = gettext_lazy("指派承办律师后才能生成。")

RULES: dict[str, Rule] = {
    # Any time the case is worked: the worker may come back for a lost receipt.
    Kind.RECEIPT: Rule("documents/receipt.html", "2026.2", Role.STAFF, _WORKING),
    # From intake on; not for a case that went elsewhere.
    Kind.LEGALAID_APPLICATION: Rule(
        "documents/legalaid_application.html",
        "2026.2",
        Role.ALL,
        _WORKING - {State.REFERRED},
        filed=True,
    ),
    Kind.INJURY_APPLICATION: Rule(
        "documents/injury_application.html",
        "2026.2",
        Role.LEGAL,
        _AIDED,
        (INJURY_CLAIM, NO_INJURY_DECISION),
        filed=True,
        state_hint=AIDED_HINT,
    ),
    Kind.OCCUPATIONAL_APPLICATION: Rule(
        "documents/occupational_application.html",
        "2026.1",
        Role.LEGAL,
        _AIDED,
        (OCCUPATIONAL_CLAIM, NO_OCCUPATIONAL_DECISION),
        filed=True,
        state_hint=AIDED_HINT,
    ),
    Kind.RECONSIDERATION_APPLICATION: Rule(
        "documents/reconsideration_application.html",
        "2026.1",
        Role.LEGAL,
        _AIDED,
        (DECISION_RECEIVED, DECISION_ADVERSE),
        filed=True,
        state_hint=AIDED_HINT,
    ),
    # Filing and representation need a lawyer on the case.
    Kind.ARBITRATION_APPLICATION: Rule(
        "documents/arbitration_application.html",
        "2026.2",
        Role.LEGAL,
        _REPRESENTED,
        (HAS_LAWYER, LABOUR_DISPUTE, INJURY_READY, EMPLOYER_NAMED),
        filed=True,
        state_hint=REPRESENTED_HINT,
    ),
    Kind.CIVIL_COMPLAINT: Rule(
        "documents/civil_complaint.html",
        "2026.1",
        Role.LEGAL,
        _REPRESENTED,
        (HAS_LAWYER, TORT_CLAIM, DEFENDANT_NAMED),
        filed=True,
        state_hint=REPRESENTED_HINT,
    ),
    Kind.POWER_OF_ATTORNEY: Rule(
        "documents/power_of_attorney.html",
        "2026.2",
        Role.LEGAL,
        _REPRESENTED,
        (HAS_LAWYER,),
        filed=True,
        state_hint=REPRESENTED_HINT,
    ),
    # Once the work is done, before archiving (closing needs it; archiving then
    # stores a final version as the system, see generate.generate_on_archive).
    Kind.CLOSING_REPORT: Rule(
        "documents/closing_report.html",
        "2026.2",
        Role.LEGAL,
        frozenset({State.RESOLVED, State.REFERRED}),
        state_hint=gettext_lazy("办结或转介后才能生成。"),
    ),
}


def refusal(case, kind: str, user=None, facts: Facts | None = None) -> str | None:
    """Why `kind` cannot be generated for `case` now (by `user`; None: the system), or
    None when it can. An unknown kind or a role that never makes it reads as ''."""
    rule = RULES.get(kind)
    if rule is None or (user is not None and not rule.roles & roles_on(case, user)):
        return ""
    if case.state not in rule.states:
        return str(rule.state_hint)
    facts = facts or facts_of(case)
    for condition in rule.conditions:
        if not condition.check(facts):
            return str(condition.hint)
    return None


def kind_allowed(case, kind: str, user, facts: Facts | None = None) -> bool:
    """May `user` generate `kind` for `case` now? `user=None` is the system."""
    return refusal(case, kind, user, facts) is None


def offered(facts: Facts, state: str) -> list[str]:
    """The kinds the law offers for these facts in this state, whoever asks (pure)."""
    kinds = []
    for kind, rule in RULES.items():
        if state in rule.states and all(c.check(facts) for c in rule.conditions):
            kinds.append(kind)
    return [k for k in Kind.values if k in kinds]


def may_read(case, kind: str, user) -> bool:
    """May `user` open stored versions of `kind`? The roles that may produce it, in any
    state: a power of attorney carries the worker's full ID number and phone, and a
    station volunteer who may not make one may not read one either."""
    rule = RULES.get(kind)
    return rule is not None and bool(rule.roles & roles_on(case, user))


def available_kinds(case, user) -> list[str]:
    """Kinds this user may generate for this case now, in the order of Document.Kind."""
    facts = facts_of(case)
    return [kind for kind in Kind.values if kind_allowed(case, kind, user, facts)]


def unavailable(case, user) -> list[tuple[str, str]]:
    """(kind, why not) for the kinds this user could make on such a case but not now."""
    facts = facts_of(case)
    rows = []
    for kind in Kind.values:
        reason = refusal(case, kind, user, facts)
        if reason:
            rows.append((kind, reason))
    return rows
