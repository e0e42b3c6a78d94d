"""Who hears about what.

The workflow calls `transition_done` after commit; it queues `send_transition_notices`
on django-q2, which tells the worker (SMS), the lawyer and the coordinators (in-app,
SMS, email) as each transition requires. Every message carries a dedupe key derived
from the event, so a task that runs twice sends once.
"""

from django.db import IntegrityError, transaction
from django_q.tasks import async_task

from .models import CaseEvent, Notification


def notify_user(user, message: str, *, case=None, url: str = "", dedupe_key: str | None = None):
    """An in-app notification (the bell). With a dedupe key, a second call is a no-op."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user,
                case=case,
                message=message[:300],
                url=url or (case.get_absolute_url() if case else ""),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None


def transition_done(event_id: int) -> None:
    async_task("cases.notify.send_transition_notices", event_id)


def send_transition_notices(event_id: int) -> None:
    event = CaseEvent.objects.select_related(
        "case__worker", "case__lawyer__user", "case__station"
    ).get(pk=event_id)
    for handler in TRANSITION_HANDLERS:
        handler(event)


def worker_notices(event) -> None:
    """SMS to the worker for the transitions in DESIGN §4 (filled in by the SMS feature)."""


def staff_notices(event) -> None:
    """Lawyer and coordinator notifications (filled in by the routing feature)."""


TRANSITION_HANDLERS = [worker_notices, staff_notices]


def case_received(case_id: int, access_code: str) -> None:
    """Send the worker the 'received' SMS with the access code (the only place it travels)."""
