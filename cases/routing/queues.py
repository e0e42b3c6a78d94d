"""The lists of routing: the lawyer's queue, the coordinator's assignment board, and
what a lawyer keeps of a case reassigned away from them."""

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

from cases.deadlines.bookkeeping import ACCEPT_RULE, annotate_next_deadline
from cases.models import Assignment, Case, CaseEvent, Deadline
from lawyers.models import Lawyer


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
# After a reassignment: the old lawyer keeps reading their own notes


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
