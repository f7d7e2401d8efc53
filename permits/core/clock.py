"""The current instant, overridable: every service takes `now=None` so tests and replays can fix the clock."""

import datetime

from django.utils import timezone


def now_or(now: datetime.datetime | None) -> datetime.datetime:
    """`now` when the caller fixed it, else the current instant (aware, UTC)."""
    return now or timezone.now()
