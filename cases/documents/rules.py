"""Which document may be made, by whom, and when: the one table of document rules.

A row says the template (and its version, bumped when its layout or wording changes),
who needs the document (roles on the case, cases.permissions.Role), the states where
it makes sense, and the conditions on the case, with the reason shown when one fails.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from cases import claims
from cases.models import Case, Document
from cases.permissions import Role, roles_on

Kind = Document.Kind
State = Case.State


def _claims_injury(case) -> bool:
    return claims.is_injury_like(case.claim_list)


def _has_lawyer(case) -> bool:
    return case.lawyer_id is not None


@dataclass(frozen=True)
class Rule:
    template: str
    version: str  # bump when the template's layout or wording changes
    roles: frozenset
    states: frozenset
    conditions: tuple = ()
    # Shown when the state and role fit but a condition does not.
    condition_hint: str = ""


# Archived cases (closed, withdrawn) are read-only: no state below includes them.
_WORKING = frozenset(set(State.values) - {State.CLOSED, State.WITHDRAWN})

RULES: dict[str, Rule] = {
    # Any time the case is worked: the worker may come back for a lost receipt.
    Kind.RECEIPT: Rule("documents/receipt.html", "2026.1", Role.STAFF, _WORKING),
    # From intake on; not for a case that went elsewhere.
    Kind.LEGALAID_APPLICATION: Rule(
        "documents/legalaid_application.html",
        "2026.1",
        Role.ALL,
        _WORKING - {State.REFERRED},
    ),
    # Only for an injury claim accepted for aid and still being worked.
    Kind.INJURY_APPLICATION: Rule(
        "documents/injury_application.html",
        "2026.1",
        Role.LEGAL,
        frozenset({State.ACCEPTED, State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED}),
        (_claims_injury,),
        gettext_lazy("仅适用于工伤或职业伤害类案件"),
    ),
    # Filing and representation need a lawyer on the case.
    Kind.ARBITRATION_APPLICATION: Rule(
        "documents/arbitration_application.html",
        "2026.1",
        Role.LEGAL,
        frozenset({State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED}),
        (_has_lawyer,),
    ),
    Kind.POWER_OF_ATTORNEY: Rule(
        "documents/power_of_attorney.html",
        "2026.1",
        Role.LEGAL,
        frozenset({State.ASSIGNED, State.IN_PROGRESS, State.RESOLVED}),
        (_has_lawyer,),
    ),
    # Once the work is done, before archiving (closing needs it).
    Kind.CLOSING_REPORT: Rule(
        "documents/closing_report.html",
        "2026.1",
        Role.LEGAL,
        frozenset({State.RESOLVED, State.REFERRED}),
    ),
}


def kind_allowed(case, kind: str, user) -> bool:
    """May `user` generate `kind` for `case` now? `user=None` is the system (state rules only)."""
    rule = RULES.get(kind)
    if rule is None or case.state not in rule.states:
        return False
    if not all(condition(case) for condition in rule.conditions):
        return False
    return user is None or bool(rule.roles & roles_on(case, user))


def may_read(case, kind: str, user) -> bool:
    """May `user` open stored versions of `kind`? The roles that may produce it, in any
    state: a power of attorney carries the worker's full ID number and phone, and a
    station volunteer who may not make one may not read one either."""
    rule = RULES.get(kind)
    return rule is not None and bool(rule.roles & roles_on(case, user))


def available_kinds(case, user) -> list[str]:
    """Kinds this user may generate for this case now, in the order of Document.Kind."""
    return [kind for kind in Kind.values if kind_allowed(case, kind, user)]
