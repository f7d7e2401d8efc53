"""A fixed-window quota of bookings per client, so the public form cannot fill the disk.

A booking is reserved before the form is read (permits/core/throttle.py: quota_take, atomic in Redis
or the database), so parallel posts count like sequential ones; a post that creates no booking
(refused for its size or CSRF, or invalid) gives its reservation back.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from permits.core.clients import client_ip  # one reading of the client's address (TRUSTED_PROXY_COUNT)
from permits.core.throttle import quota_give_back, quota_take

__all__ = ["BookingSlot", "booking_slot", "client_ip"]


def _clock() -> float:
    """Seconds since the epoch (tests replace this)."""
    return time.time()


def _key(ip: str) -> str:
    return f"booking:create:{ip}"


class BookingSlot:
    """One booking reserved against the client's quota: `use()` once the booking exists."""

    def __init__(self) -> None:
        self.used = False

    def use(self) -> None:
        self.used = True


@contextmanager
def booking_slot(ip: str) -> Iterator[BookingSlot | None]:
    """Reserve one of the BOOKING_THROTTLE_LIMIT bookings `ip` has per window (which starts with its
    first); None when they are used up. On leaving, an unused slot is given back."""
    key = _key(ip)
    verdict = quota_take(
        key=key, limit=settings.BOOKING_THROTTLE_LIMIT, window=settings.BOOKING_THROTTLE_WINDOW_SECONDS, now=_clock()
    )
    if not verdict.allowed:
        yield None
        return
    slot = BookingSlot()
    try:
        yield slot
    finally:
        if not slot.used:
            quota_give_back(key)
