"""Background jobs of the levies: expire bills past their due date."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import bills_expire


@db_periodic_task(crontab(minute="*/15"))
def check_expired_bills() -> int:
    """Open bills past their due instant become expired (the bank then answers 'expired')."""
    return bills_expire()
