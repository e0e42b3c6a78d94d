"""Deadline bookkeeping on cases: creates and recomputes Deadline rows when
milestones are recorded or transitions happen. The arithmetic itself is pure and
lives in cases/deadlines.py; this module is the ORM side."""


def after_transition(case, name, event, user) -> None:
    """Called inside the transition's transaction by cases.workflow."""


def after_intake(case, user) -> None:
    """Called inside the intake transaction: the incident date starts injury and tort clocks."""


def annotate_next_deadline(queryset):
    """Cases annotated with `next_deadline_due`: the nearest open deadline that binds
    the worker side (None when there is none). The lawyer queue sorts on it."""
    from django.db.models import Min, Q

    from .models import Deadline

    return queryset.annotate(
        next_deadline_due=Min(
            "deadlines__due_date",
            filter=Q(deadlines__status=Deadline.Status.OPEN, deadlines__binds=Deadline.Binds.WORKER),
        )
    )
