"""Twenty simultaneous payment notices for one bill on PostgreSQL: the money is posted once."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from permits.core.models import AuditEvent
from permits.levies.models import Payment
from permits.levies.snap.client import SnapClient, django_transport
from permits.workflow.models import Task

from .conftest import finish, test_tariff, walk_to_levy

N = 20


def _race(creds, token, bill, request_ids):
    barrier = threading.Barrier(len(request_ids))
    answers, errors = [], []

    def bank(request_id):
        try:
            client = SnapClient(creds, django_transport(Client()))
            client._token = token
            barrier.wait()
            answers.append(client.pay(bill.virtual_account_no, bill.amount, request_id=request_id))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=bank, args=(rid,)) for rid in request_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return answers


@pytest.fixture
def paying(officers, register, snap_creds, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are real only on PostgreSQL; run with DATABASE_URL")
    app = register(now=timezone.now())
    test_tariff()
    walk_to_levy(officers, app, now=timezone.now())
    finish(officers, app, "treasurer", {}, timezone.now())
    bill = app.bills.get()
    token = SnapClient(snap_creds, django_transport(Client())).token
    return app, bill, token


@pytest.mark.postgres
def test_twenty_copies_of_one_notice_post_once_and_all_get_the_first_answer(paying, snap_creds):
    app, bill, token = paying
    answers = _race(snap_creds, token, bill, ["PAY-SAME"] * N)
    assert sorted({a.code for a in answers}) == ["2002500"]
    assert len({json.dumps(a.body, sort_keys=True) for a in answers}) == 1  # the first answer each time
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(action="levy.payment_post").count() == 1
    assert Task.objects.get(application=app, kind="payment").state == "done"
    assert Task.objects.filter(application=app, kind="approval").count() == 1


@pytest.mark.postgres
def test_twenty_different_payments_of_one_bill_one_wins(paying, snap_creds):
    app, bill, token = paying
    answers = _race(snap_creds, token, bill, [f"PAY-{i}" for i in range(N)])
    codes = sorted(a.code for a in answers)
    assert codes == ["2002500"] + ["4042514"] * (N - 1)
    assert Payment.objects.count() == 1
    bill.refresh_from_db()
    assert bill.state == "paid"
