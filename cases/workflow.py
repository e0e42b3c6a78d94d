"""The one write path for case state (DESIGN §4, STYLE "State machine").

`apply_transition` checks who may act, runs the django-fsm transition inside a
transaction, saves with the concurrency guard, writes the CaseEvent, lets the
deadline and routing bookkeeping react, and queues notifications after commit.
Nothing else changes `Case.state`.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from cases.models import Case, CaseEvent

# Transitions the scheduler (no user) may run.
SYSTEM_TRANSITIONS = {"expire", "assign"}


class CaseChanged(Exception):
    """Someone else changed the case since the user loaded it."""

    def __init__(self):
        super().__init__(_("该案件刚被他人更新，请刷新后重试"))


class TransitionRefused(Exception):
    """The user may not run this transition, or its conditions are not met."""


def available_transitions(case: Case, user) -> list[str]:
    """Names of the transitions this user could run on this case now."""
    return [t.name for t in case.get_available_user_state_transitions(user)]


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
    has moved on since, they get CaseChanged instead of acting on a stale page.
    """
    from cases.deadlines import bookkeeping as schedule
    from cases.notices import notify

    with transaction.atomic():
        fresh = Case.objects.select_related("worker", "station", "lawyer").get(pk=case.pk)
        if expected_state is not None and fresh.state != expected_state:
            raise CaseChanged()
        method = getattr(fresh, name, None)
        if method is None or not hasattr(method, "_django_fsm"):
            raise TransitionRefused(_("未知的操作。"))
        # Conditions first: "请先生成结案报告" is more useful than a permission message,
        # and django-fsm's has_transition_perm would fold failed conditions into "no permission".
        if not can_proceed(method, check_conditions=False):
            raise TransitionRefused(_("当前状态下不能执行此操作。"))
        unmet = [
            c for c in method._django_fsm.get_transition(fresh.state).conditions if not c(fresh)
        ]
        if unmet:
            raise TransitionRefused(getattr(unmet[0], "message", _("当前条件下不能执行此操作。")))
        if user is None:
            if name not in SYSTEM_TRANSITIONS:
                raise TransitionRefused(_("该操作需要由工作人员执行。"))
        elif not has_transition_perm(method, user):
            raise TransitionRefused(_("您没有权限对该案件执行此操作。"))
        source = fresh.state
        try:
            method(**kwargs)
            fresh.save()
        except ConcurrentTransition:
            raise CaseChanged() from None
        except TransitionNotAllowed as exc:
            raise TransitionRefused(str(exc)) from None
        event = CaseEvent.objects.create(
            case=fresh,
            actor=user,
            kind=CaseEvent.Kind.TRANSITION,
            transition=name,
            source_state=source,
            target_state=fresh.state,
            note=note,
            data=data or {},
        )
        schedule.after_transition(fresh, name, event, user)
        # robust: the state change is committed; a failing notice must not turn into a 500.
        transaction.on_commit(lambda: notify.transition_done(event.pk), robust=True)
    case.refresh_from_db()
    return event
