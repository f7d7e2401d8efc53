"""The bank repeats, reorders and times out its payment notices: each payment is posted exactly once
(issue 10, Faults; docs/LEVY.md "Payments: exactly once").

Plain repeats (the same notice again, twenty at once) are tested in permits/levies/tests. Here:
notices arriving out of order, and the bank giving up waiting for our answer, then asking again,
over real HTTP against a live server.
"""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from permits.core.models import AuditEvent
from permits.levies import services as levy_services
from permits.levies.models import Bill, Payment, PaymentAdvance
from permits.levies.snap import views as snap_views
from permits.levies.snap.client import SnapClient, http_transport
from permits.levies.tests.conftest import committing_transport
from permits.workflow.models import Task

pytestmark = [pytest.mark.faults]

PAID, PAID_ALREADY, WRONG_AMOUNT = "2002500", "4042514", "4042513"


def _posted_once(app, bill) -> Payment:
    """One payment on the bill, one posting in the audit trail, the application moved on once (by the
    worker after the posting's commit: within seconds, issue 22; a live server's may still be at it)."""
    deadline = time.monotonic() + 10
    while PaymentAdvance.objects.filter(payment__bill=bill, applied_at__isnull=True).exists():
        assert time.monotonic() < deadline, "the posted payment's advance was not applied within 10 s"
        time.sleep(0.05)
    bill.refresh_from_db()
    app.refresh_from_db()
    payment = Payment.objects.get(bill=bill)
    assert bill.state == Bill.State.PAID and bill.paid_payment == payment
    stream = f"intake.application:{app.pk}"
    assert AuditEvent.objects.filter(action="levy.payment_post", stream=stream).count() == 1
    assert Task.objects.filter(application=app, kind="payment", state="done").count() == 1
    assert Task.objects.filter(application=app, kind="approval").count() == 1
    assert app.status == "in_process"
    return payment


# --- reordered -----------------------------------------------------------------------------------


def test_advice_arriving_before_the_original_notice_posts_once(bank, awaiting):
    app, bill = awaiting()
    advice = bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-7", flag_advise="Y")
    original = bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-7", flag_advise="N")
    assert advice.code == original.code == PAID
    assert original.body == advice.body  # the first answer, again
    _posted_once(app, bill)


def test_notices_for_two_bills_arriving_in_reverse_order_keep_their_own_payment_times(
    snap_creds, client, awaiting, django_capture_on_commit_callbacks
):
    now = timezone.now()
    earlier, later = now - datetime.timedelta(minutes=4), now - datetime.timedelta(minutes=1)
    app_a, bill_a = awaiting()
    app_b, bill_b = awaiting()
    transport = committing_transport(client, django_capture_on_commit_callbacks)
    paid_first = SnapClient(snap_creds, transport, clock=lambda: earlier)
    paid_second = SnapClient(snap_creds, transport, clock=lambda: later)
    # B was paid after A, but B's notice comes in first.
    assert paid_second.pay(bill_b.virtual_account_no, bill_b.amount, request_id="PAY-B").code == PAID
    assert paid_first.pay(bill_a.virtual_account_no, bill_a.amount, request_id="PAY-A").code == PAID
    # and A's retransmission after both
    assert paid_second.pay(bill_a.virtual_account_no, bill_a.amount, request_id="PAY-A").code == PAID
    a, b = _posted_once(app_a, bill_a), _posted_once(app_b, bill_b)
    assert a.paid_at == earlier.replace(microsecond=0) and b.paid_at == later.replace(microsecond=0)
    assert a.posted_at > b.posted_at  # posted in arrival order, dated by the bank's transaction time


def test_late_retransmission_of_a_refused_notice_gets_its_first_answer(bank, awaiting):
    app, bill = awaiting()
    short = {
        **bank.va_ids(bill.virtual_account_no),
        "paymentRequestId": "PAY-1",
        "paidAmount": {"value": f"{bill.amount - 1000:.2f}", "currency": "IDR"},
    }
    first = bank.call("transfer-va/payment", short, external_id="31")
    assert first.code == WRONG_AMOUNT
    assert bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-2").code == PAID
    late = bank.call("transfer-va/payment", short, external_id="31")  # the first one, retransmitted
    assert late.code == WRONG_AMOUNT and late.body == first.body
    assert _posted_once(app, bill).payment_request_id == "PAY-2"


def test_status_asked_before_the_notice_then_after(bank, awaiting):
    app, bill = awaiting()
    assert bank.status(bill.virtual_account_no, "PAY-9").code == "4042601"  # not known yet: the bank waits
    assert bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-9").code == PAID
    found = bank.status(bill.virtual_account_no, "PAY-9")
    assert found.code == "2002600" and found.body["virtualAccountData"]["paymentFlagStatus"] == "00"
    _posted_once(app, bill)


def test_a_notice_arriving_after_the_treasurer_recorded_the_same_money_is_refused(bank, awaiting, officers):
    """The bank's notice timed out; the treasurer posted the payment from the bank's receipt (teller
    fallback); the bank's retry comes in later: the bill is paid once."""
    app, bill = awaiting()
    recorded = levy_services.payment_post_teller(
        actor=officers["treasurer"], bill_id=bill.pk, reference="BJB-RECEIPT-1", amount=str(bill.amount)
    )
    assert recorded.ok
    late = bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-LATE")
    assert late.code == PAID_ALREADY
    assert _posted_once(app, bill).channel == "teller"


# --- timed out ----------------------------------------------------------------------------------


@pytest.fixture
def slow_posting(monkeypatch):
    """Our payment handling takes `seconds` longer after posting, inside its transaction (a slow
    disk, a lock wait): the bank's client gives up before the answer. `finished` is set once the
    live server has committed and recorded the call."""

    class Slow:
        seconds = 1.0
        finished = threading.Event()
        calls = 0

    real_post, real_record = snap_views.payment_post, snap_views._record

    def post(**kwargs):
        result = real_post(**kwargs)
        Slow.calls += 1
        if Slow.calls == 1:
            time.sleep(Slow.seconds)
        return result

    def record(*args, **kwargs):
        real_record(*args, **kwargs)
        if args[1] == "payment":
            Slow.finished.set()

    monkeypatch.setattr(snap_views, "payment_post", post)
    monkeypatch.setattr(snap_views, "_record", record)
    return Slow


def _impatient_and_patient(creds, base_url):
    patient = SnapClient(creds, http_transport(base_url, timeout=15))
    impatient = SnapClient(creds, http_transport(base_url, timeout=0.3))
    impatient._token = patient.token
    return impatient, patient


@pytest.mark.django_db(transaction=True)
def test_bank_times_out_while_we_commit_then_asks_again_and_gets_the_first_answer(
    live_server, snap_creds, awaiting, slow_posting
):
    app, bill = awaiting()
    impatient, patient = _impatient_and_patient(snap_creds, live_server.url)
    with pytest.raises(OSError):  # the bank's client timed out; our side went on and committed
        impatient.pay(bill.virtual_account_no, bill.amount, request_id="PAY-T1")
    assert slow_posting.finished.wait(30)
    status = patient.status(bill.virtual_account_no, "PAY-T1")
    assert status.code == "2002600"  # what SNAP asks a bank to do after a timeout
    again = patient.pay(bill.virtual_account_no, bill.amount, request_id="PAY-T1")  # and a bank that just retries
    assert again.code == PAID
    payment = _posted_once(app, bill)
    assert again.body == payment.answer  # the answer the bank never received, sent now


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bank_retries_while_its_first_notice_is_still_being_posted(live_server, snap_creds, awaiting, slow_posting):
    if connection.vendor != "postgresql":
        pytest.skip("a live server on in-memory SQLite shares one connection between threads; run with DATABASE_URL")
    app, bill = awaiting()
    slow_posting.seconds = 1.5
    impatient, patient = _impatient_and_patient(snap_creds, live_server.url)
    with pytest.raises(OSError):
        impatient.pay(bill.virtual_account_no, bill.amount, request_id="PAY-T2")
    assert not slow_posting.finished.is_set()  # still inside its transaction, holding the bill's row
    again = patient.pay(bill.virtual_account_no, bill.amount, request_id="PAY-T2")  # waits for the lock
    assert again.code == PAID
    assert slow_posting.finished.wait(30)
    payment = _posted_once(app, bill)
    assert again.body == payment.answer
    assert Payment.objects.count() == 1 and payment.amount == Decimal(bill.amount)
