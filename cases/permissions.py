"""Who may do what: every access rule of the case app, and the guards views use.

Two kinds of rule live here:

- **Staff roles** (`is_station_staff`, `is_coordinator`, `is_lawyer`): what a person
  is, whatever the case. They decide which lists and boards a user may open.
- **Roles on one case** (`roles_on`): the part a user plays on this case — a volunteer
  at its station, a coordinator whose scope covers it, its assigned lawyer. The
  predicates below (`may_coordinate`, `may_work`, …) combine them; the state machine's
  `permission=` arguments, the document table and the views all call these.

Anything a user may not see is a 404 (PIPL: not even its existence), through
`get_case_for` and the `*_or_404` guards. Superusers play every role. A guard's 404 is
`accounts.security.Denied`, which the security log records as a permission denial
(a case number that exists nowhere is an ordinary 404: a typo, not a denial).

Archived cases (closed, withdrawn) are read-only: `ensure_editable` is what every
domain write calls first, so a page loaded before the case was archived, the admin,
a task or a script all get the same refusal.
"""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.security import Denied
from stations.models import Access
from stations.regions import scope_q

# ---------------------------------------------------------------------------
# Staff roles


def is_station_staff(user) -> bool:
    """Volunteers and coordinators register requests and follow stations' cases."""
    if not user.is_authenticated:
        return False
    access = Access.of(user)
    return user.is_superuser or access.is_volunteer or access.is_coordinator


def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or Access.of(user).is_coordinator)


def coordinated_cases(user, field: str = "region_code") -> Q:
    """The cases (or rows of cases, through `field`) in the user's coordinating scope:
    what triage, the assignment and deadline boards show."""
    if user.is_superuser:
        return Q()
    return scope_q(field, Access.of(user).scopes)


def only_own_stations(user) -> bool:
    """A volunteer who coordinates nothing sees their stations' cases, not a region's."""
    access = Access.of(user)
    return access.is_volunteer and not access.is_coordinator and not user.is_superuser


def lawyer_of(user):
    """The user's Lawyer profile, or None."""
    return getattr(user, "lawyer", None) if user.is_authenticated else None


def visible_cases(user) -> Q:
    """The cases a user may open: their stations' cases, their regions' cases, and the
    cases they are the lawyer of. Anything else must be a 404."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    access = Access.of(user)
    query = Q(station_id__in=access.station_ids) | scope_q("region_code", access.scopes)
    lawyer = lawyer_of(user)
    if lawyer is not None:
        query |= Q(lawyer=lawyer)
    return query


# ---------------------------------------------------------------------------
# Roles on one case


class Role:
    """The part a user plays on one case (not their global role)."""

    STATION = "station"  # a volunteer at the case's station
    COORDINATOR = "coordinator"  # a coordinator whose scope covers the case
    LAWYER = "lawyer"  # the assigned lawyer

    ALL = frozenset({STATION, COORDINATOR, LAWYER})
    STAFF = frozenset({STATION, COORDINATOR})  # the union's own people
    LEGAL = frozenset({COORDINATOR, LAWYER})  # who carries the legal work


def roles_on(case, user) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return Role.ALL
    access = Access.of(user)
    roles = set()
    if case.station_id in access.station_ids:
        roles.add(Role.STATION)
    if access.is_coordinator and access.covers(case.region_code):
        roles.add(Role.COORDINATOR)
    lawyer = lawyer_of(user)
    if lawyer is not None and case.lawyer_id == lawyer.pk:
        roles.add(Role.LAWYER)
    return frozenset(roles)


# The state machine calls these as permission(case, user); apply_transition enforces them.


def may_decide_at_intake(case, user) -> bool:
    """Resolve a consultation on the spot: the station or its coordinators."""
    return bool(roles_on(case, user) & Role.STAFF)


def may_coordinate(case, user) -> bool:
    return Role.COORDINATOR in roles_on(case, user)


def is_assigned_lawyer(case, user) -> bool:
    return Role.LAWYER in roles_on(case, user)


def may_resolve(case, user) -> bool:
    """Record outcomes, milestones and deadline changes: the lawyer or a coordinator."""
    return bool(roles_on(case, user) & Role.LEGAL)


def may_work(case, user) -> bool:
    """Anyone working the case: evidence, attachments, revealing the worker's data."""
    return bool(roles_on(case, user))


def may_answer_worker(case, user) -> bool:
    """A worker's request about their personal data (PIPL 44–47): a copy, a correction.
    The union's own people on the case answer it (the station, its coordinators); the
    lawyer works the claim, not the union's records."""
    return bool(roles_on(case, user) & Role.STAFF)


def may_edit_deadlines(case, user) -> bool:
    """Milestones and deadline changes; volunteers only see them."""
    return may_resolve(case, user) and not case.is_archived


def nobody(case, user) -> bool:
    """For transitions only the scheduler runs."""
    return False


# ---------------------------------------------------------------------------
# Archived cases


class CaseArchived(Exception):
    """The case is closed or withdrawn: its record is read-only, notes excepted."""

    def __init__(self):
        super().__init__(_("本案已归档，资料不能再修改；仍可添加备注。"))


def ensure_editable(case) -> None:
    if case.is_archived:
        raise CaseArchived()


# ---------------------------------------------------------------------------
# View guards: 404 for anything the user may not see or do


def get_case_for(user, number: str):
    """The one way views reach a case: anything outside the user's scope is a 404."""
    from cases.models import Case  # models import this module for their permission= arguments

    queryset = Case.objects.visible_to(user).select_related("worker", "station", "lawyer")
    case = queryset.filter(number=number).first()
    if case is not None:
        return case
    if Case.objects.filter(number=number).exists():
        raise Denied(case=number, check="visible_cases")
    raise Http404


def case_or_404(user, number: str, predicate):
    """The case, if the user may see it and `predicate(case, user)` holds; else 404."""
    case = get_case_for(user, number)
    if not predicate(case, user):
        raise Denied(case=number, check=predicate.__name__)
    return case


def require(check, user) -> None:
    """404 unless `check(user)`: staff pages are invisible to other roles."""
    if not check(user):
        raise Denied(check=check.__name__)


def lawyer_or_404(user):
    lawyer = lawyer_of(user)
    if lawyer is None:
        raise Denied(check="lawyer_of")
    return lawyer


# ---------------------------------------------------------------------------
# Statistics: coordinators see their scope's figures in full, each linking to the cases
# behind it; analysts see aggregates over their scope prefix with small cells hidden,
# and never a case (they have no case scope at all).


class StatisticsView:
    """How one user sees the statistics of one region prefix ("" is the country)."""

    def __init__(self, prefix: str, *, suppressed: bool):
        self.prefix = prefix
        self.suppressed = suppressed  # analysts: cells under 5 shown as "<5", and more
        self.links = not suppressed  # coordinators: each figure links to its cases


def may_see_statistics(user) -> bool:
    if not user.is_authenticated:
        return False
    access = Access.of(user)
    return user.is_superuser or access.is_coordinator or access.is_analyst


def statistics_home(user) -> str:
    """The region prefix a user's statistics open on: the widest they may see."""
    if user.is_superuser:
        return ""
    access = Access.of(user)
    scopes = access.scopes if access.is_coordinator else []
    return min([*scopes, *access.analyst_scopes], key=len, default="")


def statistics_view(user, prefix: str) -> StatisticsView:
    """404 unless the user may see this region's statistics; coordinating wins over
    analysing (a coordinator who is also an analyst sees their own scope unsuppressed)."""
    if not user.is_authenticated:
        raise Http404
    if user.is_superuser:
        return StatisticsView(prefix, suppressed=False)
    access = Access.of(user)
    if access.is_coordinator and any(prefix.startswith(s) for s in access.scopes):
        return StatisticsView(prefix, suppressed=False)
    if any(prefix.startswith(s) for s in access.analyst_scopes):
        return StatisticsView(prefix, suppressed=True)
    raise Http404
