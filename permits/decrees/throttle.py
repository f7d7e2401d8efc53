"""Limit on PDF checks at /verify/<token>: each one parses an uploaded file and validates a signature,
so a client address gets DECREE_VERIFY_UPLOADS_PER_HOUR of them per clock hour, each taken before the
file is read (permits/core/throttle.py: quota_take, atomic in Redis or the database; the address as
the portal reads it, behind TRUSTED_PROXY_COUNT proxies)."""

import time

from django.conf import settings

from permits.core.throttle import digest, quota_take

WINDOW_SECONDS = 3600


def _clock() -> float:
    return time.time()


def upload_allowed(ip: str) -> tuple[bool, int]:
    """Take one upload from `ip`'s quota of this clock hour: (allowed, seconds until the hour ends)."""
    now = _clock()
    hour = int(now // WINDOW_SECONDS)
    retry_after = max(1, int((hour + 1) * WINDOW_SECONDS - now))
    verdict = quota_take(
        key=f"decrees:verify:{digest(ip)}:{hour}",
        limit=int(settings.DECREE_VERIFY_UPLOADS_PER_HOUR),
        window=(hour + 1) * WINDOW_SECONDS - now,  # the window ends with the clock hour
        now=now,
    )
    return verdict.allowed, retry_after
