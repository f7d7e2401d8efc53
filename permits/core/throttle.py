"""Guess throttling in the Django cache, shared by the login throttle (permits/core/login_throttle.py)
and the tracking throttle (permits/portal/throttle.py): both lock a guessed key (a username, a
registration number) after too many failures, and shut out a client address that fails too often
across keys.

A key's window opens at its first failure and lasts `window` seconds; a lock is a separate entry
holding the moment it ends. Times are kept as values (not only as cache expiry), so the arithmetic
is exact on every backend and testable with an injected clock: every function takes `now`, and the
caller reads its own clock. On Redis `add` and `incr` are atomic, so parallel failures all count.
"""

import hashlib
import math
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may proceed; when not, why (the key's scope, or `ip`) and for how many seconds."""

    allowed: bool
    scope: str = ""
    retry_after: int = 0
    # Allowed, but the key has failures counted in a live window: a success should clear them.
    key_failures: bool = False

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def digest(value: str) -> str:
    """A short key part that is safe on every backend, whatever the client typed."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


def throttle_check(*, key: str, scope: str, ip_key: str, now: float, window: int, max_ip_fails: int) -> Verdict:
    """Before checking a secret: is `key` locked (scope `scope`), or has the address `ip_key` used up
    its failures in the live window (scope `ip`)?

    One cache round trip when the address has no live failures (the common case: every lookup of a
    refreshed tracking page passes here); a second one only to read the address's count.
    """
    found = cache.get_many([f"{key}:lock", f"{ip_key}:start", f"{key}:start"])
    locked_until = found.get(f"{key}:lock")
    if locked_until is not None and locked_until > now:
        return Verdict(False, scope, max(1, math.ceil(locked_until - now)))
    start = found.get(f"{ip_key}:start")
    if start is not None and now - start < window:
        count = int(cache.get(f"{ip_key}:n:{start}") or 0)
        if count >= max_ip_fails:
            return Verdict(False, "ip", max(1, math.ceil(start + window - now)))
    return Verdict(True, key_failures=found.get(f"{key}:start") is not None)


def throttle_failed(*, key: str, ip_key: str, now: float, window: int, max_key_fails: int) -> tuple[int, int, bool]:
    """Count one failure for the address and for `key`; at `max_key_fails` lock `key` for a window
    (its count then starts afresh). Returns (the key's failures, the address's failures, locked)."""
    ip_count = _window_add(ip_key, now, window)
    count = _window_add(key, now, window)
    locked = count >= max_key_fails
    if locked:
        cache.set(f"{key}:lock", now + window, window + 60)
        window_clear(key)
    return count, ip_count, locked


def window_clear(key: str, *, and_lock: bool = False) -> None:
    """Forget the failures of `key` (its count starts afresh); its lock too with `and_lock`."""
    start = cache.get(f"{key}:start")
    keys = [f"{key}:start", f"{key}:n:{start}"]
    cache.delete_many([*keys, f"{key}:lock"] if and_lock else keys)


def _window_add(key: str, now: float, window: int) -> int:
    """Count one failure in the live window of `key` (opening one if needed); the count after it."""
    ttl = window + 60
    start = cache.get(f"{key}:start")
    if start is None or now - start >= window:
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
