"""How long this office really takes for a permit type: median and 90th percentile of recent completions.

Shown to the applicant next to the promised date, clearly labelled as an estimate. The arithmetic
(`percentile`, `completion_days`, `estimate_from_days`) is pure; `permit_type_estimate` reads a
bounded slice of history and caches the answer, so a busy tracking page costs one cache read.
The figure is the same for every applicant of a type: `estimates_refresh` (a worker job every
REFRESH_MINUTES) recomputes every type's and puts it in the cache for longer than that, so a reader
computes one only when the worker has not run (a fresh install, a cleared cache).
"""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.core.cache import cache

from permits.catalog.models import PermitType
from permits.core.calendar import office_calendar
from permits.core.clock import now_or
from permits.core.workdays import WorkCalendar
from permits.workflow.models import Application

WINDOW_DAYS = 180  # completions older than this no longer describe the office
MAX_SAMPLE = 500  # the most recent completions only: the read does not grow with history
MIN_SAMPLE = 5  # below this an estimate would mislead: hide it
REFRESH_MINUTES = 10
CACHE_SECONDS = 6 * REFRESH_MINUTES * 60  # outlives a few missed refreshes


@dataclass(frozen=True)
class Estimate:
    """Working days from registration to collection, paused time excluded."""

    median_days: float
    p90_days: float
    sample_size: int

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank `p`th percentile (0 < p <= 100): always one of the observed values.

    Nearest rank: the smallest value such that at least p% of the values are <= it
    (rank = ceil(p/100 * n)).
    """
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {p}")
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def completion_days(cal: WorkCalendar, registered_at: datetime, finished_at: datetime, paused_seconds: int) -> float:
    """Working days the office spent on one file: registration to finish minus the recorded pauses."""
    spent = cal.working_time_between(registered_at, finished_at) - timedelta(seconds=paused_seconds or 0)
    return max(spent, timedelta(0)) / cal.day_length()


def estimate_from_days(days: Sequence[float], *, min_sample: int = MIN_SAMPLE) -> Estimate | None:
    """Median and 90th percentile (nearest rank, one decimal), or None with too little history."""
    if len(days) < min_sample:
        return None
    return Estimate(
        median_days=round(percentile(days, 50), 1),
        p90_days=round(percentile(days, 90), 1),
        sample_size=len(days),
    )


def _cache_key(permit_type_id: int) -> str:
    return f"portal:estimate:v1:{permit_type_id}"


_MISSING = object()


def permit_type_estimate(
    permit_type_id: int, *, now: datetime | None = None, use_cache: bool = True
) -> Estimate | None:
    """The estimate for a permit type from its completions of the last WINDOW_DAYS days.

    One query on the (permit_type, status) index, limited to the MAX_SAMPLE most recent
    completions and reading three columns only; the answer (None included) is cached for
    CACHE_SECONDS per permit type in the shared cache.
    """
    key = _cache_key(permit_type_id)
    if use_cache:
        cached = cache.get(key, _MISSING)
        if cached is not _MISSING:
            return Estimate(**cached) if cached else None
    now = now_or(now)
    rows = (
        Application.objects.filter(
            permit_type_id=permit_type_id,
            status=Application.Status.COLLECTED,
            finished_at__isnull=False,
            finished_at__gte=now - timedelta(days=WINDOW_DAYS),
        )
        .order_by("-finished_at")
        .values_list("registered_at", "finished_at", "paused_seconds")[:MAX_SAMPLE]
    )
    cal = office_calendar()
    estimate = estimate_from_days([completion_days(cal, r, f, p) for r, f, p in rows])
    if use_cache:
        cache.set(key, estimate.as_dict() if estimate else None, CACHE_SECONDS)
    return estimate


def estimates_refresh(*, now: datetime | None = None) -> int:
    """Recompute and keep the estimate of every permit type (the worker's job); how many were kept."""
    types = list(PermitType.objects.values_list("id", flat=True))
    for permit_type_id in types:
        found = permit_type_estimate(permit_type_id, now=now, use_cache=False)
        cache.set(_cache_key(permit_type_id), found.as_dict() if found else None, CACHE_SECONDS)
    return len(types)
