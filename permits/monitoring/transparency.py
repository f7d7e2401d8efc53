"""The public transparency page: per permit type, the service standard, the share of applications
finished on time and the median working days, over the last MONITOR_TRANSPARENCY_DAYS days.

Nothing personal is read: counts, instants and paused time only. "Finished" means decided: the
decree was signed, or the application was rejected (the applicant's own wait for pickup is not
the office's time). The shares are exact counts; the median comes from the most recent
MAX_SAMPLE decisions per type (a window function picks them), so the cost does not grow with
history; the answer is cached for CACHE_SECONDS.
"""

import datetime
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from permits.catalog.models import PermitType
from permits.core.calendar import office_calendar
from permits.core.clock import now_or
from permits.workflow.estimates import completion_days, percentile

from .selectors import decisions_rejected, decisions_signed

MAX_SAMPLE = 500
CACHE_SECONDS = 600
CACHE_KEY = "monitoring:transparency:v1"


def _counts(rows, into: dict) -> None:
    for pt_id, n, ok in rows:
        into[pt_id][0] += n
        into[pt_id][1] += ok


def transparency_rows(*, now: datetime.datetime | None = None, use_cache: bool = True) -> list[dict]:
    """One dict per active permit type (plus any with decisions in the window)."""
    if use_cache:
        cached = cache.get(CACHE_KEY)
        if cached is not None:
            return cached
    now = now_or(now)
    days = settings.MONITOR_TRANSPARENCY_DAYS
    start = now - timedelta(days=days)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    signed = decisions_signed(start, now)
    rejected = decisions_rejected(start, now)
    _counts(
        signed.values_list("application__permit_type")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(finished_at__lte=F("application__promised_completion_at"))))
        .order_by(),
        counts,
    )
    _counts(
        rejected.values_list("permit_type")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(finished_at__lte=F("promised_completion_at"))))
        .order_by(),
        counts,
    )
    samples: dict[int, list[tuple]] = defaultdict(list)
    for qs, key, registered, paused in (
        (signed, "application__permit_type", "application__registered_at", "application__paused_seconds"),
        (rejected, "permit_type", "registered_at", "paused_seconds"),
    ):
        recent = (
            qs.annotate(
                rn=Window(RowNumber(), partition_by=[F(key)], order_by=[F("finished_at").desc(), F("id").desc()])
            )
            .filter(rn__lte=MAX_SAMPLE)
            .values_list(key, registered, "finished_at", paused)
        )
        for pt_id, reg, fin, p in recent:
            samples[pt_id].append((fin, reg, p))
    cal = office_calendar()
    rows = []
    for pt in PermitType.objects.order_by("order", "code"):
        n, ok = counts.get(pt.pk, (0, 0))
        if not pt.active and not n:
            continue
        sample = sorted(samples.get(pt.pk, []), reverse=True)[:MAX_SAMPLE]
        spent = [completion_days(cal, reg, fin, p) for fin, reg, p in sample]
        rows.append(
            {
                "code": pt.code,
                "name_id": pt.name_id,
                "name_en": pt.name_en or pt.name_id,
                "is_sample": pt.is_sample,
                "standard_days": pt.service_standard_days,
                "decided": n,
                "on_time": ok,
                "share": round(100 * ok / n, 1) if n else None,
                "median_days": round(percentile(spent, 50), 1) if spent else None,
            }
        )
    if use_cache:
        cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return rows
