"""Who hears about what. Called after commit by the workflow; sending itself happens
in django-q2 tasks (cases/tasks.py). Every message carries a dedupe key so a task
that runs twice sends once."""


def transition_done(event_id: int) -> None:
    """Queue the notifications for one transition event (worker SMS, lawyer, coordinator)."""


def case_received(case_id: int, access_code: str) -> None:
    """Send the worker the 'received' SMS with the access code (the only place it travels)."""
