"""The one write path for case state, and the one table of transitions.

A transition is declared once, in TRANSITIONS: its name in words, the form that asks
for its arguments, the SMS the worker gets, and its effects. The state change itself
(which fields, from which states, who may, on which conditions) is the django-fsm
method on `Case` of the same name.

`apply_transition` is the only code that changes `Case.state`. Inside one transaction
it:

1. locks the case row and checks the state the user saw (`expected_state`);
2. checks the transition's conditions (a refusal says why), then who may run it;
3. runs the `prepare` hooks, which may refuse (the lawyer's capacity, under a lock);
4. runs the django-fsm method and saves with the concurrency guard;
5. writes the CaseEvent;
6. runs the `effects` (deadline clocks, the lawyer's offer, routing onward);
7. adds the change in the case's statistics facts to the rollup (cases/statistics/rollup.py);

and, after commit, queues the notices (the worker's SMS, the lawyer's and the
coordinators' notices). So `apply_transition(case, "assign", user, lawyer=l)` from a
page, the router, the demo or a test does the same complete thing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed, has_transition_perm

from cases import events, forms
from cases.calculations import record as _calculations  # noqa: F401 - declares its log kind
from cases.deadlines import bookkeeping
from cases.documents import generate as documents
from cases.documents import particulars as _particulars  # noqa: F401 - declares its log kind
from cases.models import Case, CaseEvent, Deadline
from cases.models.case import eligibility_refusal
from cases.notices import notify
from cases.routing import offers
from cases.statistics import rollup

# ---------------------------------------------------------------------------
# Refusals


class CaseChanged(Exception):
    """Someone else changed the case since the user loaded it."""

    def __init__(self):
        super().__init__(_("该案件刚被他人更新，请刷新后重试"))


class TransitionRefused(Exception):
    """The user may not run this transition, or its conditions are not met."""


# Sent inside the transition's transaction, after its event and effects, with
# `event` (the CaseEvent): what other apps record about a change must commit or roll
# back with it (the API's webhook deliveries, api/webhooks.py).
transition_recorded = Signal()


# ---------------------------------------------------------------------------
# The table


@dataclass
class Step:
    """One run of a transition, as the hooks see it."""

    case: Case  # the locked row, changed in place by the transition
    name: str
    user: object  # None: the system
    kwargs: dict  # the transition method's arguments (hooks may replace them)
    data: dict  # what the CaseEvent's data will hold (hooks may add to it)
    note: str = ""  # what the user typed about it (the event's note)
    source: str = ""
    previous_lawyer_id: int | None = None
    event: CaseEvent | None = None


Hook = Callable[[Step], None]


@dataclass(frozen=True)
class Transition:
    label: Promise  # the action's name: buttons' titles, the case log, messages
    form: type | None = None  # the case page's form for it; None: its own page or none
    worker_sms: str | None = None  # template in cases.notices.sms.TEMPLATES
    prepare: tuple[Hook, ...] = ()  # before the change; may refuse
    effects: tuple[Hook, ...] = ()  # after the change and its event
    system: bool = False  # the scheduler or the router may run it without a user
    hint: Promise | None = None  # shown where the action is offered
    # What the user usually does next, linked from the confirmation: (words, URL name
    # taking the case number).
    then: tuple[Promise, str] | None = None


REASON_MISSING = {
    "decline": gettext_lazy("请填写拒绝理由。"),
    "reassign": gettext_lazy("请填写改派原因。"),
}


def _reason_given(step: Step) -> None:
    if not (step.note or str(step.kwargs.get("reason", ""))).strip():
        raise TransitionRefused(REASON_MISSING[step.name])


def _window_passed(step: Step) -> None:
    """The sweep expires an offer only once its acceptance window has passed; checked
    under the case lock, so an offer renewed since the sweep read it is left alone."""
    today = step.kwargs.pop("today", None) or timezone.localdate()
    if not bookkeeping.acceptance_overdue(step.case, today):
        raise TransitionRefused(_("律师的答复期限尚未届满。"))


def _eligibility_allowed(step: Step) -> None:
    problem = eligibility_refusal(step.case, step.kwargs.get("eligibility", ""))
    if problem:
        raise TransitionRefused(problem)


def _route_onward(step: Step) -> None:
    route_onward(step.case)


TRANSITIONS: dict[str, Transition] = {
    "resolve_at_intake": Transition(gettext_lazy("当场解答办结"), form=forms.ResolveAtIntakeForm),
    "accept_for_aid": Transition(
        gettext_lazy("受理法律援助"),
        form=forms.AcceptForAidForm,
        worker_sms="case_accepted",
        prepare=(_eligibility_allowed,),
        effects=(bookkeeping.open_assignment_clock,),
        then=(gettext_lazy("分派律师"), "cases:assign"),
    ),
    "refer": Transition(gettext_lazy("转介"), form=forms.ReferForm, worker_sms="case_referred"),
    "assign": Transition(
        gettext_lazy("分配律师"),
        prepare=(offers.reserve_lawyer,),
        effects=(offers.record_offer, bookkeeping.open_acceptance_window),
        system=True,
    ),
    "accept": Transition(
        gettext_lazy("律师接案"),
        worker_sms="lawyer_accepted",
        effects=(offers.settle_offer, bookkeeping.close_acceptance_window),
    ),
    "decline": Transition(
        gettext_lazy("律师拒绝"),
        prepare=(_reason_given, offers.note_leaving_lawyer),
        effects=(offers.settle_offer, bookkeeping.close_acceptance_window, _route_onward),
    ),
    "expire": Transition(
        gettext_lazy("律师超时未答复"),
        prepare=(_window_passed, offers.note_leaving_lawyer),
        effects=(offers.settle_offer, bookkeeping.close_acceptance_window, _route_onward),
        system=True,
    ),
    "reassign": Transition(
        gettext_lazy("改派律师"),
        prepare=(_reason_given, offers.reserve_lawyer),
        effects=(offers.record_offer, bookkeeping.open_acceptance_window),
    ),
    "resolve": Transition(
        gettext_lazy("办结"),
        form=forms.ResolveForm,
        worker_sms="case_resolved",
        effects=(bookkeeping.end_service_levels,),
    ),
    "reopen": Transition(gettext_lazy("重新办理"), form=forms.ReopenForm),
    "close": Transition(
        gettext_lazy("归档"),
        form=forms.CloseForm,
        effects=(bookkeeping.settle_all, documents.generate_on_archive),
    ),
    "withdraw": Transition(
        gettext_lazy("撤回"),
        form=forms.WithdrawForm,
        worker_sms="case_withdrawn",
        effects=(bookkeeping.settle_all, offers.settle_offer),
    ),
}


def label_of(name: str) -> str:
    spec = TRANSITIONS.get(name)
    return str(spec.label) if spec else name


# ---------------------------------------------------------------------------
# The write path


def apply_transition(
    case: Case,
    name: str,
    user,
    *,
    expected_state: str | None = None,
    note: str = "",
    data: dict | None = None,
    **kwargs,
) -> CaseEvent:
    """Run transition `name` on `case` as `user` (None: the system). Returns the event.

    `expected_state` is the state the user saw when they loaded the page: if the case
    has moved on since, they get CaseChanged instead of acting on a stale page. The
    caller's `case` is updated to what was saved.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise TransitionRefused(_("未知的操作。"))
    with transaction.atomic():
        # The lock makes transitions of one case run one after the other: the state,
        # the conditions and the effects all see the same case.
        fresh = (
            Case.objects.select_for_update(of=("self",))
            .select_related("worker", "station", "lawyer")
            .get(pk=case.pk)
        )
        if expected_state is not None and fresh.state != expected_state:
            raise CaseChanged()
        method = getattr(fresh, name)
        if not method._django_fsm.has_transition(fresh.state):
            raise TransitionRefused(_("当前状态下不能执行此操作。"))
        # Conditions first: "请先生成结案报告" says more than "no permission", and
        # django-fsm's has_transition_perm folds failed conditions into the latter.
        reason = fresh.refusal(name)
        if reason:
            raise TransitionRefused(reason)
        if user is None:
            if not spec.system:
                raise TransitionRefused(_("该操作需要由工作人员执行。"))
        elif not has_transition_perm(method, user):
            raise TransitionRefused(_("您没有权限对该案件执行此操作。"))
        step = Step(
            case=fresh,
            name=name,
            user=user,
            kwargs=dict(kwargs),
            data=dict(data or {}),
            note=note,
            source=fresh.state,
            previous_lawyer_id=fresh.lawyer_id,
        )
        for hook in spec.prepare:
            hook(step)
        # The statistics rollup gets the difference the change and its effects make to
        # the case's facts (cases/statistics/rollup.py), in this transaction.
        with rollup.tracking(fresh):
            try:
                method(**step.kwargs)
                fresh.save()
            except ConcurrentTransition:
                raise CaseChanged() from None
            except TransitionNotAllowed as exc:
                raise TransitionRefused(str(exc)) from None
            step.event = events.record_transition(
                fresh, name, step.source, fresh.state, actor=user, note=note, **step.data
            )
            for hook in spec.effects:
                hook(step)
        transition_recorded.send(sender=Case, event=step.event)
        event_id, template = step.event.pk, spec.worker_sms
        # robust: the state change is committed; a failing notice must not turn into a 500.
        transaction.on_commit(lambda: notify.transition_done(event_id, template), robust=True)
    case.refresh_from_db()
    return step.event


# ---------------------------------------------------------------------------
# What the case page offers


@dataclass
class Action:
    """A transition as the case page shows it: with its form, or with why not now."""

    name: str
    spec: Transition
    form: object = None
    reason: str = ""
    links: list = field(default_factory=list)  # (words, href): where to meet the condition


def offered(case: Case, user) -> list[Action]:
    """Every transition from the case's state that this user may run, in table order:
    ready ones with their form, blocked ones with the reason."""
    actions = []
    for name, spec in TRANSITIONS.items():
        method = getattr(case, name)
        if not method._django_fsm.has_transition(case.state):
            continue
        transition_ = method._django_fsm.get_transition(case.state)
        if user is None or not transition_.has_perm(case, user):
            continue
        check = case.unmet_condition(name)
        action = Action(name=name, spec=spec, reason=str(check.message) if check else "")
        if check is not None and check.fix:
            action.links.append((str(check.fix[0]), check.fix[1]))
        actions.append(action)
    return actions


def available_transitions(case: Case, user) -> list[str]:
    """Names of the transitions this user could run on this case now."""
    return [a.name for a in offered(case, user) if not a.reason]


def form_for(name: str, case: Case, data=None, **kwargs):
    """The transition's form for this case, labelled from the table."""
    spec = TRANSITIONS[name]
    form = spec.form(data, case=case, **kwargs)
    form.label = spec.label
    return form


# ---------------------------------------------------------------------------
# The router and the scheduler: transitions run by the system


def auto_assign(case: Case, user, *, expected_state=None) -> CaseEvent | None:
    """Assign to the best suggestion that still has room. Returns the event, or None
    when nobody is eligible. A lawyer who filled up meanwhile is skipped."""
    if expected_state is not None and case.state != expected_state:
        raise CaseChanged()
    for suggestion in offers.suggest(case):
        try:
            with transaction.atomic():
                return apply_transition(
                    case,
                    "assign",
                    user,
                    expected_state=expected_state,
                    lawyer=suggestion.lawyer,
                    data={"auto": True},
                )
        except offers.AssignmentRefused:
            continue
    return None


def route_onward(case: Case) -> CaseEvent | None:
    """After a decline or an expired offer: offer the case to the next candidate (as the
    system), or leave it on the coordinator's board."""
    try:
        with transaction.atomic():
            return auto_assign(case, None, expected_state=Case.State.ACCEPTED)
    except (CaseChanged, TransitionRefused):
        return None


def expire_overdue(today: datetime.date | None = None) -> int:
    """Expire every offer whose acceptance window has passed. Safe to run twice and
    beside another worker: the case lock and the condition decide, so a case that
    moved on is skipped. Returns how many expired."""
    today = today or timezone.localdate()
    due = (
        Deadline.objects.filter(
            rule=bookkeeping.ACCEPT_RULE,
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
            apply_transition(
                deadline.case,
                "expire",
                None,
                expected_state=Case.State.ASSIGNED,
                note=str(offers.NO_ANSWER),
                today=today,
            )
        except (CaseChanged, TransitionRefused):
            continue
        expired += 1
    return expired


# ---------------------------------------------------------------------------
# How transitions read in the case log


def _transition_text(event) -> str:
    states = dict(Case.State.choices)
    text = _("%(action)s：%(source)s → %(target)s") % {
        "action": label_of(event.transition),
        "source": states.get(event.source_state, event.source_state),
        "target": states.get(event.target_state, event.target_state),
    }
    if event.data.get("lawyer_name"):
        text += _("（律师：%(name)s）") % {"name": event.data["lawyer_name"]}
    return text


events.declare(
    CaseEvent.Kind.TRANSITION,
    data=("lawyer_id", "lawyer_name", "previous_lawyer_id", "auto"),
    describe=_transition_text,
)
