"""The counter stores (database and Redis) and the reservation rules of permits/core/throttle.py."""

import pytest

from permits.core.counters import DatabaseStore, RedisStore, counter_store, counters_purge
from permits.core.models import ThrottleCounter
from permits.core.throttle import attempt_failed, attempt_reserve, attempt_succeeded, quota_take

from .throttling import (
    REDIS_TEST_URL,
    forget_redis,
    in_parallel,
    needs_postgres,
    redis_caches,
    redis_reachable,
)

T0 = 1_800_000_000.0
LIMITS = {"scope": "key", "window": 900, "max_key_fails": 5, "max_ip_fails": 20}


def reserve(key="k", ip="ip", now=T0, **limits):
    return attempt_reserve(key=key, ip_key=ip, now=now, **{**LIMITS, **limits})


# --- the stores ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_store_follows_the_cache(counter_store_kind):
    store = counter_store()
    assert isinstance(store, RedisStore if counter_store_kind == "redis" else DatabaseStore)


@pytest.mark.django_db
def test_hit_counts_per_key_in_a_window_that_then_starts_afresh(counter_store_kind):
    store = counter_store()
    assert [c.count for c in store.hit(["a", "b"], ttl=60, now=T0)] == [1, 1]
    a, b = store.hit(["b", "a"], ttl=60, now=T0 + 10)  # in the order asked
    assert (a.count, b.count) == (2, 2)
    assert a.seconds_left(T0 + 10) == 50  # the window opened with the first hit
    (a,) = store.hit(["b"], ttl=60, now=T0 + 60)
    assert (a.count, a.seconds_left(T0 + 60)) == (1, 60)


@pytest.mark.django_db
def test_release_gives_one_back_and_a_counter_at_zero_opens_a_new_window(counter_store_kind):
    store = counter_store()
    store.hit(["a"], ttl=60, now=T0)
    store.hit(["a"], ttl=60, now=T0)
    store.release(["a"])
    (a,) = store.hit(["a"], ttl=60, now=T0 + 30)
    assert a.count == 2 and a.seconds_left(T0 + 30) == 30
    store.release(["a"])
    store.release(["a"])
    (a,) = store.hit(["a"], ttl=60, now=T0 + 40)
    assert a.count == 1 and a.seconds_left(T0 + 40) == 60
    store.release([], clear=["a"])
    assert store.hit(["a"], ttl=60, now=T0 + 41)[0].count == 1


@pytest.mark.django_db
def test_extend_moves_the_end_of_the_window_and_keeps_the_count(counter_store_kind):
    store = counter_store()
    store.hit(["a"], ttl=60, now=T0)
    store.extend("a", ttl=600, now=T0 + 30)
    (a,) = store.hit(["a"], ttl=60, now=T0 + 90)
    assert a.count == 2 and a.seconds_left(T0 + 90) == 540


@pytest.mark.django_db
def test_purge_deletes_only_ended_windows_of_the_database_store():
    store = DatabaseStore()
    store.hit(["old"], ttl=60, now=T0)
    store.hit(["live"], ttl=600, now=T0)
    assert counters_purge(now=T0 + 61) == 1
    assert list(ThrottleCounter.objects.values_list("key", flat=True)) == ["live"]


# --- the reservation rules ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_attempt_reaching_the_limit_locks_the_key_for_a_full_window(counter_store_kind):
    for i in range(4):
        assert attempt_failed(reserve(now=T0 + i)).allowed
    fifth = reserve(now=T0 + 100)
    assert fifth.allowed and fifth.key_count == 5
    assert attempt_failed(fifth).scope == "key" and attempt_failed(fifth).retry_after == 900
    refused = reserve(ip="other", now=T0 + 160)
    assert not refused.allowed and refused.verdict.scope == "key" and refused.verdict.retry_after == 840
    assert reserve(now=T0 + 1000).allowed  # the lock is over: a new window


@pytest.mark.django_db
def test_a_success_clears_the_key_and_gives_the_address_its_attempt_back(counter_store_kind):
    for _ in range(4):
        attempt_failed(reserve(ip=f"ip{_}"))
    attempt_succeeded(reserve(ip="ip9"))
    for _ in range(4):
        assert attempt_failed(reserve(ip="ip9")).allowed  # the key counts afresh
    assert reserve(ip="ip9").if_failed.scope == "key"
    address = reserve(key="another", ip="ip9")
    assert address.ip_count == 6  # ip9: four failures and this one; the success's attempt went back


@pytest.mark.django_db
def test_refused_attempts_are_not_counted(counter_store_kind):
    for n in range(3):
        attempt_failed(reserve(key=f"k{n}", ip="x", max_ip_fails=3))
    for _ in range(10):
        refused = reserve(key="fresh", ip="x", max_ip_fails=3)
        assert not refused.allowed and refused.verdict.scope == "ip"
    assert reserve(key="fresh", ip="y").key_count == 1  # the refusals did not count for "fresh"


@pytest.mark.django_db
def test_a_quota_refuses_beyond_its_limit_without_taking(counter_store_kind):
    assert [quota_take(key="q", limit=2, window=60, now=T0).allowed for _ in range(4)] == [True, True, False, False]
    assert quota_take(key="q", limit=2, window=60, now=T0 + 30).retry_after == 30
    assert counter_store().hit(["q"], ttl=60, now=T0 + 31)[0].count == 3  # two taken, this hit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_attack_sixty_parallel_reservations_allow_at_most_five(counter_store_kind):
    if counter_store_kind == "database":
        needs_postgres()
    attempts = in_parallel(60, lambda i: reserve(ip=f"198.51.100.{i}"))
    assert sum(a.allowed for a in attempts) == 5
    assert {a.verdict.scope for a in attempts if not a.allowed} == {"key"}
    assert not reserve(ip="203.0.113.1").allowed


def test_attack_sixty_parallel_reservations_in_redis_allow_at_most_five(settings):
    """The same race on the Redis store alone (no database involved), so it runs without PostgreSQL."""
    if not redis_reachable():
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    settings.CACHES = redis_caches()
    try:
        attempts = in_parallel(60, lambda i: reserve(ip=f"198.51.100.{i}"))
        assert sum(a.allowed for a in attempts) == 5
        one_address = in_parallel(60, lambda i: reserve(key=f"number{i}", ip="203.0.113.9"))
        assert sum(a.allowed for a in one_address) == 20
    finally:
        forget_redis(settings.CACHES)


@pytest.mark.django_db
def test_the_hourly_task_purges_ended_windows():
    from permits.core.tasks import purge_throttle_counters

    DatabaseStore().hit(["long-gone"], ttl=60, now=T0 - 3600 * 24 * 365 * 10)
    purge_throttle_counters.call_local()
    assert not ThrottleCounter.objects.filter(key="long-gone").exists()
