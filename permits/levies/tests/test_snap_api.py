"""The SNAP endpoints answer every case of the spec's table with its code, and post money exactly once."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from permits.core.models import AuditEvent
from permits.levies import documents
from permits.levies.models import BankCall, Bill, Payment
from permits.levies.services import bill_cancel
from permits.levies.snap import views as snap_views
from permits.levies.snap.signatures import hmac_sign, snap_timestamp, string_to_sign
from permits.workflow.models import Application, Task

from .conftest import JKT

pytestmark = pytest.mark.django_db


# --- access token -------------------------------------------------------------------------------


def test_token_is_issued_for_a_valid_rsa_signature(bank):
    resp = bank.get_token()
    assert (resp.status, resp.code) == (200, "2007300")
    assert resp.body["tokenType"] == "Bearer" and resp.body["expiresIn"] == "900" and len(resp.body["accessToken"]) > 40
    call = BankCall.objects.get()
    assert call.service == "token" and call.response["accessToken"] == "***"  # the secret is not kept


def test_token_refused_for_a_bad_signature_or_unknown_client(bank, snap_creds):
    resp = bank.get_token(signature=bank.get_token().body["accessToken"][:40])
    assert (resp.status, resp.code) == (401, "4017300")
    bank.creds = {**snap_creds, "client_id": "SOMEONE-ELSE"}
    assert bank.get_token().code == "4017300"


def test_token_refused_for_a_timestamp_outside_the_window(bank):
    old = snap_timestamp(timezone.now() - datetime.timedelta(minutes=6))
    resp = bank.get_token(timestamp=old)
    assert (resp.status, resp.code) == (401, "4017300")


def test_token_request_field_errors(bank, client, snap_creds):
    resp = client.post("/snap/v1.0/access-token/b2b", data="{}", content_type="application/json")
    assert (resp.status_code, resp.json()["responseCode"]) == (400, "4007302")
    assert resp.json()["responseMessage"] == "Invalid Mandatory Field X-TIMESTAMP"


# --- inquiry ------------------------------------------------------------------------------------


def test_inquiry_answers_the_open_bill(bank, awaiting):
    app, bill = awaiting()
    resp = bank.inquiry(bill.virtual_account_no, request_id="INQ-1")
    assert (resp.status, resp.code) == (200, "2002400")
    data = resp.body["virtualAccountData"]
    assert data["totalAmount"] == {"value": "1500000.00", "currency": "IDR"}
    assert data["virtualAccountTrxType"] == "C" and data["inquiryRequestId"] == "INQ-1"
    assert data["partnerServiceId"] == "   77001" and data["virtualAccountNo"] == "   77001" + bill.customer_no
    assert data["virtualAccountName"] == app.applicant.display_name
    assert data["billDetails"][0]["billAmount"]["value"] == "1500000.00"


def test_inquiry_field_errors(bank, awaiting):
    _, bill = awaiting()
    body = {**bank.va_ids(bill.virtual_account_no), "inquiryRequestId": "1"}
    resp = bank.call("transfer-va/inquiry", {**body, "customerNo": "12AB"})
    assert (resp.status, resp.code) == (400, "4002401")
    resp = bank.call("transfer-va/inquiry", {k: v for k, v in body.items() if k != "inquiryRequestId"})
    assert (resp.status, resp.code) == (400, "4002402")
    resp = bank.call("transfer-va/inquiry", body, raw=b"{not json")
    assert (resp.status, resp.code) == (400, "4002401")


def test_inquiry_unknown_bill(bank, awaiting):
    _, bill = awaiting()
    resp = bank.inquiry("77001" + "999999999999")
    assert (resp.status, resp.code) == (404, "4042412")
    assert resp.body["virtualAccountData"]["inquiryStatus"] == "01"


def test_inquiry_with_another_amount_for_a_closed_bill(bank, awaiting):
    _, bill = awaiting()
    body = {**bank.va_ids(bill.virtual_account_no), "inquiryRequestId": "1"}
    body["amount"] = {"value": "1.00", "currency": "IDR"}
    assert bank.call("transfer-va/inquiry", body).code == "4042413"


def test_inquiry_of_paid_expired_and_cancelled_bills(bank, awaiting, officers):
    _, paid = awaiting()
    assert bank.pay(paid.virtual_account_no, paid.amount).code == "2002500"
    assert bank.inquiry(paid.virtual_account_no).code == "4042414"
    _, late = awaiting()
    Bill.objects.filter(pk=late.pk).update(state="expired")  # closed as expired before issue 18
    assert bank.inquiry(late.virtual_account_no).code == "4042419"
    _, cancelled = awaiting()
    bill_cancel(actor=officers["treasurer"], bill_id=cancelled.pk, reason="Salah hitung")
    assert bank.inquiry(cancelled.virtual_account_no).code == "4042412"


def test_a_bill_past_its_due_date_answers_the_amount_with_the_sanction_and_refuses_the_old_amount(bank, awaiting):
    _, bill = awaiting()
    # due two months and a day ago: the third month of lateness has started -> 3% of Rp 1.500.000 = Rp 45.000
    today = timezone.localdate()
    due = documents.add_months(today, -2) - datetime.timedelta(days=1)
    Bill.objects.filter(pk=bill.pk).update(
        due_date=due, expires_at=datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(0), JKT)
    )
    inquiry = bank.inquiry(bill.virtual_account_no)
    assert inquiry.code == "2002400"
    data = inquiry.body["virtualAccountData"]
    assert data["totalAmount"] == {"value": "1545000.00", "currency": "IDR"}
    assert data["billDetails"][-1]["billAmount"]["value"] == "45000.00"
    assert sum(Decimal(d["billAmount"]["value"]) for d in data["billDetails"]) == Decimal(1545000)
    assert bank.pay(bill.virtual_account_no, bill.amount).code == "4042513"  # the old amount: amount mismatch
    assert not Payment.objects.exists()
    assert bank.pay(bill.virtual_account_no, Decimal(1545000), request_id="9001").code == "2002500"
    assert bank.pay(bill.virtual_account_no, Decimal(1545000), request_id="9001").code == "2002500"  # replay
    assert Payment.objects.get().amount == Decimal(1545000)
    event = AuditEvent.objects.get(action="levy.payment_post")
    assert event.after["sanction"] == "45000"


# --- authentication of transactions --------------------------------------------------------------


def test_bad_hmac_signature_is_refused(bank, awaiting):
    _, bill = awaiting()
    resp = bank.pay(bill.virtual_account_no, bill.amount, secret="not-the-secret")
    assert (resp.status, resp.code) == (401, "4012500")
    assert not Payment.objects.exists()


def test_a_body_changed_after_signing_is_refused(bank, awaiting):
    _, bill = awaiting()
    body = {**bank.va_ids(bill.virtual_account_no), "inquiryRequestId": "1"}
    signed_for = json.dumps(body).encode()
    tampered = json.dumps({**body, "inquiryRequestId": "2"}).encode()
    token = bank.token
    # sign the original, send the tampered bytes
    ts = snap_timestamp(timezone.now())
    message = string_to_sign("POST", "/snap/v1.0/transfer-va/inquiry", token, signed_for, ts)
    signature = hmac_sign(bank.creds["client_secret"], message)
    headers = {
        "Authorization": f"Bearer {token}",
        "X-TIMESTAMP": ts,
        "X-SIGNATURE": signature,
        "X-PARTNER-ID": bank.creds["partner_id"],
        "X-EXTERNAL-ID": "1",
        "CHANNEL-ID": "95221",
    }
    status, content = bank.transport("POST", "/snap/v1.0/transfer-va/inquiry", headers, tampered)
    assert (status, json.loads(content)["responseCode"]) == (401, "4012400")


def test_unknown_partner_is_unauthorized(bank, awaiting, snap_creds):
    _, bill = awaiting()
    bank.token  # noqa: B018 (fetch a valid token first)
    bank.creds = {**snap_creds, "partner_id": "99999999"}
    assert bank.inquiry(bill.virtual_account_no).code == "4012400"


def test_invalid_or_expired_token(bank, awaiting, snap_creds):
    _, bill = awaiting()
    resp = bank.pay(bill.virtual_account_no, bill.amount, token="made-up-token")
    assert (resp.status, resp.code) == (401, "4012501")
    bank.token  # noqa: B018
    later = timezone.now() + datetime.timedelta(seconds=901)
    bank.clock = lambda: later
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        assert bank.inquiry(bill.virtual_account_no).code == "4012401"


def test_timestamp_outside_the_window_is_refused(bank, awaiting):
    _, bill = awaiting()
    stale = snap_timestamp(timezone.now() - datetime.timedelta(minutes=5, seconds=30))
    resp = bank.pay(bill.virtual_account_no, bill.amount, timestamp=stale)
    assert (resp.status, resp.code) == (401, "4012500")
    future = snap_timestamp(timezone.now() + datetime.timedelta(minutes=6))
    assert bank.inquiry(bill.virtual_account_no, timestamp=future).code == "4012400"
    assert bank.inquiry(bill.virtual_account_no, timestamp="2026-11-27 14:56").code == "4002401"
    assert not Payment.objects.exists()


def test_missing_header_is_a_missing_mandatory_field(bank, awaiting):
    _, bill = awaiting()
    resp = bank.pay(bill.virtual_account_no, bill.amount, omit=("X-EXTERNAL-ID",))
    assert (resp.status, resp.code) == (400, "4002502")


# --- payment ------------------------------------------------------------------------------------


def test_payment_posts_once_and_moves_the_application_on(bank, awaiting):
    app, bill = awaiting()
    resp = bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-1", reference="BJB000111")
    assert (resp.status, resp.code) == (200, "2002500")
    assert resp.body["virtualAccountData"]["paymentFlagStatus"] == "00"
    bill.refresh_from_db()
    app.refresh_from_db()
    payment = Payment.objects.get()
    assert bill.state == "paid" and bill.paid_payment == payment
    assert (payment.amount, payment.channel, payment.bank_reference) == (Decimal(1500000), "snap", "BJB000111")
    assert app.status == Application.Status.IN_PROCESS
    pay_task = Task.objects.get(application=app, kind="payment")
    assert pay_task.state == "done" and pay_task.payload["channel"] == "snap" and pay_task.finished_by is None
    assert Task.objects.get(application=app, state__in=Task.ACTIVE_STATES).kind == "approval"
    event = AuditEvent.objects.get(action="levy.payment_post")
    assert event.actor is None and event.actor_label == "bank"


def test_repeated_notice_answers_the_first_success_without_a_second_posting(bank, awaiting):
    app, bill = awaiting()
    first = bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-1")
    again = bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-1")  # new X-EXTERNAL-ID
    advice = bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-1", flag_advise="Y")
    assert first.code == again.code == advice.code == "2002500"
    assert again.body == first.body and advice.body == first.body
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(action="levy.payment_post").count() == 1
    assert AuditEvent.objects.filter(action="application.paid").count() == 1


def test_a_different_payment_for_a_paid_bill_is_already_paid(bank, awaiting):
    _, bill = awaiting()
    assert bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-1").code == "2002500"
    resp = bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-2")
    assert (resp.status, resp.code) == (404, "4042514")
    assert Payment.objects.count() == 1


def test_a_request_id_reused_for_another_bill_is_a_conflict(bank, awaiting):
    _, one = awaiting()
    _, two = awaiting()
    assert bank.pay(one.virtual_account_no, one.amount, request_id="PAY-1").code == "2002500"
    resp = bank.pay(two.virtual_account_no, two.amount, request_id="PAY-1")
    assert (resp.status, resp.code) == (409, "4092500")
    two.refresh_from_db()
    assert two.state == "open"


def test_wrong_amount_for_a_closed_bill(bank, awaiting):
    _, bill = awaiting()
    resp = bank.pay(bill.virtual_account_no, bill.amount - 1000)
    assert (resp.status, resp.code) == (404, "4042513")
    assert bank.pay(bill.virtual_account_no, Decimal("1500000.50")).code == "4042513"
    assert not Payment.objects.exists()


def test_payment_of_unknown_and_expired_bills(bank, awaiting):
    _, bill = awaiting()
    assert bank.pay("77001" + "000000000000", bill.amount).code == "4042512"
    Bill.objects.filter(pk=bill.pk).update(state="expired")  # closed as expired before issue 18
    assert bank.pay(bill.virtual_account_no, bill.amount).code == "4042519"


def test_payment_field_errors(bank, awaiting):
    _, bill = awaiting()
    body = {**bank.va_ids(bill.virtual_account_no), "paymentRequestId": "P1"}
    assert bank.call("transfer-va/payment", body).code == "4002502"  # no paidAmount
    bad = {**body, "paidAmount": {"value": "1500000", "currency": "IDR"}}
    assert bank.call("transfer-va/payment", bad).code == "4002501"
    bad = {**body, "paidAmount": {"value": "1500000.00", "currency": "USD"}}
    assert bank.call("transfer-va/payment", bad).code == "4002501"
    bad = {**body, "virtualAccountNo": "   770010", "paidAmount": {"value": "1.00", "currency": "IDR"}}
    assert bank.call("transfer-va/payment", bad).code == "4002501"


def test_duplicate_external_id_with_another_body_is_refused(bank, awaiting):
    _, bill = awaiting()
    first = bank.inquiry(bill.virtual_account_no, external_id="555")
    assert first.code == "2002400"
    resp = bank.pay(bill.virtual_account_no, bill.amount, external_id="555")
    assert (resp.status, resp.code) == (409, "4092500")
    assert bank.inquiry(bill.virtual_account_no, external_id="556", request_id="x").code == "2002400"
    assert bank.inquiry(bill.virtual_account_no, external_id="556", request_id="y").code == "4092400"
    assert not Payment.objects.exists()


def test_same_external_id_and_same_body_gets_the_same_answer(bank, awaiting):
    _, bill = awaiting()
    body = {
        **bank.va_ids(bill.virtual_account_no),
        "paymentRequestId": "P1",
        "paidAmount": {"value": "1500000.00", "currency": "IDR"},
    }
    first = bank.call("transfer-va/payment", body, external_id="777")
    again = bank.call("transfer-va/payment", body, external_id="777")
    assert first.code == again.code == "2002500" and first.body == again.body
    assert Payment.objects.count() == 1


def test_internal_error_answers_500_and_changes_nothing(bank, awaiting, monkeypatch):
    _, bill = awaiting()

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(snap_views, "payment_post", boom)
    resp = bank.pay(bill.virtual_account_no, bill.amount, external_id="888")
    assert (resp.status, resp.code) == (500, "5002501")
    assert not Payment.objects.exists()
    # the failed call rolled back its X-EXTERNAL-ID, so the bank may retry it
    monkeypatch.undo()
    assert bank.pay(bill.virtual_account_no, bill.amount, external_id="888").code == "2002500"


def test_internal_error_of_an_inquiry(bank, awaiting, monkeypatch):
    _, bill = awaiting()
    monkeypatch.setattr(snap_views.bodies, "inquiry_answer", lambda *a: 1 / 0)
    resp = bank.inquiry(bill.virtual_account_no)
    assert (resp.status, resp.code) == (500, "5002401")


def test_status_of_a_payment(bank, awaiting):
    _, bill = awaiting()
    assert bank.status(bill.virtual_account_no, "PAY-1").code == "4042601"
    bank.pay(bill.virtual_account_no, bill.amount, request_id="PAY-1", reference="BJB42")
    resp = bank.status(bill.virtual_account_no, "PAY-1")
    assert (resp.status, resp.code) == (200, "2002600")
    assert resp.body["virtualAccountData"]["paymentFlagStatus"] == "00"
    assert resp.body["virtualAccountData"]["referenceNo"] == "BJB42"


def test_every_call_is_recorded_accepted_or_refused(bank, awaiting):
    _, bill = awaiting()
    bank.inquiry(bill.virtual_account_no)
    bank.pay(bill.virtual_account_no, bill.amount, secret="wrong")
    bank.pay(bill.virtual_account_no, bill.amount, external_id="4242")
    calls = list(BankCall.objects.order_by("id"))
    assert [(c.service, c.response_code) for c in calls] == [
        ("token", "2007300"),
        ("inquiry", "2002400"),
        ("payment", "4012500"),
        ("payment", "2002500"),
    ]
    last = calls[-1]
    assert last.external_id == "4242" and last.status == 200 and last.partner_id == bank.creds["partner_id"]
    assert last.headers["Authorization"].startswith("Bearer ...") and len(last.headers["Authorization"]) < 20
    assert json.loads(last.body)["paymentRequestId"] and last.response["responseCode"] == "2002500"
    assert last.path == "/snap/v1.0/transfer-va/payment"


# --- oversized, broken and absurd input (docs/SECURITY.md, "Oversized and absurd input") ---------


def pay_body(bank, bill, trx_time: str, request_id: str = "PAY-T") -> dict:
    value = {"value": f"{bill.amount:.2f}", "currency": "IDR"}
    return {
        **bank.va_ids(bill.virtual_account_no),
        "paymentRequestId": request_id,
        "paidAmount": value,
        "totalAmount": value,
        "trxDateTime": trx_time,
        "referenceNo": "BJB000000000001",
    }


def bogus_headers(bank) -> dict:
    return {
        "Authorization": f"Bearer {bank.token}",
        "X-TIMESTAMP": snap_timestamp(timezone.now()),
        "X-SIGNATURE": "Ym9ndXM=",
        "X-PARTNER-ID": bank.creds["partner_id"],
        "X-EXTERNAL-ID": "77",
        "CHANNEL-ID": "95221",
    }


def snap_refusal(status: int, content: bytes) -> tuple[int, str]:
    """(HTTP status, responseCode) of an answer that must be SNAP JSON."""
    answer = json.loads(content)
    assert set(answer) >= {"responseCode", "responseMessage"}, answer
    return status, answer["responseCode"]


def test_attack_snap_12mb_body_is_a_snap_refusal_not_500(bank, awaiting, client):
    _, bill = awaiting()
    huge = b'{"pad":"' + b"x" * (12 * 1024 * 1024) + b'"}'
    status, content = bank.transport("POST", "/snap/v1.0/transfer-va/payment", bogus_headers(bank), huge)
    assert snap_refusal(status, content) == (400, "4002501")
    assert json.loads(content)["responseMessage"] == "Invalid Field Format [body too large]"
    resp = client.post("/snap/v1.0/access-token/b2b", huge, content_type="application/json")
    assert snap_refusal(resp.status_code, resp.content) == (400, "4007301")
    assert BankCall.objects.filter(service="payment", response_code="4002501", body="").exists()  # still kept
    assert not Payment.objects.exists()


def test_attack_snap_invalid_utf8_with_a_bogus_signature_is_a_snap_refusal(bank, awaiting):
    _, bill = awaiting()
    broken = b'{"partnerServiceId":"\xff\xfe\xc3(","x":"\xed\xa0\x80"}'
    # the signature is checked on the bytes, which need no decoding: a bogus one is unauthorised
    status, content = bank.transport("POST", "/snap/v1.0/transfer-va/payment", bogus_headers(bank), broken)
    assert snap_refusal(status, content) == (401, "4012500")
    # correctly signed, the bytes are refused as a body that is not UTF-8
    resp = bank.call("transfer-va/payment", {}, raw=broken)
    assert (resp.status, resp.code) == (400, "4002501")
    call = BankCall.objects.filter(service="payment").latest("id")
    assert call.response_code == "4002501" and "\ufffd" in call.body
    assert not Payment.objects.exists() and Bill.objects.get(pk=bill.pk).state == "open"


def test_attack_snap_100000_deep_nesting_is_a_snap_refusal(bank, awaiting, client):
    _, bill = awaiting()
    deep = b'{"additionalInfo":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    resp = bank.call("transfer-va/payment", {}, raw=deep)
    assert (resp.status, resp.code) == (400, "4002501")
    # nested less than the parser's limit but deeper than any SNAP body: refused as well
    body = pay_body(bank, bill, snap_timestamp(timezone.now()))
    nested: dict = {}
    for _ in range(200):
        nested = {"a": nested}
    resp = bank.call("transfer-va/payment", {**body, "additionalInfo": nested})
    assert (resp.status, resp.code) == (400, "4002501")
    status, content = bank.transport("POST", "/snap/v1.0/transfer-va/payment", bogus_headers(bank), deep)
    assert snap_refusal(status, content) == (401, "4012500")
    assert not Payment.objects.exists() and Bill.objects.get(pk=bill.pk).state == "open"


@pytest.mark.parametrize(
    "trx_time",
    [
        "1900-01-01T00:00:00+07:00",
        "0001-01-01T00:00:00+07:00",
        "2100-01-01T00:00:00+07:00",
        "9999-12-31T23:59:59-12:00",
    ],
)
def test_attack_snap_payment_dated_outside_the_bills_life_is_refused_and_bill_stays_unpaid(bank, awaiting, trx_time):
    app, bill = awaiting()
    resp = bank.call("transfer-va/payment", pay_body(bank, bill, trx_time))
    assert (resp.status, resp.code) == (400, "4002501")
    assert resp.body["responseMessage"] == "Invalid Field Format trxDateTime"
    bill.refresh_from_db()
    assert bill.state == "open" and bill.paid_payment is None and not Payment.objects.exists()
    app.refresh_from_db()
    assert app.status == "awaiting_payment"


def test_snap_payment_time_bounds_follow_the_bill_and_the_window(bank, awaiting):
    _, bill = awaiting()
    now = timezone.now()
    before_issue = timezone.localtime(bill.created_at).replace(hour=0, minute=0) - datetime.timedelta(minutes=6)
    for moment in (before_issue, now + datetime.timedelta(minutes=6)):
        resp = bank.call("transfer-va/payment", pay_body(bank, bill, snap_timestamp(moment)))
        assert resp.code == "4002501", moment
    # a bank clock a little ahead (within the SNAP window) is accepted
    resp = bank.call("transfer-va/payment", pay_body(bank, bill, snap_timestamp(now + datetime.timedelta(minutes=4))))
    assert (resp.status, resp.code) == (200, "2002500")
    assert Payment.objects.get().paid_at > now


def test_attack_snap_nul_in_the_body_is_a_snap_refusal_and_the_call_is_kept(bank, awaiting):
    _, bill = awaiting()
    body = pay_body(bank, bill, snap_timestamp(timezone.now()))
    for raw in (
        json.dumps({**body, "referenceNo": "BJB\u0000"}).encode(),  # escaped
        json.dumps(body).encode().replace(b"BJB", b"BJB\x00"),  # raw
    ):
        resp = bank.call("transfer-va/payment", body, raw=raw)
        assert (resp.status, resp.code) == (400, "4002501")
        call = BankCall.objects.latest("id")
        assert call.response_code == "4002501" and "\x00" not in call.body
    assert not Payment.objects.exists() and Bill.objects.get(pk=bill.pk).state == "open"
