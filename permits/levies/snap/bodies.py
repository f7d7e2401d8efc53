"""SNAP virtual-account bodies: reading the bank's requests and building our answers."""

import json
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import RequestDataTooBig
from django.utils import timezone

from ..models import Bill
from .codes import INVALID_FIELD, MISSING_FIELD, Refusal
from .signatures import parse_timestamp, snap_timestamp

_AMOUNT = re.compile(r"\d{1,16}\.\d{2}")
_DIGITS = re.compile(r"\d{1,20}")
SUCCESS_REASON = {"english": "Success", "indonesia": "Sukses"}


# A SNAP body nests four levels at most (body > virtualAccountData > billDetails > item > text).
MAX_DEPTH = 16


def request_body(request) -> bytes:
    """The request's bytes; one larger than DATA_UPLOAD_MAX_MEMORY_SIZE is a SNAP refusal, not Django's
    400 page (nor a 500)."""
    try:
        return request.body
    except RequestDataTooBig:
        raise Refusal(INVALID_FIELD, "[body too large]") from None


def _too_deep(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_json(raw: bytes) -> dict:
    """The body as a JSON object, or a SNAP refusal: not UTF-8, not JSON, not an object, nested deeper
    than MAX_DEPTH (Python's parser raises RecursionError long before 100,000 levels; a body that parses
    but nests deeper than any SNAP body is refused too, before anything walks it recursively), or holding
    a NUL character, raw or escaped (no SNAP field has one, and PostgreSQL cannot store it)."""
    if b"\x00" in raw or b"\\u0000" in raw:
        raise Refusal(INVALID_FIELD, "[body]")
    try:
        data = json.loads(raw.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refusal(INVALID_FIELD, "[body]") from None
    if not isinstance(data, dict) or _too_deep(data, MAX_DEPTH):
        raise Refusal(INVALID_FIELD, "[body]")
    return data


def money(value: Decimal) -> dict:
    return {"value": f"{Decimal(value):.2f}", "currency": "IDR"}


def parse_money(data: dict, key: str, *, required: bool = True) -> Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise Refusal(MISSING_FIELD, key)
        return None
    if not isinstance(value, dict) or not isinstance(value.get("value"), str) or value.get("currency") != "IDR":
        raise Refusal(INVALID_FIELD, key)
    if not _AMOUNT.fullmatch(value["value"]):
        raise Refusal(INVALID_FIELD, key)
    return Decimal(value["value"])


def _text(data: dict, key: str, limit: int, *, required: bool = True) -> str:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise Refusal(MISSING_FIELD, key)
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise Refusal(INVALID_FIELD, key)
    return value


@dataclass
class VaIds:
    partner_service_id: str  # as received (8 characters, left-padded with spaces)
    customer_no: str
    virtual_account_no: str  # as received
    request_id: str

    @property
    def va_digits(self) -> str:
        return "".join(self.virtual_account_no.split())

    def echo(self) -> dict:
        return {
            "partnerServiceId": self.partner_service_id,
            "customerNo": self.customer_no,
            "virtualAccountNo": self.virtual_account_no,
        }


def va_ids(data: dict, request_key: str) -> VaIds:
    """The three VA ids and the bank's request id, checked for presence and format."""
    ids = VaIds(
        _text(data, "partnerServiceId", 8),
        _text(data, "customerNo", 20),
        _text(data, "virtualAccountNo", 28),
        _text(data, request_key, 128),
    )
    if not ids.partner_service_id.strip().isdigit():
        raise Refusal(INVALID_FIELD, "partnerServiceId")
    if not _DIGITS.fullmatch(ids.customer_no):
        raise Refusal(INVALID_FIELD, "customerNo")
    if ids.va_digits != ids.partner_service_id.strip() + ids.customer_no:
        raise Refusal(INVALID_FIELD, "virtualAccountNo")
    return ids


def parse_trx_time(data: dict):
    text = data.get("trxDateTime")
    if text in (None, ""):
        return None
    moment = parse_timestamp(text) if isinstance(text, str) else None
    if moment is None:
        raise Refusal(INVALID_FIELD, "trxDateTime")
    return moment


def bill_details(bill: Bill, total: Decimal | None = None) -> list[dict]:
    """The SKRD/SKPD's lines; when `total` (the amount due) exceeds the bill, one more line for the sanction
    of late payment, so the details add up to the total."""
    assessment = bill.assessment
    lines = [(f"{line.order:02d}", line.description, line.description, line.amount) for line in assessment.lines.all()]
    lines = lines[: 23 if total is not None and total > bill.amount else 24]
    if total is not None and total > bill.amount:
        lines.append(("99", "Late payment interest (sanction)", "Sanksi administratif (bunga)", total - bill.amount))
    return [
        {
            "billCode": code,
            "billNo": assessment.number,
            "billName": indonesia[:20],
            "billShortName": indonesia[:10],
            "billDescription": {"english": english, "indonesia": indonesia},
            "billAmount": money(amount),
        }
        for code, english, indonesia, amount in lines
    ]


def free_texts(bill: Bill) -> list[dict]:
    number = bill.assessment.number
    english = "Regional tax" if bill.assessment.is_tax else "Permit levy"
    indonesia = "Pajak daerah" if bill.assessment.is_tax else "Retribusi perizinan"
    return [
        {"english": f"{english} {number}", "indonesia": f"{indonesia} {number}"},
        {"english": f"Due {bill.due_date:%d/%m/%Y}", "indonesia": f"Jatuh tempo {bill.due_date:%d/%m/%Y}"},
    ]


def inquiry_answer(ids: VaIds, bill: Bill, data: dict, amount_due: Decimal | None = None) -> dict:
    """`amount_due`: what must be paid today (bill_payability), the bill's amount until its due date."""
    total = bill.amount if amount_due is None else amount_due
    return {
        "responseCode": "2002400",
        "responseMessage": "Successful",
        "virtualAccountData": {
            "inquiryStatus": "00",
            "inquiryReason": SUCCESS_REASON,
            **ids.echo(),
            "virtualAccountName": bill.application.applicant.display_name[:255],
            "inquiryRequestId": ids.request_id,
            "totalAmount": money(total),
            "billDetails": bill_details(bill, total),
            "freeTexts": free_texts(bill),
            "virtualAccountTrxType": "C",
            "feeAmount": money(Decimal(0)),
            "additionalInfo": data.get("additionalInfo") or {},
        },
    }


def inquiry_refusal_extra(ids: VaIds | None, reason: str) -> dict:
    if ids is None:
        return {}
    return {
        "virtualAccountData": {
            "inquiryStatus": "01",
            "inquiryReason": {"english": reason, "indonesia": reason},
            **ids.echo(),
            "inquiryRequestId": ids.request_id,
        }
    }


def payment_answer(ids: VaIds, bill: Bill, data: dict, paid_amount: Decimal) -> dict:
    return {
        "responseCode": "2002500",
        "responseMessage": "Successful",
        "virtualAccountData": {
            **ids.echo(),
            "virtualAccountName": bill.application.applicant.display_name[:255],
            "paymentRequestId": ids.request_id,
            "paidAmount": money(paid_amount),
            "totalAmount": money(paid_amount),  # posted: the paid amount is the amount due (with any sanction)
            "trxDateTime": data.get("trxDateTime") or snap_timestamp(timezone.now()),
            "referenceNo": data.get("referenceNo") or "",
            "journalNum": data.get("journalNum") or "",
            "paymentFlagStatus": "00",
            "paymentFlagReason": SUCCESS_REASON,
            "billDetails": bill_details(bill, paid_amount),
            "freeTexts": free_texts(bill),
        },
        "additionalInfo": data.get("additionalInfo") or {},
    }


def status_answer(ids: VaIds, payment, data: dict) -> dict:
    return {
        "responseCode": "2002600",
        "responseMessage": "Successful",
        "virtualAccountData": {
            **ids.echo(),
            "inquiryRequestId": ids.request_id,
            "paymentRequestId": payment.payment_request_id,
            "paidAmount": money(payment.amount),
            "totalAmount": money(payment.amount),
            "transactionDate": snap_timestamp(payment.paid_at),
            "referenceNo": payment.bank_reference,
            "paymentFlagStatus": "00",
            "paymentFlagReason": SUCCESS_REASON,
        },
        "additionalInfo": data.get("additionalInfo") or {},
    }
