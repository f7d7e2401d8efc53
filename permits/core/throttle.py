"""Throttles that reserve an attempt before it is tried (DESIGN.md, invariant 12), shared by the login
throttle (permits/core/login_throttle.py), the tracking throttle (permits/portal/throttle.py, also
behind the decree download) and the quotas on bookings and decree checks.

Guesses at a secret (`attempt_reserve`): a guessed key (a username, a registration number) is locked
after too many failures, and a client address that fails too often is shut out across keys. An
attempt is counted for the key and the address *before* the secret is compared, in one atomic hit
of the counter store (permits/core/counters.py): the hit that reaches the key's limit locks the key
for a full window from now, and every hit beyond a limit is refused without comparing and given
back. A failure keeps its reservation (it is the failure's count); a success gives the address's
back and clears the key (count and lock). So N parallel guesses compare at most the limit, as N
sequential ones would. Under a burst a refusal can be conservative (a hit briefly counted by an
attempt that is then refused and given back); it never lets more through.

A key's window opens with its first counted attempt and lasts `window` seconds. Every function
takes `now` (the caller reads its own clock, which tests replace).
"""

import hashlib
import math
from dataclasses import dataclass

from .counters import counter_store


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may proceed; when not, why (the key's scope, `ip` or `quota`) and for how
    many seconds."""

    allowed: bool
    scope: str = ""
    retry_after: int = 0

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


ALLOWED = Verdict(True)


@dataclass(frozen=True)
class Attempt:
    """One guess reserved by `attempt_reserve`: compare the secret only when `allowed`, then report
    the outcome with `attempt_succeeded` or `attempt_failed`."""

    verdict: Verdict
    key: str
    ip_key: str
    key_count: int = 0
    ip_count: int = 0
    # What the next attempt will be told if this one fails (so an answer can say "now locked").
    if_failed: Verdict = ALLOWED

    @property
    def allowed(self) -> bool:
        return self.verdict.allowed


def digest(value: str) -> str:
    """A short key part that is safe on every backend, whatever the client typed."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


def attempt_reserve(
    *, key: str, scope: str, ip_key: str, now: float, window: int, max_key_fails: int, max_ip_fails: int
) -> Attempt:
    """Count one guess at `key` (refusals say `scope`) from the address `ip_key`, before it is tried.

    Refused (nothing compared, the counts given back) while the key is locked or the address has
    used up `max_ip_fails` in its window. The attempt that brings the key to `max_key_fails` locks
    it for `window` seconds from `now`: the attempts still running then are all the key gets.
    One round trip to the store when allowed; a second to give back a refusal or to set the lock.
    """
    store = counter_store()
    key_hit, ip_hit = store.hit([key, ip_key], ttl=window, now=now)
    refused = None
    if key_hit.count > max_key_fails:
        refused = Verdict(False, scope, key_hit.seconds_left(now))
    elif ip_hit.count > max_ip_fails:
        refused = Verdict(False, "ip", ip_hit.seconds_left(now))
    if refused is not None:
        store.release([key, ip_key])
        return Attempt(refused, key, ip_key)
    if_failed = ALLOWED
    if key_hit.count == max_key_fails:
        store.extend(key, ttl=window, now=now)
        if_failed = Verdict(False, scope, window)
    elif ip_hit.count == max_ip_fails:
        if_failed = Verdict(False, "ip", ip_hit.seconds_left(now))
    return Attempt(ALLOWED, key, ip_key, key_hit.count, ip_hit.count, if_failed)


def attempt_failed(attempt: Attempt) -> Verdict:
    """The guess was wrong: its reservation stays as the failure's count (nothing to write). The
    verdict for the next attempt."""
    return attempt.if_failed


def attempt_succeeded(attempt: Attempt) -> None:
    """The guess was right: the address gets its attempt back (its failures stay: a valid secret of
    one's own must not buy guesses at other keys) and the key's failures and lock are cleared."""
    counter_store().release([attempt.ip_key], clear=[attempt.key])


def key_forget(key: str) -> None:
    """Clear the failures and the lock of `key` (an admin lifting a lock)."""
    counter_store().release(clear=[key])


def quota_take(*, key: str, limit: int, window: float, now: float) -> Verdict:
    """Take one of the `limit` uses `key` has in its window (which opens with the first use and
    lasts `window` seconds), before the use; beyond the limit refused (scope `quota`) and not taken."""
    store = counter_store()
    (hit,) = store.hit([key], ttl=window, now=now)
    if hit.count > limit:
        store.release([key])
        return Verdict(False, "quota", hit.seconds_left(now))
    return ALLOWED


def quota_give_back(key: str) -> None:
    """A use taken by `quota_take` did not happen (the booking was not created): give it back."""
    counter_store().release([key])
