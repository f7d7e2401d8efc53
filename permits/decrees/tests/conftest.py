"""Applications walked to the signing step with the real workflow engine (no levy, no survey: fast)."""

import pytest

from permits.conftest import VALID_APPLICANT
from permits.workflow import services as wf
from permits.workflow.models import Task
from permits.workflow.tests.conftest import MONDAY, officers, register  # noqa: F401  (fixtures)

__all__ = ["MONDAY", "HOLDER_HANDOVER", "complete", "active"]
# The holder collects the decree, showing the NIK the application was registered with.
HOLDER_HANDOVER = {"collected_by": VALID_APPLICANT["name"], "relation": "holder", "id_number": VALID_APPLICANT["nik"]}


def active(app) -> Task:
    return Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)


def complete(officers, app, role, payload=None, now=None):  # noqa: F811
    task = active(app)
    assert task.role == role, (task.kind, task.role)
    return wf.task_complete(actor=officers[role], task_id=task.pk, payload=payload or {}, now=now)


def walk_to_signing(officers, app):  # noqa: F811
    complete(officers, app, "verifier", {"documents_valid": True})
    complete(officers, app, "data_entry", {"data": {"luas": "120.5", "lantai": 2, "fungsi": "Hunian"}})
    complete(officers, app, "technical", {"recommendation": "approve", "reasons": "Memenuhi syarat"})
    complete(officers, app, "supervisor", {"decision": "approve"})
    app.refresh_from_db()
    assert app.status == "approved"
    return active(app)


@pytest.fixture
def approved(officers, register):  # noqa: F811
    """A factory: a new application of type TEST (valid 5 years), waiting for the head's signature."""
    from permits.catalog.models import PermitType

    def _make(code: str = "TEST"):
        app = register(code, has_levy=False, survey_policy="never")
        PermitType.objects.filter(code=code).update(
            validity_years=5, legal_basis="Perda Kota Contoh 1/2024\nPerwali 2/2025"
        )
        app.refresh_from_db()
        walk_to_signing(officers, app)
        return app

    return _make


@pytest.fixture
def issued(officers, approved):  # noqa: F811
    """An application whose decree the head has just signed."""
    app = approved()
    complete(officers, app, "head")
    app.refresh_from_db()
    return app
