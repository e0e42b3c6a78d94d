"""Deadline bookkeeping on cases: creates and recomputes Deadline rows when
milestones are recorded or transitions happen. The arithmetic itself is pure and
lives in cases/deadlines.py; this module is the ORM side."""


def after_transition(case, name, event, user) -> None:
    """Called inside the transition's transaction by cases.workflow."""


def after_intake(case, user) -> None:
    """Called inside the intake transaction: the incident date starts injury and tort clocks."""
