"""When a task reaches each alert level, in working time (pure: a WorkCalendar and datetimes, no ORM).

The sweep and the dashboard ask the database for a small superset of candidates with plain
indexed conditions on `due_at` (one per bound bucket, see `bound_buckets`), then decide each
candidate exactly here with the office calendar. So a warning at 75% means 75% of the task's
working time, not of the wall clock: a task opened on Friday afternoon is not "75% used" on
Sunday night, and every level is reached inside office hours.
"""

import datetime
from datetime import timedelta

from permits.core.workdays import WorkCalendar

_ZERO = timedelta(0)
_DAY = timedelta(days=1)
# Upper ends (hours) of the bound buckets used to prefilter candidates in SQL; the last is open.
BUCKET_HOURS = (2, 4, 8, 16, 24, 40, 80, 160, 320)


def working_instant_before(cal: WorkCalendar, end: datetime.datetime, duration: timedelta) -> datetime.datetime:
    """The latest instant `x <= end` with `cal.working_time_between(x, end) >= duration` (in UTC)."""
    if duration < _ZERO:
        raise ValueError(f"negative working time {duration}")
    local = end.astimezone(cal.tz)
    if duration == _ZERO:
        return local.astimezone(datetime.UTC)
    remaining = duration
    while True:
        d = local.date()
        if cal.is_working_day(d):
            opening = datetime.datetime.combine(d, cal.day_start, tzinfo=cal.tz)
            closing = datetime.datetime.combine(d, cal.day_end, tzinfo=cal.tz)
            top = min(local, closing)
            available = max(top - opening, _ZERO)
            if available >= remaining:
                return (top - remaining).astimezone(datetime.UTC)
            remaining -= available
        local = datetime.datetime.combine(d - _DAY, cal.day_end, tzinfo=cal.tz)


def cutoff_after(cal: WorkCalendar, now: datetime.datetime, duration: timedelta) -> datetime.datetime:
    """The latest instant `y >= now` with `cal.working_time_between(now, y) <= duration` (in UTC):
    a task due at or before it has at most `duration` of working time left."""
    return cal.next_working_instant(cal.add_working_time(now, duration))


def working_left(cal: WorkCalendar, now: datetime.datetime, due: datetime.datetime) -> timedelta:
    """Working time until `due`; negative working time past it."""
    if now <= due:
        return cal.working_time_between(now, due)
    return -cal.working_time_between(due, now)


def is_warning(cal: WorkCalendar, now, due, bound_seconds: int, share: float) -> bool:
    """Not yet overdue, and at most (1 - share) of the bound is left."""
    if now > due:
        return False
    return cal.working_time_between(now, due) <= timedelta(seconds=bound_seconds * (1 - share))


def is_overdue(now, due) -> bool:
    return now > due


def is_head_escalation(cal: WorkCalendar, now, due, bound_seconds: int, share: float) -> bool:
    """Overdue by at least `share` of the bound, in working time."""
    if now <= due:
        return False
    return cal.working_time_between(due, now) >= timedelta(seconds=bound_seconds * share)


def is_idle(cal: WorkCalendar, now, due, last_action, idle: timedelta) -> bool:
    """Not yet overdue (overdue supersedes idle) and nobody acted for `idle` working time."""
    if now > due:
        return False
    return cal.working_time_between(last_action, now) >= idle


def bound_buckets() -> list[tuple[int, int | None]]:
    """[(lo, hi)] seconds, lo exclusive (the first includes 0), hi inclusive, hi None = open-ended."""
    edges = [h * 3600 for h in BUCKET_HOURS]
    out, lo = [], -1
    for hi in edges:
        out.append((lo, hi))
        lo = hi
    out.append((lo, None))
    return out
