"""The office's working-day calendar, built from the `holidays` package and admin-entered closures.

The arithmetic lives in the pure module `permits.core.workdays`; this module only gathers the
data (national holidays, cuti bersama and closures from the database, office hours from settings)
and caches the result briefly so every due-date computation does not rebuild it.
"""

import datetime
import time as _time
from datetime import timedelta

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import CalendarClosure
from .workdays import WorkCalendar, indonesian_calendar

_CACHE: dict[str, tuple[float, WorkCalendar]] = {}
_TTL_SECONDS = 300  # other processes pick up an admin's new closure within five minutes


def _hm(value: str) -> datetime.time:
    hours, minutes = value.split(":")
    return datetime.time(int(hours), int(minutes))


def office_calendar() -> WorkCalendar:
    """The calendar in force: office hours, weekends, national holidays, cuti bersama, closures."""
    cached = _CACHE.get("cal")
    if cached and _time.monotonic() - cached[0] < _TTL_SECONDS:
        return cached[1]
    year = timezone.localdate().year
    closed = list(CalendarClosure.objects.values_list("date", flat=True))
    cal = indonesian_calendar(
        range(year - 3, year + 4),
        extra_closed=closed,
        day_start=_hm(settings.OFFICE_DAY_START),
        day_end=_hm(settings.OFFICE_DAY_END),
    )
    _CACHE["cal"] = (_time.monotonic(), cal)
    return cal


def calendar_reset(**_kwargs) -> None:
    _CACHE.clear()


post_save.connect(calendar_reset, sender=CalendarClosure)
post_delete.connect(calendar_reset, sender=CalendarClosure)


def office_day_hours() -> int:
    return int(office_calendar().day_length() / timedelta(hours=1))


def due_after(start: datetime.datetime, value: int, unit: str) -> datetime.datetime:
    """The instant `value` working days or hours after `start` (unit "days" or "hours")."""
    cal = office_calendar()
    if unit == "hours":
        return cal.add_working_time(start, timedelta(hours=value))
    return cal.add_working_days(start, value)
