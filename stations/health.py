"""Health of what the app needs to serve: the database, the task queue, the file store."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.status import Stat

from config import storage


def check_health() -> dict:
    result = {"ok": True, "database": "ok", "task_queue": "ok", "files": "ok"}
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
        problem = _queue_problem(broker)
        if problem:
            result.update(ok=False, task_queue=problem)
    except Exception as exc:  # noqa: BLE001
        result.update(ok=False, task_queue=f"error: {exc.__class__.__name__}")
    files = storage.check()
    if files != "ok":
        result.update(ok=False, files=files)
    return result


def _queue_problem(broker) -> str:
    """Why no task would run now, or "".

    ORM broker: tasks waiting over 10 minutes mean no worker is taking them. Redis broker:
    a running cluster renews a 3-second heartbeat key in Redis every half second; no key
    means no cluster (a dead worker is seen within seconds, not when tasks pile up)."""
    if Conf.SYNC:
        return ""  # tasks run in the calling process: there is no cluster to watch
    if broker.__class__.__name__ == "ORM":
        stale = timezone.now() - timedelta(minutes=10)
        if OrmQ.objects.filter(lock__lt=stale).exists():
            return "stalled: tasks waiting over 10 minutes"
        return ""
    if not Stat.get_all(broker=broker):
        return "stalled: no task cluster is running"
    return ""
