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
backend and testable with an injected clock.
"""

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

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


@dataclass(frozen=True)
class Verdict:
    """Whether a lookup may proceed; when not, why (`ip` or `number`) and for how many seconds."""

    allowed: bool
    scope: str = ""
    retry_after: int = 0


ALLOWED = Verdict(True)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies of our own the address
    the outermost of them saw (X-Forwarded-For, counted from the right; anything further left was
    written by the client and is not trusted). IPv6 clients are counted per /64 (one subscriber)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    candidate = remote
    if trusted > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted:
            candidate = hops[-trusted]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        try:
            address = ipaddress.ip_address(remote)
        except ValueError:
            return "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _digest(value: str) -> str:
    # Cache keys must be short and safe on every backend, whatever the client typed.
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


def _ip_key(ip: str) -> str:
    return f"portal:track:ip:{_digest(ip)}"


def _number_key(number: str) -> str:
    return f"portal:track:no:{_digest(number)}"


def _window_count(key: str, now: float) -> tuple[int, float]:
    """(failures counted, window start) for the live window of `key`, or (0, now) when none."""
    start = cache.get(f"{key}:start")
    if start is None or now - start >= window_seconds():
        return 0, now
    return int(cache.get(f"{key}:n:{start}") or 0), start


def _window_add(key: str, now: float) -> int:
    """Count one failure in the window of `key` (opening one if needed); the count after it."""
    ttl = window_seconds() + 60
    start = cache.get(f"{key}:start")
    if start is None or now - start >= window_seconds():
        # A stale or missing window: open a new one. `add` loses to a parallel opener, whose
        # start we then read back, so both count in the same window.
        if start is not None:
            cache.delete(f"{key}:start")
        cache.add(f"{key}:start", now, ttl)
        start = cache.get(f"{key}:start", now)
    counter = f"{key}:n:{start}"
    cache.add(counter, 0, ttl)
    try:
        count = cache.incr(counter)
    except ValueError:  # evicted between add and incr
        cache.set(counter, 1, ttl)
        count = 1
    cache.touch(counter, ttl)  # backends whose incr rewrites the entry with the default timeout
    return count


def _window_clear(key: str) -> None:
    start = cache.get(f"{key}:start")
    cache.delete_many([f"{key}:start", f"{key}:n:{start}"])


def tracking_check(ip: str, number: str) -> Verdict:
    """Before checking a PIN: is this client, or this number, throttled right now?"""
    now = _clock()
    locked_until = cache.get(f"{_number_key(number)}:lock")
    if locked_until is not None and locked_until > now:
        return Verdict(False, "number", max(1, math.ceil(locked_until - now)))
    count, start = _window_count(_ip_key(ip), now)
    if count >= max_fails_per_ip():
        return Verdict(False, "ip", max(1, math.ceil(start + window_seconds() - now)))
    return ALLOWED


def tracking_failed(ip: str, number: str) -> Verdict:
    """Record one failed lookup (unknown number or wrong PIN alike) and log it, without the PIN.

    Returns the verdict for the next attempt, so the answer can already say when a number has just
    been locked.
    """
    now = _clock()
    ip_count = _window_add(_ip_key(ip), now)
    number_key = _number_key(number)
    number_count = _window_add(number_key, now)
    locked = number_count >= max_fails_per_number()
    if locked:
        cache.set(f"{number_key}:lock", now + window_seconds(), window_seconds() + 60)
        _window_clear(number_key)  # after the lock, the number starts afresh
    log.warning(
        "tracking lookup failed ip=%s number=%r ip_failures=%d number_failures=%d%s",
        ip,
        number[:40],
        ip_count,
        number_count,
        " number_locked" if locked else "",
    )
    return tracking_check(ip, number)


def tracking_succeeded(number: str) -> None:
    """A right PIN clears the number's failure count (never the client's: a valid receipt of one's
    own must not buy more guesses at other numbers)."""
    _window_clear(_number_key(number))
