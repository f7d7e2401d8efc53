"""SLA arithmetic on tasks: time left, colour, human-readable durations (pure, given a calendar), and a
step's service standard as a duration (`step_bound`, on the office calendar)."""

from datetime import datetime, timedelta

from django.utils.translation import ngettext

from permits.catalog.models import Step
from permits.core.calendar import office_calendar
from permits.core.workdays import WorkCalendar

ON_TIME, DUE_SOON, OVERDUE = "on_time", "due_soon", "overdue"
DUE_SOON_SHARE = 0.25  # the last quarter of the bound
DUE_SOON_MIN = timedelta(hours=2)


def time_left(cal: WorkCalendar, now: datetime, due: datetime) -> timedelta:
    """Working time until `due` (negative when overdue)."""
    if now <= due:
        return cal.working_time_between(now, due)
    return -cal.working_time_between(due, now)


def due_soon_limit(bound: timedelta) -> timedelta:
    """A task is due soon when at most this much working time is left: the last quarter of its
    bound, and never less than two hours."""
    return max(max(bound, timedelta(0)) * DUE_SOON_SHARE, DUE_SOON_MIN)


def sla_state(cal: WorkCalendar, now: datetime, due: datetime, bound: timedelta) -> str:
    if now > due:
        return OVERDUE
    if time_left(cal, now, due) <= due_soon_limit(bound):
        return DUE_SOON
    return ON_TIME


def humanize(duration: timedelta, day: timedelta) -> str:
    """A working-time duration in the active language: '2 hari 3 jam' / '2 days 3 hours', in working
    days of length `day`; minutes ('45 menit') below an hour. The one place durations are worded."""
    seconds = int(abs(duration).total_seconds())
    day_s = int(day.total_seconds())
    days, rest = divmod(seconds, day_s)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours})
    if not days and not hours:
        parts.append(ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes})
    return " ".join(parts)


def step_bound(step: Step) -> timedelta:
    """A step's service standard as a duration: its hours, or its working days of the office's day length."""
    if step.bound_unit == Step.Unit.HOURS:
        return timedelta(hours=step.bound_value)
    return step.bound_value * office_calendar().day_length()
