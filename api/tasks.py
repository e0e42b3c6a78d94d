"""What the task queue runs for the API (scheduled in cases.tasks.SCHEDULES)."""

from api import housekeeping, webhooks


def deliver_webhook(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


def retry_webhooks() -> int:
    return webhooks.retry_due()


def purge() -> dict:
    return housekeeping.purge()
