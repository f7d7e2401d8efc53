"""Helpers for the throttle tests of every app: the two counter stores, parallel attempts, and
counting how often the guarded secret is really compared."""

import os
import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connection

REDIS_TEST_URL = os.environ.get("THROTTLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def redis_caches() -> dict:
    """The Redis cache under a key prefix of its own: test runs that share one Redis (CI beside a developer's
    run) never read or clear each other's counters."""
    prefix = f"throttle-test-{uuid.uuid4().hex}"
    return {"default": {"BACKEND": "permits.core.cache.RedisCache", "LOCATION": REDIS_TEST_URL, "KEY_PREFIX": prefix}}


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # not installed, not running, refused: the Redis cases are skipped
        return False


def forget_redis(caches_setting: dict) -> None:
    """Remove every key written under the prefix of `caches_setting` (from redis_caches)."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(f"{caches_setting['default']['KEY_PREFIX']}:*", count=1000):
        client.delete(key)


@pytest.fixture(params=["database", "redis"])
def counter_store_kind(request, settings):
    """Each test twice: counters in the database (the default without Redis) and in Redis (the
    production cache; skipped when no Redis answers on REDIS_TEST_URL)."""
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip(f"no Redis at {REDIS_TEST_URL}")
        settings.CACHES = redis_caches()
        yield "redis"
        forget_redis(settings.CACHES)
    else:
        yield "database"


def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel requests need PostgreSQL (row locks, one connection per thread); run with DATABASE_URL")


def in_parallel(count: int, attempt: Callable[[int], object]) -> list:
    """Run attempt(0..count-1) on `count` threads released together; their results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = attempt(i)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


class Counted:
    """Wraps the function that compares a secret (a PIN, a password) and counts its calls, so a test
    can tell how many guesses were really tried; the real function still answers."""

    def __init__(self, real: Callable):
        self.real = real
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        with self._lock:
            self.calls += 1
        return self.real(*args, **kwargs)
