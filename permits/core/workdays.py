"""Working-day calendar: office hours, weekends and closures as plain data.

Pure Python (no Django, no ORM), so the rules are unit tested in milliseconds and shared by the
workflow engine (due instants), the portal (estimates) and the monitoring sweep.

Semantics
---------
* Every datetime argument must be timezone-aware (a naive one raises ``ValueError``); every
  datetime returned is aware and in UTC. Arithmetic happens on the wall clock of
  ``WorkCalendar.tz`` (Asia/Jakarta by default), which is exact for zones without DST.
* Working time exists only on working days (weekday not in ``weekend``, date not in ``closed``)
  between ``day_start`` and ``day_end`` local time. An instant is *inside office hours* when
  ``day_start <= t < day_end`` on a working day: at closing time no working time is left, so
  ``next_working_instant`` of a closing instant is the next opening.
* ``add_working_time(start, d)`` consumes ``d`` of working time from ``start`` (from the next
  opening if ``start`` is outside office hours). A result landing exactly on closing time is that
  closing time, not the next opening. ``d == 0`` returns ``start`` unchanged (in UTC); a negative
  ``d`` raises ``ValueError``.
* ``add_working_days(start, n)`` is ``add_working_time(start, n * day_length())``: a file
  registered Monday 10:00 with one working day is due Tuesday 10:00; one registered on Saturday
  is due Monday at closing time.
* ``working_time_between(a, b)`` is the working time inside ``[a, b]`` (zero when ``b <= a``). It
  is the inverse of ``add_working_time``: ``working_time_between(s, add_working_time(s, d)) == d``,
  and it is additive: ``between(a, c) == between(a, b) + between(b, c)`` for ``a <= b <= c``.
* Durations are ``timedelta`` (exact to the microsecond), never float.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

JAKARTA = ZoneInfo("Asia/Jakarta")
_DAY = timedelta(days=1)
_ZERO = timedelta(0)


def _since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


@dataclass(frozen=True)
class WorkCalendar:
    """An office's working time: local office hours, weekly rest days and closed dates.

    ``closed`` holds national holidays, cuti bersama and office closures; build it with
    ``indonesian_calendar`` rather than by hand.
    """

    tz: ZoneInfo = JAKARTA
    day_start: time = time(8, 0)
    day_end: time = time(16, 0)
    weekend: frozenset[int] = frozenset({5, 6})  # Monday == 0
    closed: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable but keep the calendar immutable and hashable.
        object.__setattr__(self, "weekend", frozenset(self.weekend))
        object.__setattr__(self, "closed", frozenset(self.closed))
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValueError("office hours are local wall-clock times: give them without tzinfo")
        if not self.day_start < self.day_end:
            raise ValueError(f"day_start {self.day_start} must be before day_end {self.day_end}")
        if not self.weekend <= set(range(7)) or len(self.weekend) == 7:
            raise ValueError("weekend must be weekday numbers 0-6 leaving at least one working day")
        # A datetime is a date subclass but never equals one, so it would silently never match.
        if any(isinstance(d, datetime) or not isinstance(d, date) for d in self.closed):
            raise ValueError("closed must contain dates, not datetimes")

    def is_working_day(self, d: date) -> bool:
        """True when ``d`` (a local calendar date) has office hours."""
        return d.weekday() not in self.weekend and d not in self.closed

    def day_length(self) -> timedelta:
        """Working time in one full working day (8 hours by default)."""
        return _since_midnight(self.day_end) - _since_midnight(self.day_start)

    def next_working_instant(self, at: datetime) -> datetime:
        """``at`` if it is inside office hours, else the next opening (in UTC)."""
        return self._next_open(self._local(at)).astimezone(UTC)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The instant ``days`` full working days of working time after ``start``."""
        return self.add_working_time(start, days * self.day_length())

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of working time counted from ``start`` is used up."""
        local = self._local(start)
        if duration < _ZERO:
            raise ValueError(f"negative working time {duration}")
        if duration == _ZERO:
            return local.astimezone(UTC)
        at = self._next_open(local)
        while True:
            closing = self._close(at.date())
            if duration <= closing - at:
                return (at + duration).astimezone(UTC)
            duration -= closing - at
            at = self._next_open(closing)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside ``[start, end]``; zero when ``end <= start``."""
        a, b = self._local(start), self._local(end)
        if b <= a:
            return _ZERO
        first, last = a.date(), b.date()
        if first == last:
            return self._overlap(first, a, b)
        inner_days = self._count_working_days(first + _DAY, last - _DAY)
        return self._overlap(first, a, b) + inner_days * self.day_length() + self._overlap(last, a, b)

    # Helpers work on datetimes already in self.tz, so differences are wall-clock differences.

    def _local(self, at: datetime) -> datetime:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"naive datetime {at!r}: working-time arithmetic needs an aware datetime")
        return at.astimezone(self.tz)

    def _open(self, d: date) -> datetime:
        return datetime.combine(d, self.day_start, tzinfo=self.tz)

    def _close(self, d: date) -> datetime:
        return datetime.combine(d, self.day_end, tzinfo=self.tz)

    def _next_open(self, local: datetime) -> datetime:
        d = local.date()
        if self.is_working_day(d):
            if local < self._open(d):
                return self._open(d)
            if local < self._close(d):
                return local
        d += _DAY
        # Terminates: at least one weekday works and only finitely many dates are closed.
        while not self.is_working_day(d):
            d += _DAY
        return self._open(d)

    def _overlap(self, d: date, a: datetime, b: datetime) -> timedelta:
        """Working time of day ``d`` that falls inside ``[a, b]``."""
        if not self.is_working_day(d):
            return _ZERO
        return max(min(b, self._close(d)) - max(a, self._open(d)), _ZERO)

    def _count_working_days(self, first: date, last: date) -> int:
        """Working days in ``[first, last]`` by whole-week arithmetic, so long spans stay cheap."""
        if last < first:
            return 0
        weeks, extra = divmod((last - first).days + 1, 7)
        tail = first + weeks * 7 * _DAY
        count = weeks * (7 - len(self.weekend))
        count += sum((tail + i * _DAY).weekday() not in self.weekend for i in range(extra))
        # Closed dates on weekend days were never counted, so only the others are removed.
        count -= sum(first <= d <= last and d.weekday() not in self.weekend for d in self.closed)
        return count


# "government" is the holidays package's category for Indonesia's cuti bersama (joint leave days).
_ID_CATEGORIES = ("public", "government")


def indonesian_calendar(years: Iterable[int], extra_closed: Iterable[date] = (), **kwargs: Any) -> WorkCalendar:
    """A ``WorkCalendar`` closed on Indonesian national holidays and cuti bersama of ``years``.

    Closed dates are the union of:

    * national holidays: the ``public`` category of ``holidays.Indonesia``;
    * cuti bersama: the ``holidays`` package publishes them for Indonesia as the ``government``
      category ("... Joint Holiday", from the joint ministerial decree); included whenever the
      installed version supports it (it does from at least 0.109);
    * ``extra_closed``: days entered by an administrator (cuti bersama the package does not know
      yet, office closures).

    Other ``WorkCalendar`` fields (``tz``, ``day_start``...) are passed through ``kwargs``.

    Caveats: only ``years`` are covered, so pass every year a deadline can reach (e.g. this year
    and the next two), or later holidays count as working days. For years whose decree is not out,
    the package estimates Islamic holidays (names marked "estimated") and has no cuti bersama, so
    the office confirms those days through ``extra_closed``.
    """
    categories = tuple(c for c in _ID_CATEGORIES if c in holidays.Indonesia.supported_categories)
    national = holidays.country_holidays("ID", years=list(years), categories=categories)
    return WorkCalendar(closed=frozenset(national) | frozenset(extra_closed), **kwargs)
