"""Offers of a case to lawyers: who the router suggests, the capacity check under a
lock on the lawyer row, and the Assignment rows (one per offer, and what became of it).

`lawyers.routing` is the pure ranking; this module is its ORM side. The functions at
the bottom are effects of transitions: `cases.workflow` runs them inside the
transition's transaction, so an assignment never exists without its Assignment row,
and the lawyer's capacity is checked under the same lock every time.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Assignment, Case
from lawyers import routing
from lawyers.models import Lawyer


class AssignmentRefused(Exception):
    """The chosen lawyer may not take this case (capacity, area, conflict, ...)."""


# Lawyers who declined or let the offer lapse are out for this case, whoever assigns.
REFUSED = (Assignment.Status.DECLINED, Assignment.Status.EXPIRED)
# The router also never offers a case back to a lawyer it was reassigned away from:
# giving it back is a coordinator's decision (and ends their notes-only access).
NOT_SUGGESTED = (*REFUSED, Assignment.Status.REPLACED)

# What an open offer becomes when its transition runs.
SETTLES = {
    "accept": Assignment.Status.ACCEPTED,
    "decline": Assignment.Status.DECLINED,
    "expire": Assignment.Status.EXPIRED,
    "withdraw": Assignment.Status.WITHDRAWN,
}
NO_ANSWER = _("超时未答复")


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


# ---------------------------------------------------------------------------
# Effects of transitions (cases.workflow runs them inside the transaction)


def reserve_lawyer(step) -> None:
    """Before assign and reassign: lock the lawyer row, then check. A second
    coordinator assigning the same lawyer waits here until the first commits, and
    then counts the first's case."""
    case = step.case
    locked = Lawyer.objects.select_for_update().get(pk=step.kwargs["lawyer"].pk)
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
    step.kwargs["lawyer"] = locked
    step.data.update(lawyer_id=locked.pk, lawyer_name=locked.name)
    if case.lawyer_id:
        step.data["previous_lawyer_id"] = case.lawyer_id


def note_leaving_lawyer(step) -> None:
    """Before decline and expire: the event remembers who the offer was to."""
    lawyer = step.case.lawyer
    if lawyer is not None:
        step.data.update(lawyer_id=lawyer.pk, lawyer_name=lawyer.name)


def record_offer(step) -> None:
    """After assign and reassign: the offer's row, and the lawyer's last-assigned time
    (the router's tie-break). A reassignment replaces the previous lawyer's rows."""
    now = step.event.at
    previous = step.data.get("previous_lawyer_id")
    if previous:
        Assignment.objects.filter(
            case=step.case,
            lawyer_id=previous,
            status__in=[Assignment.Status.ACCEPTED, Assignment.Status.PENDING],
        ).update(status=Assignment.Status.REPLACED, responded_at=now, reason=step.event.note)
    lawyer = step.case.lawyer
    Assignment.objects.create(
        case=step.case, lawyer=lawyer, assigned_by=step.event.actor, assigned_at=now
    )
    Lawyer.objects.filter(pk=lawyer.pk).update(last_assigned_at=now)


def settle_offer(step) -> None:
    """After accept, decline, expire and withdraw: the open offer gets its answer."""
    reason = step.event.note or step.kwargs.get("reason", "")
    if step.name == "expire":
        reason = str(NO_ANSWER)
    offers = Assignment.objects.filter(case=step.case, status=Assignment.Status.PENDING)
    if step.name != "withdraw":
        offers = offers.filter(lawyer_id=step.previous_lawyer_id)
    offers.update(status=SETTLES[step.name], responded_at=timezone.now(), reason=reason)
