import datetime
from datetime import timedelta

import pytest

from permits.conftest import make_permit_type
from permits.core.workdays import WorkCalendar
from permits.portal.tests.conftest import JKT, NOW, _empty_cache, finished_application  # noqa: F401 (autouse fixture)
from permits.workflow import estimates
from permits.workflow.estimates import Estimate, completion_days, estimate_from_days, percentile, permit_type_estimate

# --- pure arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([15, 20, 35, 40, 50], 5, 15),
        ([15, 20, 35, 40, 50], 30, 20),
        ([15, 20, 35, 40, 50], 40, 20),
        ([15, 20, 35, 40, 50], 50, 35),
        ([15, 20, 35, 40, 50], 100, 50),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 25, 7),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 50, 8),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 75, 15),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 90, 16),
        ([3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], 90, 16),
        ([7.5], 90, 7.5),
    ],
)
def test_percentile_is_nearest_rank(values, p, expected):
    assert percentile(values, p) == expected


def test_percentile_ignores_input_order_and_returns_an_observed_value():
    values = [9.5, 1.0, 4.25, 3.0, 7.0, 2.0]
    assert percentile(values, 50) == percentile(sorted(values), 50) == 3.0
    assert percentile(values, 90) in values


@pytest.mark.parametrize("p", [0, -1, 100.1])
def test_percentile_refuses_out_of_range(p):
    with pytest.raises(ValueError):
        percentile([1, 2, 3], p)


def test_percentile_refuses_empty_sample():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_estimate_from_days_hidden_below_five_and_shown_from_five():
    assert estimate_from_days([1, 2, 3, 4]) is None
    assert estimate_from_days([5, 1, 4, 2, 3]) == Estimate(median_days=3, p90_days=5, sample_size=5)


def test_completion_days_counts_working_days_and_subtracts_pauses():
    cal = WorkCalendar()
    friday = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=JKT)
    wednesday = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=JKT)  # Fri 12:00 -> Wed 12:00: 3 working days
    assert completion_days(cal, friday, wednesday, 0) == 3
    assert completion_days(cal, friday, wednesday, 4 * 3600) == 2.5
    assert completion_days(cal, friday, wednesday, 10**6) == 0  # never negative


# --- from the office's history ------------------------------------------------------------------


@pytest.fixture
def pt(db):
    return make_permit_type("EST")


def test_estimate_hidden_with_fewer_than_five_completions(pt):
    for days in (3, 4, 5, 6):
        finished_application(pt, days)
    assert permit_type_estimate(pt.pk, now=NOW) is None


def test_estimate_median_and_p90_from_recent_collections_of_this_type_only(pt):
    for days in (2, 3, 4, 5, 6, 7, 8, 9, 10, 20):
        finished_application(pt, days)
    # None of these count: refused, withdrawn, too old, another permit type, still running.
    finished_application(pt, 1, status="rejected")
    finished_application(pt, 1, status="withdrawn")
    finished_application(pt, 1, finished=NOW - timedelta(days=181))
    finished_application(make_permit_type("OTHER"), 1)
    estimate = permit_type_estimate(pt.pk, now=NOW)
    assert estimate == Estimate(median_days=6, p90_days=10, sample_size=10)


def test_estimate_does_not_count_time_the_file_spent_with_the_applicant(pt):
    for days in (4, 4, 4, 4, 4):
        finished_application(pt, days, paused_days=3)
    assert permit_type_estimate(pt.pk, now=NOW) == Estimate(median_days=4, p90_days=4, sample_size=5)


def test_estimate_reads_only_the_most_recent_completions(pt, monkeypatch):
    monkeypatch.setattr(estimates, "MAX_SAMPLE", 5)
    for i, days in enumerate((1, 1, 1, 1, 1)):  # older, fast
        finished_application(pt, days, finished=NOW - timedelta(days=30 + i))
    for i, days in enumerate((9, 9, 9, 9, 9)):  # recent, slow
        finished_application(pt, days, finished=NOW - timedelta(days=i))
    assert permit_type_estimate(pt.pk, now=NOW) == Estimate(median_days=9, p90_days=9, sample_size=5)


def test_estimate_is_cached_per_permit_type(pt, django_assert_num_queries):
    for days in (2, 3, 4, 5):
        finished_application(pt, days)
    with django_assert_num_queries(1):
        assert permit_type_estimate(pt.pk, now=NOW) is None
    finished_application(pt, 6)
    with django_assert_num_queries(0):
        assert permit_type_estimate(pt.pk, now=NOW) is None  # the kept answer, until the worker refreshes it
    assert permit_type_estimate(pt.pk, now=NOW, use_cache=False).sample_size == 5
    assert estimates.CACHE_SECONDS > estimates.REFRESH_MINUTES * 60  # a missed refresh leaves it in place


def test_the_workers_refresh_keeps_every_types_estimate_for_the_readers(pt, django_assert_num_queries):
    other = make_permit_type("LAIN")
    for days in (2, 3, 4, 5, 6):
        finished_application(pt, days)
    assert estimates.estimates_refresh(now=NOW) >= 2
    with django_assert_num_queries(0):  # readers compute nothing
        assert permit_type_estimate(pt.pk, now=NOW).sample_size == 5
        assert permit_type_estimate(other.pk, now=NOW) is None
    finished_application(pt, 7)
    estimates.estimates_refresh(now=NOW)
    with django_assert_num_queries(0):
        assert permit_type_estimate(pt.pk, now=NOW).sample_size == 6
