"""Fixtures of the several-hosts test: a throw-away database on the PostgreSQL of DATABASE_URL, a
dedicated Redis database flushed before and after, and the fault tests' process fixtures."""

import os
import secrets
from urllib.parse import urlparse, urlunparse

import pytest

from permits.levies.tests.conftest import key_pair  # noqa: F401 (fixture)
from testing.faults.tests.conftest import (  # noqa: F401 (fixtures and the hook that keeps logs of a failure)
    bank_creds,
    children,
    pytest_runtest_makereport,
    work_dir,
)

# A Redis database of the test's own: flushed before and after, so never point it at a used one.
REDIS_URL = os.environ.get("SMART_DEPLOY_REDIS_URL", "redis://127.0.0.1:6379/9")


def _admin_url(url: str) -> str:
    """The same server, its maintenance database (CREATE/DROP DATABASE cannot run inside the target)."""
    parts = urlparse(url)
    return urlunparse(parts._replace(scheme="postgresql", path="/postgres"))


@pytest.fixture
def shared_postgres():
    """A new, empty database on the PostgreSQL server of DATABASE_URL (the CI's PostgreSQL pass sets it),
    dropped afterwards; its URL. Skipped without a reachable PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (the PostgreSQL pass of .ci/run does)")
    import psycopg

    name = f"smart_deploy_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL of DATABASE_URL not reachable: {str(exc).strip()[:200]}")
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunparse(urlparse(url)._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def shared_redis():
    """The dedicated Redis database (SMART_DEPLOY_REDIS_URL), empty; flushed again afterwards.
    Skipped without a reachable Redis."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set SMART_DEPLOY_REDIS_URL): {exc}")
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()
