"""Core tests reuse the workflow's fixtures (officers, a registered application)."""

import pytest
from django.core.cache import cache

from permits.workflow.tests.conftest import officers, register  # noqa: F401 (pytest fixtures)


@pytest.fixture(autouse=True)
def _forget_login_failures():
    """Cached entries made here must not leak into later tests (the throttle's counters are in the
    database in tests, rolled back with each test)."""
    yield
    cache.clear()
