"""A fixed-window counter per client in the shared cache, so the public form cannot fill the disk."""

from django.conf import settings
from django.core.cache import cache

from permits.core.clients import client_ip  # one reading of the client's address (TRUSTED_PROXY_COUNT)

__all__ = ["booking_throttle_count", "booking_throttled", "client_ip"]


def _key(ip: str) -> str:
    return f"booking:create:{ip}"


def booking_throttled(ip: str) -> bool:
    """True when `ip` has created BOOKING_THROTTLE_LIMIT bookings in the current window."""
    return (cache.get(_key(ip)) or 0) >= settings.BOOKING_THROTTLE_LIMIT


def booking_throttle_count(ip: str) -> None:
    """Count one created booking for `ip`; the window starts with its first booking."""
    key = _key(ip)
    cache.add(key, 0, timeout=settings.BOOKING_THROTTLE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: start a new window
        cache.set(key, 1, timeout=settings.BOOKING_THROTTLE_WINDOW_SECONDS)
