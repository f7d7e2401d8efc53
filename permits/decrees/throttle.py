"""Limit on PDF checks at /verify/<token>: each one parses an uploaded file and validates a signature,
so a client address gets DECREE_VERIFY_UPLOADS_PER_HOUR of them per clock hour (cache counters,
atomic on Redis; the address as the portal reads it, behind TRUSTED_PROXY_COUNT proxies)."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def _clock() -> float:
    return time.time()


def upload_allowed(ip: str) -> tuple[bool, int]:
    """Count one upload from `ip`: (allowed, seconds until the window ends)."""
    now = _clock()
    window = int(now // WINDOW_SECONDS)
    key = "decrees:verify:" + hashlib.sha256(ip.encode("utf-8", "replace")).hexdigest()[:32] + f":{window}"
    cache.add(key, 0, WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 60)
        count = 1
    retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now))
    return count <= int(settings.DECREE_VERIFY_UPLOADS_PER_HOUR), retry_after
