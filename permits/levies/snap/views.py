"""The SNAP BI inbound API (the bank calls us): access token, VA inquiry, payment and status.

Each call, accepted or refused, is stored in BankCall with its headers, body, answer and timing.
A transaction call runs in one database transaction with its X-EXTERNAL-ID row (unique per partner
per day): the same id with the same body gets the first answer again, with another body a 409.
"""

import logging
import time

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ..models import BankCall, Bill, Payment, SnapExternalId
from ..selectors import bill_payability
from ..services import payment_post
from . import bodies
from .auth import check_token_request, check_transaction, token_issue
from .codes import (
    BILL_NOT_FOUND,
    CONFLICT,
    EXPIRED_BILL,
    INTERNAL,
    INVALID_AMOUNT,
    INVALID_FIELD,
    MISSING_FIELD,
    PAID_BILL,
    TRANSACTION_NOT_FOUND,
    Refusal,
    response_code,
)
from .config import SnapConfig, snap_config
from .signatures import body_digest

log = logging.getLogger("permits.levies.snap")
_SECRET_HEADERS = {"authorization"}
_MAX_STORED_BODY = 64 * 1024


def _headers_for_log(request) -> dict:
    out = {}
    for key, value in request.headers.items():
        if key.lower() in _SECRET_HEADERS:
            scheme, _, token = value.partition(" ")
            value = f"{scheme} ...{token[-4:]}" if token else "***"
        out[key] = value
    return out


def _record(request, service, raw, status, answer, started, *, external_id="", partner_id="") -> None:
    stored = dict(answer)
    if "accessToken" in stored:
        stored["accessToken"] = "***"
    try:
        BankCall.objects.create(
            at=timezone.now(),
            method=request.method,
            path=request.get_full_path()[:300],
            service=service,
            partner_id=(partner_id or request.headers.get("X-PARTNER-ID") or request.headers.get("X-CLIENT-KEY") or "")[
                :64
            ],
            external_id=(external_id or request.headers.get("X-EXTERNAL-ID") or "")[:64],
            headers=_headers_for_log(request),
            body=raw[:_MAX_STORED_BODY].decode("utf-8", "replace").replace("\x00", "\ufffd"),
            status=status,
            response_code=str(answer.get("responseCode", ""))[:7],
            response=stored,
            duration_ms=int((time.monotonic() - started) * 1000),
            remote_addr=request.META.get("REMOTE_ADDR", "")[:64],
        )
    except Exception:  # the answer still goes out; the failure is logged loudly
        log.exception("could not store the bank call")


def _endpoint(service: str, handler):
    @csrf_exempt
    def view(request):
        started = time.monotonic()
        raw = b""
        now = timezone.now()
        try:
            if request.method != "POST":
                raise Refusal(INVALID_FIELD, "[method]")
            raw = bodies.request_body(request)
            status, answer = handler(request, raw, snap_config(), now)
        except Refusal as refusal:
            status, answer = refusal.answer(service)
        except Exception:
            log.exception("SNAP %s failed", service)
            status, answer = Refusal(INTERNAL).answer(service)
        _record(request, service, raw, status, answer, started)
        return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})

    view.refuses_nul_itself = True  # parse_json does, in SNAP's shape (permits/core/middleware.py)
    return view


# --- access token ------------------------------------------------------------------------------


def _token(request, raw: bytes, cfg: SnapConfig, now):
    check_token_request(request.headers, cfg, now)
    data = bodies.parse_json(raw)
    if not data.get("grantType"):
        raise Refusal(MISSING_FIELD, "grantType")
    if data["grantType"] != "client_credentials":
        raise Refusal(INVALID_FIELD, "grantType")
    return 200, {
        "responseCode": "2007300",
        "responseMessage": "Successful",
        "accessToken": token_issue(cfg, now),
        "tokenType": "Bearer",
        "expiresIn": str(cfg.token_ttl_seconds),
    }


# --- transactions ------------------------------------------------------------------------------


def _transaction(service: str, business):
    """Authenticate, claim the X-EXTERNAL-ID, run `business`, keep its answer with the id."""

    def handler(request, raw: bytes, cfg: SnapConfig, now):
        external_id = check_transaction(request.method, request.get_full_path(), request.headers, raw, cfg, now)
        data = bodies.parse_json(raw)
        day = timezone.localtime(now).date()
        digest = body_digest(raw)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = SnapExternalId.objects.create(
                        partner_id=cfg.partner_id,
                        day=day,
                        external_id=external_id,
                        service=service,
                        body_hash=digest,
                        at=now,
                    )
            except IntegrityError:
                prior = SnapExternalId.objects.get(partner_id=cfg.partner_id, day=day, external_id=external_id)
                if prior.body_hash == digest and prior.service == service and prior.response is not None:
                    return prior.status, prior.response  # the same request again: the same answer
                raise Refusal(CONFLICT, "[X-EXTERNAL-ID]") from None
            try:
                status, answer = business(data, cfg, now)
            except Refusal as refusal:
                status, answer = refusal.answer(service)
            claim.status, claim.response = status, answer
            claim.save(update_fields=["status", "response"])
        return status, answer

    return handler


def _bill_for(ids: bodies.VaIds, cfg: SnapConfig) -> Bill | None:
    if ids.partner_service_id.strip() != cfg.partner_service_id:
        return None
    return (
        Bill.objects.select_related("assessment", "application__applicant")
        .prefetch_related("assessment__lines")
        .filter(virtual_account_no=ids.va_digits)
        .first()
    )


_INQUIRY_REFUSALS = {  # bill_payability's refusal -> (case, reason)
    "not_found": (BILL_NOT_FOUND, "Bill not found"),
    "already_paid": (PAID_BILL, "Bill has been paid"),
    "expired": (EXPIRED_BILL, "Bill expired"),  # closed as expired before issue 18
    "blocked": (BILL_NOT_FOUND, "Bill blocked"),
}


def _inquiry(data: dict, cfg: SnapConfig, now):
    ids = bodies.va_ids(data, "inquiryRequestId")
    asked = bodies.parse_money(data, "amount", required=False)
    bill = _bill_for(ids, cfg)

    def refuse(case, reason):
        return Refusal(case, extra=bodies.inquiry_refusal_extra(ids, reason))

    if bill is None:
        raise refuse(BILL_NOT_FOUND, "Bill not found")
    payability = bill_payability(bill, at=now)
    if not payability.ok:
        raise refuse(*_INQUIRY_REFUSALS[payability.refusal])
    if asked is not None and asked != payability.amount:
        raise refuse(INVALID_AMOUNT, "Invalid amount")  # a closed bill is paid in full only, with any sanction
    return 200, bodies.inquiry_answer(ids, bill, data, payability.amount)


_PAYMENT_REFUSALS = {  # payment_post's outcome -> (case, detail)
    "not_found": (BILL_NOT_FOUND, ""),
    "wrong_amount": (INVALID_AMOUNT, ""),
    "already_paid": (PAID_BILL, ""),
    "expired": (EXPIRED_BILL, ""),
    "request_conflict": (CONFLICT, "[paymentRequestId]"),
    "invalid_time": (INVALID_FIELD, "trxDateTime"),  # outside the bill's life (payment_time_valid)
}


def _payment(data: dict, cfg: SnapConfig, now):
    ids = bodies.va_ids(data, "paymentRequestId")
    paid = bodies.parse_money(data, "paidAmount")
    bodies.parse_money(data, "totalAmount", required=False)
    paid_at = bodies.parse_trx_time(data)
    if data.get("flagAdvise") not in (None, "", "Y", "N"):
        raise Refusal(INVALID_FIELD, "flagAdvise")
    if ids.partner_service_id.strip() != cfg.partner_service_id:
        raise Refusal(BILL_NOT_FOUND)
    if paid != paid.to_integral_value():
        if not Bill.objects.filter(virtual_account_no=ids.va_digits).exists():
            raise Refusal(BILL_NOT_FOUND)  # an unknown bill is "not found" whatever the amount
        raise Refusal(INVALID_AMOUNT)

    def answer(bill: Bill) -> dict:  # built only when the payment is posted, from the locked bill
        return bodies.payment_answer(ids, bill, data, paid)

    result = payment_post(
        virtual_account_no=ids.va_digits,
        partner=cfg.partner_id,
        payment_request_id=ids.request_id,
        amount=paid,
        channel=Payment.Channel.SNAP,
        bank_reference=str(data.get("referenceNo") or data.get("journalNum") or ids.request_id)[:128],
        paid_at=paid_at,
        raw=data,
        answer=answer,
        now=now,
        defer_advance=True,  # the answer waits for the posting only; a worker moves the file on
    )
    if result.ok:
        return 200, result.payment.answer
    raise Refusal(*_PAYMENT_REFUSALS[result.outcome])


def _status(data: dict, cfg: SnapConfig, now):
    ids = bodies.va_ids(data, "inquiryRequestId")
    if _bill_for(ids, cfg) is None:
        raise Refusal(BILL_NOT_FOUND)
    request_id = data.get("paymentRequestId") or ids.request_id
    payment = (
        Payment.objects.select_related("bill")
        .filter(partner=cfg.partner_id, payment_request_id=request_id, bill__virtual_account_no=ids.va_digits)
        .first()
    )
    if payment is None:
        raise Refusal(TRANSACTION_NOT_FOUND)
    return 200, bodies.status_answer(ids, payment, data)


access_token = _endpoint("token", _token)
inquiry = _endpoint("inquiry", _transaction("inquiry", _inquiry))
payment = _endpoint("payment", _transaction("payment", _payment))
status = _endpoint("status", _transaction("status", _status))

__all__ = ["access_token", "inquiry", "payment", "status", "response_code"]
