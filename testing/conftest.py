"""The harness suites use the product suite's shared fixtures (permits/conftest.py)."""

from permits.conftest import *  # noqa: F401,F403
