"""Background jobs: deliver one message; every minute, deliver whatever is due and not in flight."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from permits.core.jobs import job_register

from .selectors import messages_due
from .services import message_deliver


@db_task()
def deliver_message(message_id: int) -> None:
    message_deliver(message_id=message_id)


@db_periodic_task(crontab(minute="*"))
def deliver_pending() -> int:
    """Queued messages whose time has come (retries after backoff; any whose enqueue was lost
    between commit and queue) and "sending" ones whose worker died: each is enqueued; the claim
    in message_deliver makes a duplicate enqueue harmless."""
    due = messages_due()
    for message_id in due:
        deliver_message(message_id)
    return len(due)


job_register("notifications.deliver_message", deliver_message)
