"""Throttling password guesses at the login page, the admin and POST /api/v1/auth/token.

Counters live in the Django cache (locmem in tests, a file cache in development, Redis in
production, where `add` and `incr` are atomic, so parallel guesses are all counted):

* per username: LOGIN_MAX_FAILS_PER_USER failures within LOGIN_LOCK_MINUTES lock the username for
  LOGIN_LOCK_MINUTES, even for the right password (the owner waits, or an admin runs
  `manage.py login_unlock <username>`);
* per client address: LOGIN_MAX_FAILS_PER_IP failures within the window lock the address out of
  every username for the rest of the window (one address guessing many usernames).

A success clears the username's count, never the address's. Unknown usernames are counted like
real ones, so the lock says nothing about whether an account exists. The counters and locks:
permits/core/throttle.py (shared with the tracking throttle). Why not django-axes:
docs/SECURITY.md ("Login throttling").
"""

import logging
import time

from django.conf import settings

from .throttle import Verdict, digest, throttle_check, throttle_failed, window_clear

log = logging.getLogger("permits.core.login")


def _clock() -> float:
    """Seconds since the epoch (tests replace this)."""
    return time.time()


def window_seconds() -> int:
    return int(getattr(settings, "LOGIN_LOCK_MINUTES", 15)) * 60


def _key(scope: str, value: str) -> str:
    return f"core:login:{scope}:{digest(value)}"


def _norm(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_check(*, username: str, ip: str) -> Verdict:
    """Before checking a password: is this username or this address locked right now?"""
    return throttle_check(
        key=_key("user", _norm(username)),
        scope="user",
        ip_key=_key("ip", ip),
        now=_clock(),
        window=window_seconds(),
        max_ip_fails=int(settings.LOGIN_MAX_FAILS_PER_IP),
    )


def login_failed(*, username: str, ip: str, via: str) -> Verdict:
    """Record one failed attempt (wrong password, unknown or inactive user) and log it; the verdict
    for the next attempt, so the answer can already say that the username is now locked."""
    user_count, ip_count, locked = throttle_failed(
        key=_key("user", _norm(username)),
        ip_key=_key("ip", ip),
        now=_clock(),
        window=window_seconds(),
        max_key_fails=int(settings.LOGIN_MAX_FAILS_PER_USER),
    )
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
    window_clear(_key("user", _norm(username)), and_lock=True)


def login_unlock(*, username: str) -> None:
    """Lift a username's lock-out (manage.py login_unlock)."""
    window_clear(_key("user", _norm(username)), and_lock=True)
