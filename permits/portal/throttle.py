"""Throttling tracking lookups: a six-digit PIN is only as strong as the limit on guesses.

Counters live in the Django cache (locmem in tests, a file cache in development, Redis in
production, where `add` and `incr` are atomic, so parallel guesses are all counted):

* per client address: at most TRACKING_MAX_FAILS_PER_IP failed lookups per window; further
  lookups from that address are refused until the window ends;
* per registration number: after TRACKING_MAX_FAILS_PER_NUMBER failed lookups in a window the
  number is locked for TRACKING_LOCK_MINUTES, for everyone and even with the right PIN.

Unknown numbers are counted and locked exactly like real ones, so the lock says nothing about
whether a number exists. A window starts at its first failure and lasts TRACKING_LOCK_MINUTES.
The times are kept as values (not only as cache expiry), so the arithmetic is exact on every
backend and testable with an injected clock. The counters and locks: permits/core/throttle.py
(shared with the login throttle).
"""

import logging
import time

from django.conf import settings

from permits.core.clients import client_ip  # the portal's views read it from here
from permits.core.throttle import Verdict, digest, throttle_check, throttle_failed, window_clear

__all__ = ["Verdict", "client_ip", "tracking_check", "tracking_failed", "tracking_succeeded"]

log = logging.getLogger("permits.portal.tracking")


def _clock() -> float:
    """Seconds since the epoch (tests replace this)."""
    return time.time()


def window_seconds() -> int:
    return int(getattr(settings, "TRACKING_LOCK_MINUTES", 15)) * 60


def max_fails_per_ip() -> int:
    return int(getattr(settings, "TRACKING_MAX_FAILS_PER_IP", 20))


def max_fails_per_number() -> int:
    return int(getattr(settings, "TRACKING_MAX_FAILS_PER_NUMBER", 5))


def _ip_key(ip: str) -> str:
    return f"portal:track:ip:{digest(ip)}"


def _number_key(number: str) -> str:
    return f"portal:track:no:{digest(number)}"


def tracking_check(ip: str, number: str) -> Verdict:
    """Before checking a PIN: is this client, or this number, throttled right now?"""
    return throttle_check(
        key=_number_key(number),
        scope="number",
        ip_key=_ip_key(ip),
        now=_clock(),
        window=window_seconds(),
        max_ip_fails=max_fails_per_ip(),
    )


def tracking_failed(ip: str, number: str) -> Verdict:
    """Record one failed lookup (unknown number or wrong PIN alike) and log it, without the PIN.

    Returns the verdict for the next attempt, so the answer can already say when a number has just
    been locked.
    """
    number_count, ip_count, locked = throttle_failed(
        key=_number_key(number),
        ip_key=_ip_key(ip),
        now=_clock(),
        window=window_seconds(),
        max_key_fails=max_fails_per_number(),
    )
    log.warning(
        "tracking lookup failed ip=%s number=%r ip_failures=%d number_failures=%d%s",
        ip,
        number[:40],
        ip_count,
        number_count,
        " number_locked" if locked else "",
    )
    return tracking_check(ip, number)


def tracking_succeeded(number: str, verdict: Verdict) -> None:
    """A right PIN clears the number's failure count (never the client's: a valid receipt of one's
    own must not buy more guesses at other numbers). `verdict` is the check's: with no failure
    counted for the number there is nothing to clear, and no cache round trip is spent."""
    if verdict.key_failures:
        window_clear(_number_key(number))
