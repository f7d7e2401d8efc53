"""Scheduled jobs of online pre-registration."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import booking_expire_due


@db_periodic_task(crontab(minute="*/30"))
def expire_bookings() -> int:
    """Every 30 minutes: abandoned bookings past their expiry are marked expired and lose their files."""
    return booking_expire_due()
