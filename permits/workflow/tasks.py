"""Scheduled jobs of the workflow."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .estimates import REFRESH_MINUTES, estimates_refresh


@db_periodic_task(crontab(minute=f"*/{REFRESH_MINUTES}"))
def refresh_estimates() -> int:
    """Every 10 minutes: each permit type's completion estimate, kept for the tracking page (issue 22)."""
    return estimates_refresh()
