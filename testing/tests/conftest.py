"""The generator's tests reuse the workflow's fixtures (officers, a registered application)."""

from permits.workflow.tests.conftest import officers, register  # noqa: F401 (pytest fixtures)
