"""Putting cases in front of lawyers: the ORM side of lawyers.routing (DESIGN §4, §6).

Every state change still goes through cases.workflow.apply_transition; this module
adds what surrounds it: the capacity check under a lock on the lawyer row, the
Assignment rows (one per offer and what became of it), routing onward after a
decline or an expired offer, and the sweep that expires unanswered offers.
"""

import logging

from django.db import transaction
from django.db.models import Case as Switch
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines.bookkeeping import annotate_next_deadline
from cases.models import Assignment, Case, CaseEvent, Deadline
from cases.workflow import CaseChanged, TransitionRefused, apply_transition
from lawyers import routing
from lawyers.models import Lawyer

log = logging.getLogger(__name__)

ACCEPT_RULE = "sla.lawyer_accept"
NO_ANSWER = "超时未答复"  # stored reason; shown through gettext where displayed


class AssignmentRefused(Exception):
    """The chosen lawyer may not take this case (capacity, area, conflict, ...)."""


# Lawyers who declined or let the offer lapse are out for this case, whoever assigns.
REFUSED = (Assignment.Status.DECLINED, Assignment.Status.EXPIRED)
# The router also never offers a case back to a lawyer it was reassigned away from:
# giving it back is a coordinator's decision (and ends their notes-only access).
NOT_SUGGESTED = (*REFUSED, Assignment.Status.REPLACED)


def excluded_lawyer_ids(case: Case, statuses=REFUSED) -> set[int]:
    return set(case.assignments.filter(status__in=statuses).values_list("lawyer_id", flat=True))


def opposing_names(case: Case) -> list[str]:
    return [p.name for p in case.parties.all()]


def suggest(case: Case, *, today=None) -> list[routing.Suggestion]:
    """Eligible lawyers for this case, best first, each with its explanation."""
    exclude = excluded_lawyer_ids(case, NOT_SUGGESTED)
    if case.lawyer_id:
        exclude.add(case.lawyer_id)  # reassigning: the current lawyer is not a new choice
    return routing.suggest(
        claims=case.claim_list,
        region_code=case.region_code,
        opposing_names=opposing_names(case),
        exclude_ids=exclude,
        today=today,
    )


def suggest_many(cases, *, today=None) -> dict[int, list[routing.Suggestion]]:
    """Suggestions for a page of cases in a fixed number of queries: one lawyer pool,
    one region-name lookup. The cases must have `parties` and `assignments` prefetched."""
    cases = list(cases)
    if not cases:
        return {}
    pool = routing.load_pool({c.region_code for c in cases}, today=today)
    prefixes = {r.prefix for lawyer in pool for r in lawyer.regions.all()}
    labels = routing.region_labels(prefixes)
    result = {}
    for case in cases:
        exclude = {a.lawyer_id for a in case.assignments.all() if a.status in NOT_SUGGESTED}
        result[case.pk] = routing.rank(
            pool,
            claims=case.claim_list,
            region_code=case.region_code,
            opposing_names=[p.name for p in case.parties.all()],
            exclude_ids=exclude,
            labels=labels,
            today=today,
        )
    return result


def _lock_and_check(case: Case, lawyer: Lawyer) -> Lawyer:
    """Lock the lawyer row, then count: a second coordinator assigning the same lawyer
    waits here until the first commits, and then counts the first's case."""
    locked = Lawyer.objects.select_for_update().get(pk=lawyer.pk)
    exclude = excluded_lawyer_ids(case)
    if case.lawyer_id:
        exclude.add(case.lawyer_id)
    problem = routing.why_not(
        locked,
        claims=case.claim_list,
        region_code=case.region_code,
        opposing_names=opposing_names(case),
        exclude_ids=exclude,
    )
    if problem:
        raise AssignmentRefused(problem)
    return locked


def _offer(case: Case, lawyer: Lawyer, user, name: str, **kwargs):
    now = timezone.now()
    event = apply_transition(
        case,
        name,
        user,
        lawyer=lawyer,
        data={"lawyer_id": lawyer.pk, "lawyer_name": lawyer.name, **kwargs.pop("data", {})},
        **kwargs,
    )
    Assignment.objects.create(case=case, lawyer=lawyer, assigned_by=user, assigned_at=now)
    Lawyer.objects.filter(pk=lawyer.pk).update(last_assigned_at=now)
    return event


def assign_case(case: Case, lawyer: Lawyer, user, *, expected_state=None, auto=False):
    """Assign an accepted case to a lawyer (user None: the router). Returns the event."""
    with transaction.atomic():
        locked = _lock_and_check(case, lawyer)
        return _offer(
            case,
            locked,
            user,
            "assign",
            expected_state=expected_state,
            data={"auto": auto},
        )


def auto_assign(case: Case, user, *, expected_state=None):
    """Assign to the best suggestion that still has room. Returns the event, or None
    when nobody is eligible. A lawyer who filled up meanwhile is skipped."""
    if expected_state is not None and case.state != expected_state:
        raise CaseChanged()
    for suggestion in suggest(case):
        try:
            with transaction.atomic():
                return assign_case(
                    case, suggestion.lawyer, user, expected_state=expected_state, auto=True
                )
        except AssignmentRefused:
            continue
    return None


def reassign_case(case: Case, lawyer: Lawyer, user, *, reason: str, expected_state=None):
    """Move an in-progress case to another lawyer, who must accept it anew."""
    with transaction.atomic():
        locked = _lock_and_check(case, lawyer)
        previous = case.lawyer_id
        event = _offer(
            case,
            locked,
            user,
            "reassign",
            expected_state=expected_state,
            note=reason,
            data={"previous_lawyer_id": previous},
        )
        Assignment.objects.filter(
            case=case,
            lawyer_id=previous,
            status__in=[Assignment.Status.ACCEPTED, Assignment.Status.PENDING],
        ).update(status=Assignment.Status.REPLACED, responded_at=timezone.now(), reason=reason)
        return event


def _close_accept_window(case: Case, status: str, reason: str = "") -> None:
    Deadline.objects.filter(case=case, rule=ACCEPT_RULE, status=Deadline.Status.OPEN).update(
        status=status, closed_at=timezone.now(), reason=reason
    )


def _settle_offer(case: Case, lawyer_id, status: str, reason: str = "") -> None:
    Assignment.objects.filter(
        case=case, lawyer_id=lawyer_id, status=Assignment.Status.PENDING
    ).update(status=status, responded_at=timezone.now(), reason=reason)


def accept_case(case: Case, user, *, expected_state=None):
    """The assigned lawyer takes the case."""
    with transaction.atomic():
        lawyer_id = case.lawyer_id
        event = apply_transition(case, "accept", user, expected_state=expected_state)
        _settle_offer(case, lawyer_id, Assignment.Status.ACCEPTED)
        _close_accept_window(case, Deadline.Status.DONE)
        return event


def route_onward(case: Case):
    """After a decline or an expired offer: offer the case to the next candidate
    (as the system), or leave it on the coordinator's board. Returns the new event or None."""
    try:
        with transaction.atomic():
            return auto_assign(case, None)
    except (CaseChanged, TransitionRefused) as exc:
        log.info("case %s not routed onward: %s", case.number, exc)
        return None


def decline_case(case: Case, user, *, reason: str, expected_state=None):
    """The assigned lawyer declines with a reason; the router tries the next lawyer."""
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentRefused(_("请填写拒绝理由。"))
    with transaction.atomic():
        case.refresh_from_db()
        lawyer = case.lawyer
        if lawyer is None:
            raise TransitionRefused(_("当前状态下不能执行此操作。"))
        event = apply_transition(
            case,
            "decline",
            user,
            expected_state=expected_state,
            note=reason,
            data={"lawyer_id": lawyer.pk, "lawyer_name": lawyer.name},
            reason=reason,
        )
        _settle_offer(case, lawyer.pk, Assignment.Status.DECLINED, reason)
        _close_accept_window(case, Deadline.Status.DONE, reason)
        route_onward(case)
        return event


def expire_offer(case: Case, deadline: Deadline | None = None):
    """The acceptance window passed without an answer (the scheduler; no user).

    With a deadline, a guarded update on it decides who runs the expiry: a second
    sweep, or one that reads a window already closed, finds nothing to do."""
    with transaction.atomic():
        if deadline is not None:
            claimed = Deadline.objects.filter(pk=deadline.pk, status=Deadline.Status.OPEN).update(
                status=Deadline.Status.MISSED, closed_at=timezone.now(), reason=NO_ANSWER
            )
            if not claimed:
                return None
        case.refresh_from_db()
        lawyer = case.lawyer
        if lawyer is None:
            raise TransitionRefused(_("当前状态下不能执行此操作。"))
        event = apply_transition(
            case,
            "expire",
            None,
            expected_state=Case.State.ASSIGNED,
            note=NO_ANSWER,
            data={"lawyer_id": lawyer.pk, "lawyer_name": lawyer.name},
        )
        _settle_offer(case, lawyer.pk, Assignment.Status.EXPIRED, NO_ANSWER)
        _close_accept_window(case, Deadline.Status.MISSED, NO_ANSWER)
        route_onward(case)
        return event


def expire_overdue(today=None) -> int:
    """Expire every offer whose acceptance window has passed. Safe to run twice and
    beside another worker: a case that moved on is skipped. Returns how many expired."""
    today = today or timezone.localdate()
    due = (
        Deadline.objects.filter(
            rule=ACCEPT_RULE,
            status=Deadline.Status.OPEN,
            due_date__lt=today,
            case__state=Case.State.ASSIGNED,
        )
        .select_related("case")
        .order_by("due_date", "pk")
    )
    expired = 0
    for deadline in due:
        try:
            event = expire_offer(deadline.case, deadline)
        except (CaseChanged, TransitionRefused) as exc:
            log.info("offer on %s not expired: %s", deadline.case.number, exc)
            continue
        expired += event is not None
    return expired


# ---------------------------------------------------------------------------
# Lists: the lawyer's queue and the coordinator's board


def _accept_due():
    return Min(
        "deadlines__due_date",
        filter=Q(deadlines__rule=ACCEPT_RULE, deadlines__status=Deadline.Status.OPEN),
    )


def _search(queryset, q: str):
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(
        Q(number__icontains=q) | Q(worker__name__icontains=q) | Q(station__name__icontains=q)
    )


# What a queue row shows; the facts, evidence and the raw phone stay in the database.
QUEUE_FIELDS = [
    "number",
    "state",
    "claims",
    "assigned_at",
    "lawyer_accepted_at",
    "worker__name",
    "station__name",
]


def lawyer_queue(lawyer: Lawyer, *, claim: str = "", state: str = "", q: str = ""):
    """The lawyer's open cases, most urgent first, and the count in each section.

    Awaiting acceptance first (oldest offer first); then in progress by the nearest open
    deadline that binds the worker side (none last), then the longest since acceptance.
    """
    base = Case.objects.filter(
        lawyer=lawyer, state__in=[Case.State.ASSIGNED, Case.State.IN_PROGRESS]
    )
    if claim:
        base = base.with_claim(claim)
    base = _search(base, q)
    counts = base.aggregate(
        awaiting=Count("pk", filter=Q(state=Case.State.ASSIGNED)),
        in_progress=Count("pk", filter=Q(state=Case.State.IN_PROGRESS)),
    )
    rows = base.filter(state=state) if state else base
    rows = (
        annotate_next_deadline(
            # The phone as stored text: masking it needs no PhoneNumber parsing per row.
            rows.select_related("worker", "station").only(*QUEUE_FIELDS)
        )
        .annotate(
            worker_phone=Cast("worker__phone", CharField()),
            accept_due=_accept_due(),
            section=Switch(
                When(state=Case.State.ASSIGNED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by(
            "section",
            F("next_deadline_due").asc(nulls_last=True),
            "lawyer_accepted_at",
            "assigned_at",
            "pk",
        )
    )
    return rows, counts


def board_queues(user, *, q: str = ""):
    """Two querysets for the coordinator's board: accepted cases waiting for a lawyer
    (parties and past offers prefetched for routing), and offers not yet answered."""
    visible = _search(Case.objects.visible_to(user), q)
    waiting = (
        visible.filter(state=Case.State.ACCEPTED)
        .select_related("worker", "station")
        .prefetch_related(
            "parties",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("lawyer").order_by("-assigned_at"),
            ),
        )
        .order_by("accepted_at", "pk")
    )
    offered = (
        visible.filter(state=Case.State.ASSIGNED)
        .select_related("worker", "station", "lawyer")
        .annotate(accept_due=_accept_due())
        .order_by(F("accept_due").asc(nulls_last=True), "assigned_at", "pk")
    )
    return waiting, offered


# ---------------------------------------------------------------------------
# After a reassignment (DESIGN §4: the old lawyer keeps read access to their own notes)


def handed_over(lawyer: Lawyer):
    """The cases reassigned away from this lawyer, most recent first, each with the
    date it left them and how many notes they wrote on it."""
    own_notes = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=CaseEvent.Kind.NOTE, actor=lawyer.user)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    handed_over_at = (
        Assignment.objects.filter(
            case=OuterRef("pk"), lawyer=lawyer, status=Assignment.Status.REPLACED
        )
        .order_by()
        .values("case")
        .annotate(at=Max("responded_at"))
        .values("at")
    )
    return (
        Case.objects.handed_over_by(lawyer)
        .annotate(handed_over_at=Subquery(handed_over_at), own_notes=Subquery(own_notes))
        .order_by("-handed_over_at", "-pk")
    )


def own_notes(case: Case, user):
    return case.events.filter(kind=CaseEvent.Kind.NOTE, actor=user).order_by("at", "pk")
