"""Throttling password guesses at the login page, the admin and POST /api/v1/auth/token.

Counters live in the Django cache (locmem in tests, a file cache in development, Redis in
production, where `add` and `incr` are atomic, so parallel guesses are all counted):

* per username: LOGIN_MAX_FAILS_PER_USER failures within LOGIN_LOCK_MINUTES lock the username for
  LOGIN_LOCK_MINUTES, even for the right password (the owner waits, or an admin runs
  `manage.py login_unlock <username>`);
* per client address: LOGIN_MAX_FAILS_PER_IP failures within the window lock the address out of
  every username for the rest of the window (one address guessing many usernames).

A success clears the username's count, never the address's. Unknown usernames are counted like
real ones, so the lock says nothing about whether an account exists. Why not django-axes:
docs/SECURITY.md ("Login throttling").
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger("permits.core.login")


def _clock() -> float:
    """Seconds since the epoch (tests replace this)."""
    return time.time()


def window_seconds() -> int:
    return int(getattr(settings, "LOGIN_LOCK_MINUTES", 15)) * 60


@dataclass(frozen=True)
class Verdict:
    """Whether a login attempt may proceed; when not, why (`user` or `ip`) and for how many seconds."""

    allowed: bool
    scope: str = ""
    retry_after: int = 0

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


ALLOWED = Verdict(True)


def _key(scope: str, value: str) -> str:
    # Cache keys must be short and safe on every backend, whatever the client typed.
    return f"core:login:{scope}:{hashlib.sha256(value.encode('utf-8', 'replace')).hexdigest()[:32]}"


def _norm(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _window_add(key: str, now: float) -> int:
    """Count one failure in the live window of `key` (opening one if needed); the count after it."""
    ttl = window_seconds() + 60
    start = cache.get(f"{key}:start")
    if start is None or now - start >= window_seconds():
        if start is not None:
            cache.delete(f"{key}:start")
        cache.add(f"{key}:start", now, ttl)  # a parallel opener wins; both then count in its window
        start = cache.get(f"{key}:start", now)
    counter = f"{key}:n:{start}"
    cache.add(counter, 0, ttl)
    try:
        count = cache.incr(counter)
    except ValueError:  # evicted between add and incr
        cache.set(counter, 1, ttl)
        count = 1
    cache.touch(counter, ttl)
    return count


def _window_count(key: str, now: float) -> tuple[int, float]:
    start = cache.get(f"{key}:start")
    if start is None or now - start >= window_seconds():
        return 0, now
    return int(cache.get(f"{key}:n:{start}") or 0), start


def _window_clear(key: str) -> None:
    start = cache.get(f"{key}:start")
    cache.delete_many([f"{key}:start", f"{key}:n:{start}", f"{key}:lock"])


def login_check(*, username: str, ip: str) -> Verdict:
    """Before checking a password: is this username or this address locked right now?"""
    now = _clock()
    locked_until = cache.get(f"{_key('user', _norm(username))}:lock")
    if locked_until is not None and locked_until > now:
        return Verdict(False, "user", max(1, math.ceil(locked_until - now)))
    count, start = _window_count(_key("ip", ip), now)
    if count >= int(settings.LOGIN_MAX_FAILS_PER_IP):
        return Verdict(False, "ip", max(1, math.ceil(start + window_seconds() - now)))
    return ALLOWED


def login_failed(*, username: str, ip: str, via: str) -> Verdict:
    """Record one failed attempt (wrong password, unknown or inactive user) and log it; the verdict
    for the next attempt, so the answer can already say that the username is now locked."""
    now = _clock()
    ip_count = _window_add(_key("ip", ip), now)
    user_key = _key("user", _norm(username))
    user_count = _window_add(user_key, now)
    locked = user_count >= int(settings.LOGIN_MAX_FAILS_PER_USER)
    if locked:
        cache.set(f"{user_key}:lock", now + window_seconds(), window_seconds() + 60)
        start = cache.get(f"{user_key}:start")
        cache.delete_many([f"{user_key}:start", f"{user_key}:n:{start}"])  # after the lock, start afresh
    log.warning(
        "login failed via=%s username=%r ip=%s user_failures=%d ip_failures=%d%s",
        via,
        _norm(username)[:40],
        ip,
        user_count,
        ip_count,
        " username_locked" if locked else "",
    )
    return login_check(username=username, ip=ip)


def login_succeeded(*, username: str) -> None:
    _window_clear(_key("user", _norm(username)))


def login_unlock(*, username: str) -> None:
    """Lift a username's lock-out (manage.py login_unlock)."""
    _window_clear(_key("user", _norm(username)))
