"""Scheduled jobs of the shared core."""

import time

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .counters import counters_purge


@db_periodic_task(crontab(minute="17"))
def purge_throttle_counters() -> int:
    """Every hour: the database store's throttle counters whose window has ended are deleted (a hit
    would start them afresh anyway; this keeps the table to the live windows). Redis expires its own."""
    return counters_purge(now=time.time())
