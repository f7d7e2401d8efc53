"""Tests for the pure working-day calendar (no Django, no database)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permits.core.workdays import WorkCalendar, indonesian_calendar

WIB = ZoneInfo("Asia/Jakarta")
H = timedelta(hours=1)
CAL = indonesian_calendar([2025, 2026, 2027])


def wib(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=WIB)


# --- concrete examples (July 2026 has no Indonesian holidays: 6 July is a Monday) ---


def test_one_working_day_from_monday_morning_is_due_tuesday_same_time():
    assert CAL.add_working_days(wib(2026, 7, 6, 10), 1) == wib(2026, 7, 7, 10)


def test_one_working_day_from_saturday_is_due_monday_at_closing():
    assert CAL.add_working_days(wib(2026, 7, 4, 11), 1) == wib(2026, 7, 6, 16)


def test_add_working_time_skips_the_weekend():
    assert CAL.add_working_time(wib(2026, 7, 3, 15), 2 * H) == wib(2026, 7, 6, 9)


def test_add_working_time_ending_at_closing_returns_closing_not_next_morning():
    assert CAL.add_working_time(wib(2026, 7, 6, 14), 2 * H) == wib(2026, 7, 6, 16)


def test_add_working_time_from_before_opening_starts_at_opening():
    assert CAL.add_working_time(wib(2026, 7, 6, 6), H) == wib(2026, 7, 6, 9)


def test_add_working_time_from_after_closing_starts_next_morning():
    assert CAL.add_working_time(wib(2026, 7, 6, 17), H) == wib(2026, 7, 7, 9)
    assert CAL.add_working_time(wib(2026, 7, 6, 16), H) == wib(2026, 7, 7, 9)


def test_independence_day_2026_is_a_monday_national_holiday():
    assert date(2026, 8, 17) in holidays.Indonesia(years=2026)
    assert date(2026, 8, 17).weekday() == 0
    assert not CAL.is_working_day(date(2026, 8, 17))
    # Friday 14 Aug + 1 day skips the weekend and the Monday holiday.
    assert CAL.add_working_days(wib(2026, 8, 14, 10), 1) == wib(2026, 8, 18, 10)


def test_package_cuti_bersama_are_closed():
    assert "government" in holidays.Indonesia.supported_categories
    # Christmas cuti bersama 2026 (Thursday) is in the "government" category, not in "public".
    assert date(2026, 12, 24) not in holidays.Indonesia(years=2026)
    assert not CAL.is_working_day(date(2026, 12, 24))
    assert CAL.add_working_days(wib(2026, 12, 23, 9), 1) == wib(2026, 12, 28, 9)


def test_admin_entered_cuti_bersama_is_closed():
    cal = indonesian_calendar([2026], extra_closed=[date(2026, 7, 7)])
    assert CAL.is_working_day(date(2026, 7, 7))
    assert not cal.is_working_day(date(2026, 7, 7))
    assert cal.add_working_days(wib(2026, 7, 6, 10), 1) == wib(2026, 7, 8, 10)


def test_indonesian_calendar_passes_office_hours_through():
    cal = indonesian_calendar([2026], day_start=time(7, 30), day_end=time(15, 30))
    assert cal.day_length() == 8 * H
    assert cal.next_working_instant(wib(2026, 7, 6, 7)) == wib(2026, 7, 6, 7, 30)


def test_zero_duration_returns_start_even_outside_office_hours():
    start = wib(2026, 7, 4, 23, 15)
    assert CAL.add_working_time(start, timedelta(0)) == start
    assert CAL.add_working_days(start, 0).tzinfo is UTC


def test_results_are_utc_and_other_zones_are_converted():
    due = CAL.add_working_time(datetime(2026, 7, 6, 3, tzinfo=UTC), H)  # 10:00 WIB
    assert due.tzinfo is UTC
    assert due == datetime(2026, 7, 6, 4, tzinfo=UTC)


def test_negative_duration_is_rejected():
    with pytest.raises(ValueError):
        CAL.add_working_time(wib(2026, 7, 6, 10), -H)
    with pytest.raises(ValueError):
        CAL.add_working_days(wib(2026, 7, 6, 10), -1)


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: CAL.add_working_time(naive, H),
        lambda naive: CAL.add_working_days(naive, 1),
        lambda naive: CAL.next_working_instant(naive),
        lambda naive: CAL.working_time_between(naive, wib(2026, 7, 7)),
        lambda naive: CAL.working_time_between(wib(2026, 7, 1), naive),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="naive"):
        call(datetime(2026, 7, 6, 10))  # noqa: DTZ001 - the naive datetime is the point


def test_next_working_instant():
    assert CAL.next_working_instant(wib(2026, 7, 6, 10, 5)) == wib(2026, 7, 6, 10, 5)
    assert CAL.next_working_instant(wib(2026, 7, 6, 7)) == wib(2026, 7, 6, 8)
    assert CAL.next_working_instant(wib(2026, 7, 6, 16)) == wib(2026, 7, 7, 8)
    assert CAL.next_working_instant(wib(2026, 8, 15, 12)) == wib(2026, 8, 18, 8)


def test_working_time_between_examples():
    assert CAL.working_time_between(wib(2026, 7, 6, 10), wib(2026, 7, 7, 10)) == 8 * H
    assert CAL.working_time_between(wib(2026, 7, 3, 15), wib(2026, 7, 6, 9)) == 2 * H
    assert CAL.working_time_between(wib(2026, 7, 7), wib(2026, 7, 6)) == timedelta(0)
    assert CAL.working_time_between(wib(2026, 7, 4), wib(2026, 7, 5, 23)) == timedelta(0)


def test_working_time_between_a_whole_year_counts_working_days():
    cal = indonesian_calendar([2026])
    days = sum(cal.is_working_day(date(2026, 1, 1) + i * timedelta(days=1)) for i in range(365))
    assert cal.working_time_between(wib(2026, 1, 1), wib(2027, 1, 1)) == days * 8 * H
    # 261 weekdays in 2026, minus weekday national holidays and cuti bersama.
    assert 230 < days < 250


def test_invalid_calendars_are_rejected():
    with pytest.raises(ValueError):
        WorkCalendar(day_start=time(16), day_end=time(8))
    with pytest.raises(ValueError):
        WorkCalendar(weekend=frozenset(range(7)))
    with pytest.raises(ValueError):
        WorkCalendar(closed=frozenset({datetime(2026, 8, 17, tzinfo=WIB)}))


# --- properties ---

BASE = wib(2025, 1, 1)
ZONES = st.sampled_from([WIB, UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Jayapura")])


def _clock(since_midnight: timedelta) -> time:
    return (datetime.min.replace(tzinfo=UTC) + since_midnight).time()


@st.composite
def calendars(draw) -> WorkCalendar:
    """The real calendar, or a random one with odd hours, rest days and clustered closures."""
    if draw(st.booleans()):
        return CAL
    start = draw(st.integers(0, 20 * 60)) * timedelta(minutes=1)
    length = draw(st.integers(1, 23 * 60 - 1)) * timedelta(minutes=1)
    end = min(start + length, timedelta(hours=24) - timedelta(microseconds=1))
    weekend = draw(st.frozensets(st.integers(0, 6), max_size=6))
    offsets = draw(st.lists(st.integers(0, 4 * 365), max_size=60))
    closed = frozenset(BASE.date() + o * timedelta(days=1) for o in offsets)
    return WorkCalendar(day_start=_clock(start), day_end=_clock(end), weekend=weekend, closed=closed)


@st.composite
def instants(draw) -> datetime:
    """Aware instants in 2025-2028, often exactly on 08:00/16:00 or midnight local time."""
    day = BASE + draw(st.integers(0, 3 * 365)) * timedelta(days=1)
    local = day + draw(
        st.one_of(
            st.sampled_from([timedelta(0), 8 * H, 16 * H]),
            st.timedeltas(timedelta(0), timedelta(days=1) - timedelta(microseconds=1)),
        )
    )
    return local.astimezone(draw(ZONES))


durations = st.one_of(
    st.timedeltas(timedelta(0), timedelta(days=20)),
    st.integers(0, 100).map(lambda n: n * H),
)


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), start=instants(), d=durations)
def test_working_time_between_inverts_add_working_time(cal, start, d):
    assert cal.working_time_between(start, cal.add_working_time(start, d)) == d


@settings(max_examples=100, deadline=None)
@given(cal=calendars(), start=instants(), d1=durations, d2=durations)
def test_add_working_time_is_monotonic(cal, start, d1, d2):
    d1, d2 = sorted([d1, d2])
    assert cal.add_working_time(start, d1) <= cal.add_working_time(start, d2)


@settings(max_examples=100, deadline=None)
@given(cal=calendars(), start=instants(), d=durations)
def test_result_lies_within_office_hours_on_a_working_day(cal, start, d):
    due = cal.add_working_time(start, d)
    assert due.tzinfo is UTC
    if d == timedelta(0):
        assert due == start
        return
    local = due.astimezone(cal.tz)
    assert local > start
    assert cal.is_working_day(local.date())
    assert cal.day_start < local.time() <= cal.day_end


@settings(max_examples=100, deadline=None)
@given(cal=calendars(), a=instants(), b=instants(), c=instants())
def test_working_time_between_is_additive(cal, a, b, c):
    a, b, c = sorted([a, b, c])
    between = cal.working_time_between
    assert between(a, c) == between(a, b) + between(b, c)


@settings(max_examples=100, deadline=None)
@given(cal=calendars(), a=instants(), span=st.timedeltas(timedelta(0), timedelta(days=40)))
def test_working_time_between_matches_day_by_day_count(cal, a, span):
    b = a + span
    expected = timedelta(0)
    day = a.astimezone(cal.tz).date()
    while day <= b.astimezone(cal.tz).date():
        if cal.is_working_day(day):
            opening = datetime.combine(day, cal.day_start, tzinfo=cal.tz)
            closing = datetime.combine(day, cal.day_end, tzinfo=cal.tz)
            expected += max(min(b, closing) - max(a, opening), timedelta(0))
        day += timedelta(days=1)
    assert cal.working_time_between(a, b) == expected


@settings(max_examples=100, deadline=None)
@given(cal=calendars(), at=instants(), n=st.integers(0, 30))
def test_next_working_instant_and_add_working_days(cal, at, n):
    nxt = cal.next_working_instant(at)
    assert nxt >= at
    assert cal.working_time_between(at, nxt) == timedelta(0)
    assert cal.next_working_instant(nxt) == nxt
    assert cal.add_working_days(at, n) == cal.add_working_time(at, n * cal.day_length())
