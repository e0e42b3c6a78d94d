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
    from .assignment import expire_overdue

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
    from .documents import run_batch

    run_batch(batch_id)


# --- end documents
