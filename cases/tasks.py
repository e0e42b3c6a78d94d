"""django-q2 tasks: every function the task queue runs, by its name "cases.tasks.…".

Each takes ids (or the few values a task cannot reload), reloads rows and calls a
module function; each is safe to run twice (a unique constraint or a guarded update
decides who wins). Code queues them by name, so a task's name here is a contract with
the tasks already in the queue: rename one only with a release that keeps the old name.

SCHEDULES declares the recurring jobs; `manage.py setup_schedules` creates or updates
them idempotently (run by `make run` and on deploy).
"""

from django.core.management import call_command

from accounts import security
from cases import workflow
from cases.deadlines import bookkeeping, reminders
from cases.documents import generate
from cases.notices import sms
from cases.privacy import retention
from cases.status import lookup

# --- queued by the code ------------------------------------------------------


def deliver_sms(sms_id: int) -> str:
    return sms.deliver(sms_id)


def deliver_reminder_sms(dedupe_keys: list[str]) -> int:
    return reminders.deliver_sms(dedupe_keys)


def send_status_code(phone: str, code: str) -> None:
    lookup.send_code(phone, code)


def generate_closing_reports(batch_id: int) -> None:
    generate.run_batch(batch_id)


# --- recurring ---------------------------------------------------------------


def expire_lawyer_offers() -> int:
    return workflow.expire_overdue()


def retry_sms() -> int:
    return sms.retry_due()


def deadline_reminder_sweep() -> dict:
    return reminders.sweep()


def recompute_provisional_deadlines() -> int:
    return bookkeeping.recompute_provisional()


def deadline_digest() -> int:
    return reminders.send_digest()


def clear_expired_sessions() -> None:
    """Besides staff logins, a worker's unfinished status lookup keeps its phone number
    in the session until this runs (cases/status/views.py gives those a short expiry)."""
    call_command("clearsessions")


def apply_retention() -> dict:
    """Anonymise archived cases past CASE_RETENTION_DAYS (`manage.py retention` is the dry run)."""
    return retention.apply()


def purge_security_log() -> int:
    """Delete security-log rows older than SECURITY_LOG_RETENTION_DAYS (at least 180)."""
    return security.purge()


# Schedule fields for each recurring job. "at" (local time, settings.TIME_ZONE) is not a
# Schedule field: setup_schedules turns it into the first next_run, and django-q2 keeps
# the time of day from then on (DAILY adds one day to next_run; catch_up is off, so a
# cluster that was down does not replay missed days). CRON would need the croniter
# package, which we do not install.
SCHEDULES: list[dict] = [
    {
        "name": "yizhan:expire_lawyer_offers",
        "func": "cases.tasks.expire_lawyer_offers",
        "schedule_type": "H",
    },
    {
        "name": "yizhan:retry_sms",
        "func": "cases.tasks.retry_sms",
        "schedule_type": "I",
        "minutes": 1,
    },
    {
        "name": "yizhan:deadline_reminders",
        "func": "cases.tasks.deadline_reminder_sweep",
        "schedule_type": "I",
        "minutes": 15,
    },
    {
        # At night, before the 08:00 digest reads the recomputed dates.
        "name": "yizhan:recompute_provisional_deadlines",
        "func": "cases.tasks.recompute_provisional_deadlines",
        "schedule_type": "D",
        "at": "02:00",
    },
    {
        # The coordinators read it when they start work.
        "name": "yizhan:deadline_digest",
        "func": "cases.tasks.deadline_digest",
        "schedule_type": "D",
        "at": "08:00",
    },
    {
        "name": "yizhan:clear_expired_sessions",
        "func": "cases.tasks.clear_expired_sessions",
        "schedule_type": "H",
    },
    {
        # At night, when nobody is working the cases it touches.
        "name": "yizhan:retention",
        "func": "cases.tasks.apply_retention",
        "schedule_type": "D",
        "at": "03:00",
    },
    {
        "name": "yizhan:purge_security_log",
        "func": "cases.tasks.purge_security_log",
        "schedule_type": "D",
        "at": "03:30",
    },
]
