"""Core tests reuse the workflow's fixtures (officers, a registered application)."""

import pytest
from django.core.cache import cache

from permits.workflow.tests.conftest import officers, register  # noqa: F401 (pytest fixtures)


@pytest.fixture(autouse=True)
def _forget_login_failures():
    """The login throttle counts in the cache: failures made here must not lock out later tests."""
    yield
    cache.clear()
