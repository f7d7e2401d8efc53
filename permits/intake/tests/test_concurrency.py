"""Registration numbers stay unique and gap-free when clerks register at the same moment."""

import threading

import pytest
from django.db import close_old_connections, connection

from permits.conftest import VALID_APPLICANT, make_permit_type, make_user
from permits.intake.services import application_register
from permits.workflow.models import Application

CLERKS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_registrations_get_unique_gap_free_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are real only on PostgreSQL; run with DATABASE_URL")
    make_permit_type()
    officer = make_user("frontdesk")
    barrier = threading.Barrier(CLERKS)
    numbers, errors = [], []

    def clerk():
        try:
            barrier.wait()
            reg = application_register(
                officer=officer,
                permit_type_code="TEST",
                applicant=dict(VALID_APPLICANT),
                data={"luas": "100", "lantai": "1", "fungsi": "Usaha"},
                documents_received=["ktp", "sertifikat"],
            )
            numbers.append(reg.application.registration_number)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=clerk) for _ in range(CLERKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, CLERKS + 1))
    assert Application.objects.count() == CLERKS
