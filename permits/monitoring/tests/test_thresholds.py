"""The alert thresholds in working time (pure: no database)."""

import datetime
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from permits.core.workdays import JAKARTA, WorkCalendar
from permits.monitoring import thresholds as th

CAL = WorkCalendar(closed={datetime.date(2026, 12, 25), datetime.date(2026, 12, 24)})
H = timedelta(hours=1)


def jkt(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


instants = st.datetimes(
    min_value=datetime.datetime(2026, 11, 1),  # noqa: DTZ001  (hypothesis bounds are naive; timezones= makes them aware)
    max_value=datetime.datetime(2027, 1, 31),  # noqa: DTZ001
    timezones=st.just(JAKARTA),
)
durations = st.integers(min_value=0, max_value=80 * 3600).map(lambda s: timedelta(seconds=s))


@settings(max_examples=200, deadline=None)
@given(instants, durations)
def test_working_instant_before_is_the_latest_instant_with_that_much_working_time(end, d):
    x = th.working_instant_before(CAL, end, d)
    assert x <= end
    assert CAL.working_time_between(x, end) >= d
    assert CAL.working_time_between(x + timedelta(seconds=1), end) < d or d == timedelta(0)


@settings(max_examples=200, deadline=None)
@given(instants, durations)
def test_cutoff_after_is_the_latest_due_instant_with_at_most_that_much_left(now, d):
    y = th.cutoff_after(CAL, now, d)
    assert y >= now
    assert CAL.working_time_between(now, y) <= d
    assert CAL.working_time_between(now, y + timedelta(seconds=1)) > d


def test_warning_counts_working_time_not_the_wall_clock():
    # Opened Friday 15:00 with one working day: due Monday 15:00. On Sunday night 85% of the wall-clock
    # window is gone but only 1 of 8 working hours: no warning. Monday 13:00 leaves 2 h: 75% used.
    start = jkt(2026, 11, 27, 15)
    due = CAL.add_working_time(start, 8 * H)
    assert due == jkt(2026, 11, 30, 15)
    bound = 8 * 3600
    assert not th.is_warning(CAL, jkt(2026, 11, 29, 23), due, bound, 0.75)
    assert not th.is_warning(CAL, jkt(2026, 11, 30, 12, 59), due, bound, 0.75)
    assert th.is_warning(CAL, jkt(2026, 11, 30, 13), due, bound, 0.75)
    assert not th.is_warning(CAL, jkt(2026, 11, 30, 15, 1), due, bound, 0.75)  # overdue instead


def test_head_escalation_after_a_further_half_of_the_bound_in_working_time():
    due = jkt(2026, 11, 27, 15)  # Friday 15:00, bound 8 h: half = 4 working hours -> Monday 11:00
    assert not th.is_head_escalation(CAL, jkt(2026, 11, 30, 10, 59), due, 8 * 3600, 0.5)
    assert th.is_head_escalation(CAL, jkt(2026, 11, 30, 11), due, 8 * 3600, 0.5)


def test_idle_needs_the_working_hours_and_gives_way_to_overdue():
    last = jkt(2026, 11, 23, 9)
    due = jkt(2026, 11, 25, 9)
    assert not th.is_idle(CAL, jkt(2026, 11, 23, 16), due, last, 8 * H)  # 7 working hours
    assert th.is_idle(CAL, jkt(2026, 11, 24, 9), due, last, 8 * H)
    assert not th.is_idle(CAL, jkt(2026, 11, 25, 10), due, last, 8 * H)  # overdue now


def test_bound_buckets_cover_every_bound_once():
    buckets = th.bound_buckets()
    for bound in (0, 1, 7200, 7201, 8 * 3600, 320 * 3600, 320 * 3600 + 1, 10**7):
        hits = [b for b in buckets if bound > b[0] and (b[1] is None or bound <= b[1])]
        assert len(hits) == 1, bound
