"""Scheduled jobs: the stalled-file sweep and the dashboard's history figures every five minutes, the
head's daily digest."""

import datetime

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from permits.catalog.selectors import section_list
from permits.core.jobs import job_register

from .scope import scope_of
from .selectors import history_refresh
from .services import daily_digest_send, stall_sweep

JAKARTA_UTC_OFFSET = 7  # Asia/Jakarta has no daylight saving: WIB is always UTC+7


def _utc_hour(local_hour: int) -> int:
    """Huey's crontab runs on UTC; the digest hour is set in office (Asia/Jakarta) time."""
    return (local_hour - JAKARTA_UTC_OFFSET) % 24


@db_periodic_task(crontab(minute="*/5"))
def check_overdue_steps() -> int:
    """Every five minutes: raise warning / overdue / idle / escalation alerts not raised yet."""
    return stall_sweep().total


@db_periodic_task(crontab(minute="0", hour=str(_utc_hour(settings.MONITOR_DIGEST_HOUR))))
def send_daily_digest() -> int:
    """Every morning (MONITOR_DIGEST_HOUR, Asia/Jakarta): yesterday's figures and worst stalls to the head."""
    return daily_digest_send(now=datetime.datetime.now(datetime.UTC))


@db_periodic_task(crontab(minute="*/5"))
def refresh_dashboard_current_month() -> None:
    """Every five minutes: this month's dashboard history figures, the whole office's and each section's,
    so that no reader waits for them (nothing to do when MONITOR_DASHBOARD_CACHE_SECONDS is 0: every
    reader then computes its own)."""
    if settings.MONITOR_DASHBOARD_CACHE_SECONDS:
        history_refresh()
        for section in section_list():
            history_refresh(scope=scope_of([section]))


@db_task()
def refresh_dashboard_history(month: str, sections: list[str] | None = None) -> None:
    """A month's history figures (of the whole office, or of these sections), asked for by a dashboard
    that found them older than five minutes."""
    chosen = [s for s in section_list() if s.code in (sections or [])]
    history_refresh(month=month, scope=scope_of(chosen))


job_register("monitoring.refresh_dashboard_history", refresh_dashboard_history)
