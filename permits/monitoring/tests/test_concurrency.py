"""Two sweeps at the same moment (two Huey workers, or cron and Huey): each alert is raised and
notified once. Real row locks and unique-index waits happen only on PostgreSQL."""

import threading

import pytest
from django.db import connection

from permits.conftest import VALID_APPLICANT, make_permit_type, make_user
from permits.intake.services import application_register
from permits.monitoring.models import Alert
from permits.monitoring.services import stall_sweep
from permits.notifications.models import Message

from .conftest import FAST, at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sweeps", [2, 4])
def test_concurrent_sweeps_raise_and_notify_each_alert_once(sweeps):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are real only on PostgreSQL; run with DATABASE_URL")
    make_permit_type("FAST", **{k: v for k, v in FAST.items()})
    desk = make_user("frontdesk")
    make_user("supervisor")
    make_user("head")
    verifier = make_user("verifier")
    from permits.workflow import services as wf

    apps = []
    for i in range(6):
        app = application_register(
            officer=desk,
            permit_type_code="FAST",
            applicant=dict(VALID_APPLICANT),
            data={"luas": "1", "lantai": "1", "fungsi": "Usaha"},
            documents_received=["ktp", "sertifikat"],
            now=at(23, 9, i),
        ).application
        apps.append(app)
    for app in apps[:3]:  # half claimed (officer + supervisor + head), half unassigned (supervisors + head)
        task = app.tasks.get()
        wf.task_claim(actor=verifier, task_id=task.pk, now=at(23, 9, 30))
    barrier = threading.Barrier(sweeps)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(stall_sweep(now=at(25, 9)))  # everything overdue by > 1.5 x the bound
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(sweeps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # per task: overdue + head; the claimed ones also escalated to the supervisor (warnings were skipped:
    # the sweep first saw them already overdue)
    expected = 6 * 2 + 3
    assert Alert.objects.count() == expected
    assert sum(r.total for r in results) == expected
    # one message per alert and recipient: nobody was notified twice
    keys = list(
        Message.objects.filter(idempotency_key__startswith="monitoring:alert:").values_list(
            "idempotency_key", flat=True
        )
    )
    assert len(keys) == len(set(keys)) == expected
