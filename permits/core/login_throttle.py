"""Throttling password guesses at the login page, the admin and POST /api/v1/auth/token.

Every attempt is reserved before the password is checked (permits/core/throttle.py: counters in
Redis, or in the database without Redis, changed atomically, so parallel guesses count like
sequential ones):

* per username: LOGIN_MAX_FAILS_PER_USER attempts within LOGIN_LOCK_MINUTES lock the username for
  LOGIN_LOCK_MINUTES, even for the right password (the owner waits, or an admin runs
  `manage.py login_unlock <username>`);
* per client address: LOGIN_MAX_FAILS_PER_IP failures within the window lock the address out of
  every username for the rest of the window (one address guessing many usernames).

A success clears the username's count and gives its attempt back to the address (whose failures
stay). Unknown usernames are counted like
real ones, so the lock says nothing about whether an account exists. The counters and locks:
permits/core/throttle.py (shared with the tracking throttle). Why not django-axes:
docs/SECURITY.md ("Login throttling").
"""

import logging
import time

from django.conf import settings

from .throttle import Attempt, Verdict, attempt_failed, attempt_reserve, attempt_succeeded, digest, key_forget

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


def login_reserve(*, username: str, ip: str) -> Attempt:
    """Before checking a password: count the attempt for this username and address, or refuse it."""
    return attempt_reserve(
        key=_key("user", _norm(username)),
        scope="user",
        ip_key=_key("ip", ip),
        now=_clock(),
        window=window_seconds(),
        max_key_fails=int(settings.LOGIN_MAX_FAILS_PER_USER),
        max_ip_fails=int(settings.LOGIN_MAX_FAILS_PER_IP),
    )


def login_failed(attempt: Attempt, *, username: str, ip: str, via: str) -> Verdict:
    """A failed attempt (wrong password, unknown or inactive user) stays counted and is logged; the
    verdict for the next attempt, so the answer can already say that the username is now locked."""
    verdict = attempt_failed(attempt)
    log.warning(
        "login failed via=%s username=%r ip=%s user_failures=%d ip_failures=%d%s",
        via,
        _norm(username)[:40],
        ip,
        attempt.key_count,
        attempt.ip_count,
        " username_locked" if verdict.scope == "user" else "",
    )
    return verdict


def login_succeeded(attempt: Attempt) -> None:
    attempt_succeeded(attempt)


def login_unlock(*, username: str) -> None:
    """Lift a username's lock-out (manage.py login_unlock)."""
    key_forget(_key("user", _norm(username)))
