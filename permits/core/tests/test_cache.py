"""The Redis cache backend (permits/core/cache.py) against a real Redis, when one is reachable."""

import os
import socket
import threading
from urllib.parse import urlparse

import pytest

from permits.core.cache import RedisCache

URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _reachable() -> bool:
    url = urlparse(URL)
    try:
        socket.create_connection((url.hostname, url.port or 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _reachable(), reason=f"no Redis at {URL} (production cache only)")


@pytest.fixture
def redis_cache():
    backend = RedisCache(URL, {"KEY_PREFIX": "smart-test"})
    backend.clear()
    yield backend
    backend.clear()


def test_behaves_like_djangos_backend(redis_cache):
    assert redis_cache.add("k", 1, 60) and not redis_cache.add("k", 2, 60)
    assert redis_cache.incr("k") == 2
    redis_cache.set_many({"a": {"x": [1, 2]}, "b": "β"}, 60)
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": {"x": [1, 2]}, "b": "β"}
    redis_cache.delete_many(["a", "b"])
    assert redis_cache.get("a", "gone") == "gone"


def test_builds_one_client_and_shares_it_between_threads(redis_cache):
    first = redis_cache._cache.get_client("x")
    assert redis_cache._cache.get_client("y", write=True) is first

    errors = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                redis_cache.set(f"t{n}:{i}", i, 60)
                assert redis_cache.get(f"t{n}:{i}") == i
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert redis_cache._cache.get_client("z") is first
