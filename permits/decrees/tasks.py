"""Scheduled jobs of the decrees app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import decree_files_sweep


@db_periodic_task(crontab(minute="17"))
def sweep_orphan_decree_files() -> int:
    """Hourly: remove signed PDFs left in storage by a signing transaction that rolled back."""
    return decree_files_sweep()
