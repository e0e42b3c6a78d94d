"""Health of what the app needs to serve: the database and the task queue."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ


def check_health() -> dict:
    result = {"ok": True, "database": "ok", "task_queue": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 — any failure means unhealthy
        result.update(ok=False, database=f"error: {exc.__class__.__name__}")
        return result
    try:
        broker = get_broker()
        if not broker.ping():
            raise ConnectionError("broker did not answer")
        # Tasks queued for more than 10 minutes mean no worker is consuming them.
        stale = timezone.now() - timedelta(minutes=10)
        if broker.__class__.__name__ == "ORM" and OrmQ.objects.filter(lock__lt=stale).exists():
            result.update(ok=False, task_queue="stalled: tasks waiting over 10 minutes")
    except Exception as exc:  # noqa: BLE001
        result.update(ok=False, task_queue=f"error: {exc.__class__.__name__}")
    return result
