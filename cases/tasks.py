"""django-q2 tasks. Each takes ids, reloads rows and calls model or module functions;
each is safe to run twice (a unique constraint or a guarded update decides who wins).

SCHEDULES declares the recurring jobs; `manage.py setup_schedules` creates or updates
them idempotently (run by `make run` and on deploy).
"""

# Schedule fields for each recurring job; names start with "yizhan:", e.g.
# {"name": "yizhan:sweep", "func": "cases.tasks.sweep", "schedule_type": "I", "minutes": 15}
SCHEDULES: list[dict] = []


# --- routing: expire lawyer offers whose acceptance window has passed
def expire_lawyer_offers() -> int:
    from cases.routing.assignment import expire_overdue

    return expire_overdue()


SCHEDULES.append(
    {
        "name": "yizhan:expire_lawyer_offers",
        "func": "cases.tasks.expire_lawyer_offers",
        "schedule_type": "H",
    }
)
# --- end routing


# --- documents: closing reports for many cases at once (issue 6)
def generate_closing_reports(batch_id: int) -> None:
    from cases.documents.generate import run_batch

    run_batch(batch_id)


# --- end documents


# --- sms (issue 7): retry SMS whose backoff has passed; give up after sms.MAX_ATTEMPTS
def retry_sms() -> int:
    from cases.notices.sms import retry_due

    return retry_due()


SCHEDULES.append(
    {
        "name": "yizhan:retry_sms",
        "func": "cases.tasks.retry_sms",
        "schedule_type": "I",
        "minutes": 1,
    }
)
# --- end sms


# --- deadlines (issue 5): reminder sweep, provisional recompute, coordinators' digest
def deadline_reminder_sweep() -> dict:
    from cases.deadlines.reminders import sweep

    return sweep()


def recompute_provisional_deadlines() -> int:
    from cases.deadlines.bookkeeping import recompute_provisional

    return recompute_provisional()


def deadline_digest() -> int:
    from cases.deadlines.reminders import send_digest

    return send_digest()


# "at" (local time, settings.TIME_ZONE) is not a Schedule field: setup_schedules turns
# it into the first next_run, and django-q2 keeps the time of day from then on (DAILY
# adds one day to next_run; catch_up is off, so a cluster that was down does not
# replay missed days). CRON would need the croniter package, which we do not install.
SCHEDULES += [
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
]
# --- end deadlines


# --- sessions: expired session rows go (Django keeps them until clearsessions runs).
# Besides staff logins, a worker's unfinished status lookup keeps its phone number in
# the session until then (cases/status_views.py gives those sessions a short expiry).
def clear_expired_sessions() -> None:
    from django.core.management import call_command

    call_command("clearsessions")


SCHEDULES.append(
    {
        "name": "yizhan:clear_expired_sessions",
        "func": "cases.tasks.clear_expired_sessions",
        "schedule_type": "H",
    }
)
