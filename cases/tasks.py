"""django-q2 tasks: every function the task queue runs, by its name "cases.tasks.…".

Each takes ids (or the few values a task cannot reload), reloads rows and calls a
module function; each is safe to run twice (a unique constraint or a guarded update
decides who wins). Code queues them by name, so a task's name here is a contract with
the tasks already in the queue: rename one only with a release that keeps the old name.

SCHEDULES declares the recurring jobs; `manage.py setup_schedules` creates or updates
them idempotently (run by `make run` and on deploy).
"""

import datetime

from django.core.management import call_command

from accounts import security
from cases import workflow
from cases.deadlines import recompute, reminders
from cases.documents import generate
from cases.notices import sms
from cases.privacy import retention
from cases.selfhelp import phone as selfhelp_phone
from cases.selfhelp import posters
from cases.statistics import exports, rollup
from cases.status import lookup

# --- queued by the code ------------------------------------------------------


def deliver_sms(sms_id: int, clear_body: str | None = None) -> str:
    return sms.deliver(sms_id, clear_body=clear_body)


def deliver_reminder_sms(dedupe_keys: list[str]) -> int:
    return reminders.deliver_sms(dedupe_keys)


def send_status_code(phone: str, code: str) -> None:
    # A number without cases gets a code only when it asked from a station's QR code.
    if selfhelp_phone.expects_code(phone):
        selfhelp_phone.send_code(phone, code)
    else:
        lookup.send_code(phone, code)


def generate_closing_reports(batch_id: int) -> None:
    generate.run_batch(batch_id)


def generate_posters(batch_id: int) -> None:
    posters.run_batch(batch_id)


def export_ledger(job_id: int) -> None:
    exports.run_ledger_job(job_id)


# --- recurring ---------------------------------------------------------------


def expire_lawyer_offers() -> int:
    return workflow.expire_overdue()


def retry_sms() -> int:
    return sms.retry_due()


def deadline_reminder_sweep() -> dict:
    return reminders.sweep()


def recompute_provisional_deadlines() -> int:
    return recompute.recompute_provisional()


def recompute_after_calendar_change(days: list[str], years: list[int]) -> int:
    """Queued by the admin when a holiday override or a year's completeness changes."""
    return recompute.recompute_schedule(
        days=[datetime.date.fromisoformat(d) for d in days], years=years
    )


def deadline_digest() -> int:
    return reminders.send_digest()


def reconcile_statistics() -> dict:
    """The statistics rollup recomputed from the cases and repaired (it is kept current
    by the write paths; this catches what they cannot see, e.g. a platform corrected
    in the back office)."""
    return rollup.reconcile()


def clear_expired_sessions() -> None:
    """Besides staff logins, a worker's unfinished status lookup keeps its phone number
    in the session until this runs (cases/status/views.py gives those a short expiry)."""
    call_command("clearsessions")


def apply_retention() -> dict:
    """Anonymise archived cases past CASE_RETENTION_DAYS (`manage.py retention` is the dry run)."""
    return retention.apply()


def resume_stalled_batches() -> list[int]:
    """Document batches whose worker node died mid-task, queued again (once)."""
    return generate.resume_stalled_batches()


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
        # After midnight's last transitions, before anyone reads the morning's figures.
        "name": "yizhan:reconcile_statistics",
        "func": "cases.tasks.reconcile_statistics",
        "schedule_type": "D",
        "at": "03:00",
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
        "name": "yizhan:resume_stalled_batches",
        "func": "cases.tasks.resume_stalled_batches",
        "schedule_type": "I",
        "minutes": 1,
    },
    {
        "name": "yizhan:purge_security_log",
        "func": "cases.tasks.purge_security_log",
        "schedule_type": "D",
        "at": "03:30",
    },
    {
        # Webhook deliveries whose backoff has passed (api/webhooks.py).
        "name": "yizhan:retry_webhooks",
        "func": "api.tasks.retry_webhooks",
        "schedule_type": "I",
        "minutes": 1,
    },
    {
        # Rate windows, old Idempotency-Keys, the API call log past its retention.
        "name": "yizhan:purge_api",
        "func": "api.tasks.purge",
        "schedule_type": "D",
        "at": "03:40",
    },
]
