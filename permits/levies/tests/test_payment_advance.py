"""Issue 22: the bank's call posts the payment; what follows from it is applied by a worker, once.

The bank's answer waits only for the posting (payment row, bill paid, its audit event, the event
that the levy is paid). The payment step, the application's next step, their audit events and the
applicant's message follow from that event: on commit by a worker (Huey is immediate in tests), or by
the every-minute sweep when the worker or its enqueue was lost. Applying it twice changes nothing.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.core.models import AuditEvent
from permits.levies.models import Payment, PaymentAdvance
from permits.levies.services import payment_advance_apply, payment_advances_sweep
from permits.levies.snap.client import SnapClient, django_transport
from permits.portal.tracking import tracking_view
from permits.workflow import services as wf
from permits.workflow.models import Application, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank_no_worker(client, snap_creds):
    """The bank's calls with nothing run after commit: as if no worker took the advance up."""
    return SnapClient(snap_creds, django_transport(client))


def _steps(app, kind="payment"):
    return list(Task.objects.filter(application=app, kind=kind).values_list("state", flat=True))


def _events(app, action):
    return AuditEvent.objects.filter(stream=Application.audit_stream(app.pk), action=action).count()


def test_the_banks_answer_waits_only_for_the_posting(bank_no_worker, awaiting, django_capture_on_commit_callbacks):
    app, bill = awaiting()
    done_before = _events(app, "task.complete")
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        with CaptureQueriesContext(connection) as call:
            resp = bank_no_worker.pay(bill.virtual_account_no, bill.amount, request_id="PAY-A1")
    assert (resp.status, resp.code) == (200, "2002500")
    assert len(after_commit) == 1  # the advance's enqueue, nothing else
    written = {q["sql"].split()[2].strip('"') for q in call.captured_queries if q["sql"].startswith("INSERT")}
    assert "workflow_task" not in written and "notifications_message" not in written, written
    app.refresh_from_db()
    bill.refresh_from_db()
    advance = PaymentAdvance.objects.get()
    assert bill.state == "paid" and advance.payment == Payment.objects.get() and advance.applied_at is None
    assert app.status == "awaiting_payment" and _steps(app) == ["open"]
    assert _events(app, "levy.payment_post") == 1 and _events(app, "task.complete") == done_before
    # the applicant already sees it
    view = tracking_view(Application.objects.get(pk=app.pk))
    assert view["levy"]["paid"] and view["status_label"] == "Pembayaran diterima, berkas segera diteruskan"

    after_commit[0]()  # the worker
    app.refresh_from_db()
    advance.refresh_from_db()
    assert app.status == "in_process" and _steps(app) == ["done"]
    assert advance.applied_at is not None and advance.outcome == "advanced"
    payment_step = Task.objects.get(application=app, kind="payment")
    assert payment_step.finished_at == Payment.objects.get().posted_at  # done at the posting's time
    assert _events(app, "task.complete") == done_before + 1


def test_an_advance_is_applied_once_whoever_applies_it(bank_no_worker, awaiting):
    app, bill = awaiting()
    done_before = _events(app, "task.complete")
    bank_no_worker.pay(bill.virtual_account_no, bill.amount, request_id="PAY-A2")
    advance = PaymentAdvance.objects.get()
    assert payment_advances_sweep(older_than_seconds=3600) == 0  # too young: its worker may be on it
    assert payment_advances_sweep(older_than_seconds=0) == 1  # the sweep finds the lost one
    assert payment_advance_apply(advance.pk) == ""  # the worker's late enqueue: nothing left to do
    assert payment_advances_sweep(older_than_seconds=0) == 0
    app.refresh_from_db()
    assert app.status == "in_process" and _steps(app) == ["done"]
    assert _events(app, "task.complete") == done_before + 1
    assert Task.objects.filter(application=app, state__in=Task.ACTIVE_STATES).count() == 1


def test_a_file_withdrawn_before_the_advance_keeps_its_payment_and_records_why(bank_no_worker, awaiting, officers):
    app, bill = awaiting()
    bank_no_worker.pay(bill.virtual_account_no, bill.amount, request_id="PAY-A3")
    wf.application_withdraw(actor=officers["frontdesk"], application_id=app.pk, note="pemohon mencabut")
    advance = PaymentAdvance.objects.get()
    assert payment_advance_apply(advance.pk).startswith("not_advanced:")
    advance.refresh_from_db()
    assert advance.applied_at is not None
    assert payment_advances_sweep(older_than_seconds=0) == 0  # recorded, not retried
    assert Payment.objects.count() == 1


def test_the_bank_fixture_runs_the_worker_after_each_call(bank, awaiting):
    app, bill = awaiting()
    bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-A4")
    app.refresh_from_db()
    assert app.status == "in_process" and PaymentAdvance.objects.get().outcome == "advanced"
