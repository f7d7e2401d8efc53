"""Two officers acting on the same task at the same moment: exactly one wins, the other is told."""

import threading

import pytest
from django.db import connection

from permits.conftest import VALID_APPLICANT, make_permit_type, make_user
from permits.core.errors import Conflict
from permits.intake.services import application_register
from permits.workflow import services as wf
from permits.workflow.models import Task


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("contenders", [2, 8])
def test_simultaneous_claims_have_exactly_one_winner(contenders):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are real only on PostgreSQL; run with DATABASE_URL")
    make_permit_type()
    app = application_register(
        officer=make_user("frontdesk"),
        permit_type_code="TEST",
        applicant=dict(VALID_APPLICANT),
        data={"luas": "1", "lantai": "1", "fungsi": "Usaha"},
        documents_received=["ktp", "sertifikat"],
    ).application
    task = Task.objects.get(application=app)
    users = [make_user("verifier") for _ in range(contenders)]
    barrier = threading.Barrier(contenders)
    won, lost, other = [], [], []

    def officer(user):
        try:
            barrier.wait()
            wf.task_claim(actor=user, task_id=task.pk)
            won.append(user)
        except Conflict:
            lost.append(user)
        except Exception as exc:
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other == [] and len(won) == 1 and len(lost) == contenders - 1
    task.refresh_from_db()
    assert task.assignee == won[0] and task.version == 2
