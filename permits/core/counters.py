"""Counters with a window, changed atomically: what the throttles (permits/core/throttle.py) reserve
attempts in, so parallel attempts are counted like sequential ones (DESIGN.md, invariant 12).

One interface, two stores, chosen by the default cache (`counter_store`):

* Redis, when the cache is Redis (`REDIS_URL`, production): each call is one short Lua script, which
  Redis runs alone, so one round trip both counts and reads back. A counter is a hash
  (`n` the count, `e` the window's end), its Redis expiry a minute after the window for cleanup.
* The database otherwise (development, tests, a host without Redis): `ThrottleCounter` rows, counted
  by one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement (atomic on PostgreSQL and SQLite).
  That is a write per attempt, acceptable where there is no Redis; the file and local-memory caches
  have no atomic read-and-add across processes, so they never hold a limit. Call the store outside
  `transaction.atomic` (the throttled paths do): a rolled-back outer transaction would undo the count.

Times are values in milliseconds of the caller's clock (`now`, seconds), not only server expiry, so
the arithmetic is the same on both stores and tests move an injected clock instead of waiting.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F, Q

from .cache import RedisCache
from .models import ThrottleCounter


def to_ms(seconds: float) -> int:
    return int(seconds * 1000)


@dataclass(frozen=True)
class Count:
    """A counter just after a hit: the attempts its live window holds (this one included) and when
    the window ends (milliseconds)."""

    count: int
    expires_ms: int

    def seconds_left(self, now: float) -> int:
        return max(1, math.ceil((self.expires_ms - to_ms(now)) / 1000))


class CounterStore:
    """Where throttle counters live. Each method is atomic on its own."""

    def hit(self, keys: Sequence[str], *, ttl: float, now: float) -> list[Count]:
        """Count one attempt under each of `keys`: in its live window, or in a new one that ends `ttl`
        seconds after `now`. The counts after it, in the order of `keys`."""
        raise NotImplementedError

    def release(self, keys: Sequence[str] = (), *, clear: Sequence[str] = ()) -> None:
        """Give one attempt back under each of `keys` (a counter back at zero is removed, so a new
        window opens with its next attempt) and remove the counters `clear` (count and lock)."""
        raise NotImplementedError

    def extend(self, key: str, *, ttl: float, now: float) -> None:
        """Make the live window of `key` end `ttl` seconds after `now`, its count kept (a lock)."""
        raise NotImplementedError


class DatabaseStore(CounterStore):
    """Counters as `ThrottleCounter` rows, each hit one upsert statement."""

    def hit(self, keys, *, ttl, now):
        now_ms, end_ms = to_ms(now), to_ms(now + ttl)
        q = connection.ops.quote_name
        table, key, count, expires = (q(n) for n in (ThrottleCounter._meta.db_table, "key", "count", "expires_ms"))
        ordered = sorted(set(keys))  # one lock order for every statement: parallel hits never deadlock
        sql = (
            f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES {', '.join(['(%s, 1, %s)'] * len(ordered))} "
            f"ON CONFLICT ({key}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{expires} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
            f"{expires} = CASE WHEN {table}.{expires} <= %s THEN excluded.{expires} ELSE {table}.{expires} END "
            f"RETURNING {key}, {count}, {expires}"
        )
        params = [p for k in ordered for p in (k, end_ms)] + [now_ms, now_ms]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = {row[0]: Count(int(row[1]), int(row[2])) for row in cursor.fetchall()}
        return [found[k] for k in keys]

    def release(self, keys=(), *, clear=()):
        rows = ThrottleCounter.objects
        with transaction.atomic():
            if keys:
                rows.filter(key__in=keys).update(count=F("count") - 1)
            rows.filter(Q(key__in=clear) | Q(key__in=keys, count__lte=0)).delete()

    def extend(self, key, *, ttl, now):
        ThrottleCounter.objects.filter(key=key).update(expires_ms=to_ms(now + ttl))


# KEYS: the counters; ARGV: now (ms), ttl (ms). Returns {count, window end} per key.
_HIT = """
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for i, key in ipairs(KEYS) do
  local n
  local e = tonumber(redis.call('HGET', key, 'e'))
  if e == nil or e <= now then
    e = now + ttl
    n = 1
    redis.call('HSET', key, 'n', 1, 'e', string.format('%d', e))
  else
    n = redis.call('HINCRBY', key, 'n', 1)
  end
  redis.call('PEXPIRE', key, string.format('%d', e - now + 60000))
  out[i] = {n, string.format('%d', e)}
end
return out
"""

# KEYS: the counters; ARGV[1]: how many of them (the first ones) give one attempt back; the others go.
_RELEASE = """
local back = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if i > back or redis.call('HINCRBY', key, 'n', -1) <= 0 then
    redis.call('DEL', key)
  end
end
return 0
"""

# KEYS[1]: the counter; ARGV: now (ms), ttl (ms).
_EXTEND = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  local ttl = tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'e', string.format('%d', tonumber(ARGV[1]) + ttl))
  redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl + 60000))
end
return 0
"""


class RedisStore(CounterStore):
    """Counters in the cache's Redis, under the cache's key prefix; one script call per method."""

    def __init__(self, cache: RedisCache):
        self._cache = cache
        self._client = cache.redis_client()

    def _run(self, script: str, keys: Sequence[str], args: Sequence) -> list:
        names = [self._cache.make_key(k) for k in keys]
        return self._client.register_script(script)(keys=names, args=list(args))

    def hit(self, keys, *, ttl, now):
        replies = self._run(_HIT, keys, [to_ms(now), to_ms(ttl)])
        return [Count(int(n), int(e)) for n, e in replies]

    def release(self, keys=(), *, clear=()):
        if keys or clear:
            self._run(_RELEASE, [*keys, *clear], [len(keys)])

    def extend(self, key, *, ttl, now):
        self._run(_EXTEND, [key], [to_ms(now), to_ms(ttl)])


def counter_store() -> CounterStore:
    """Redis when the default cache is Redis, else the database."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return RedisStore(cache)
    return DatabaseStore()


def counters_purge(*, now: float) -> int:
    """Delete the database store's counters whose window ended before `now`; how many went."""
    deleted, _ = ThrottleCounter.objects.filter(expires_ms__lt=to_ms(now)).delete()
    return deleted
