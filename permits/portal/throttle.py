"""Throttling tracking lookups: a six-digit PIN is only as strong as the limit on guesses.

Every lookup with a PIN is reserved before the PIN is compared (permits/core/throttle.py: counters
in Redis, or in the database without Redis, changed atomically, so parallel guesses count like
sequential ones):

* per client address: at most TRACKING_MAX_FAILS_PER_IP failed lookups per window; further
  lookups from that address are refused until the window ends;
* per registration number: the TRACKING_MAX_FAILS_PER_NUMBER-th lookup in a window locks the
  number for TRACKING_LOCK_MINUTES, for everyone and even with the right PIN (unless that very
  lookup had the right PIN, which clears the number).

Unknown numbers are counted and locked exactly like real ones, so the lock says nothing about
whether a number exists. A window starts at its first counted lookup and lasts
TRACKING_LOCK_MINUTES; a right PIN gives its lookup back, so only failures use up the limits.
"""

import logging
import time

from django.conf import settings

from permits.core.clients import client_ip  # the portal's views read it from here
from permits.core.throttle import Attempt, Verdict, attempt_failed, attempt_reserve, attempt_succeeded, digest

__all__ = ["Attempt", "Verdict", "client_ip", "tracking_failed", "tracking_reserve", "tracking_succeeded"]

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


def tracking_reserve(ip: str, number: str) -> Attempt:
    """Before checking a PIN: count the lookup for this client and this number, or refuse it."""
    return attempt_reserve(
        key=_number_key(number),
        scope="number",
        ip_key=_ip_key(ip),
        now=_clock(),
        window=window_seconds(),
        max_key_fails=max_fails_per_number(),
        max_ip_fails=max_fails_per_ip(),
    )


def tracking_failed(attempt: Attempt, *, ip: str, number: str) -> Verdict:
    """A failed lookup (unknown number or wrong PIN alike): its reservation stays counted; logged
    without the PIN. The verdict for the next attempt."""
    verdict = attempt_failed(attempt)
    log.warning(
        "tracking lookup failed ip=%s number=%r ip_failures=%d number_failures=%d%s",
        ip,
        number[:40],
        attempt.ip_count,
        attempt.key_count,
        " number_locked" if verdict.scope == "number" else "",
    )
    return verdict


def tracking_succeeded(attempt: Attempt) -> None:
    """A right PIN clears the number's failures (never the client's: a valid receipt of one's own
    must not buy more guesses at other numbers); the client gets this lookup back."""
    attempt_succeeded(attempt)
