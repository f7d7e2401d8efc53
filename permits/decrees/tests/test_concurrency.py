"""Ten heads' signatures at the same moment: numbers 1..10, each once (gap-free under concurrency)."""

import threading

import pytest
from django.db import connection

from permits.catalog.models import PermitType
from permits.conftest import VALID_APPLICANT, make_permit_type, make_user
from permits.decrees.models import Decree
from permits.intake.services import application_register
from permits.workflow import services as wf

from .conftest import active, walk_to_signing


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_signings_take_numbers_one_to_ten():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are real only on PostgreSQL; run with DATABASE_URL")
    make_permit_type(has_levy=False, survey_policy="never")
    PermitType.objects.update(validity_years=5)
    roles = ("frontdesk", "verifier", "data_entry", "technical", "supervisor", "head")
    officers = {role: make_user(role) for role in roles}
    apps = []
    for _ in range(10):
        app = application_register(
            officer=officers["frontdesk"],
            permit_type_code="TEST",
            applicant=dict(VALID_APPLICANT),
            data={"luas": "10", "lantai": "1", "fungsi": "Usaha"},
            documents_received=["ktp", "sertifikat"],
        ).application
        walk_to_signing(officers, app)
        apps.append(app)
    tasks = [active(app).pk for app in apps]
    barrier = threading.Barrier(len(tasks))
    errors = []

    def sign(task_id):
        try:
            barrier.wait()
            wf.task_complete(actor=officers["head"], task_id=task_id, payload={})
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(t,)) for t in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Decree.objects.values_list("seq", flat=True)) == list(range(1, 11))
    assert Decree.objects.values("number").distinct().count() == 10
    assert set(Decree.objects.values_list("application_id", flat=True)) == {a.pk for a in apps}
