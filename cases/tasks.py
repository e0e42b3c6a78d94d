"""django-q2 tasks. Each takes ids, reloads rows and calls model or module functions;
each is safe to run twice (a unique constraint or a guarded update decides who wins).

SCHEDULES declares the recurring jobs; `manage.py setup_schedules` creates or updates
them idempotently (run by `make run` and on deploy).
"""

# Schedule fields for each recurring job; names start with "yizhan:", e.g.
# {"name": "yizhan:sweep", "func": "cases.tasks.sweep", "schedule_type": "I", "minutes": 15}
SCHEDULES: list[dict] = []
