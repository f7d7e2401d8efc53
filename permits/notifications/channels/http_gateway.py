"""SMS through a generic HTTP gateway (many Indonesian aggregators offer one): POST JSON
`{"to", "text", "sender", "reference"}` with a bearer token and an `Idempotency-Key` header;
a 2xx answer with `id` (or `message_id`) means accepted. The idempotency key is the message's
own, so a retry after a lost answer is not sent twice by a gateway that honours the header."""

import json

from django.conf import settings

from ..rendering import to_gsm7
from .base import SENT, Channel, Outgoing, SendResult, http_call, json_body, raise_for_status


class HttpGatewaySms(Channel):
    kind = "sms"
    backend = "http"

    def deliver(self, out: Outgoing) -> SendResult:
        payload = {
            "to": out.recipient,
            "text": to_gsm7(out.text),
            "sender": settings.SMS_HTTP_SENDER,
            "reference": out.idempotency_key,
        }
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
            "Idempotency-Key": out.idempotency_key,
        }
        status, body = http_call("POST", settings.SMS_HTTP_URL, body=json.dumps(payload).encode(), headers=headers)
        raise_for_status(status, body, "Gateway SMS")
        answer = json_body(body)
        return SendResult(SENT, provider_id=str(answer.get("id") or answer.get("message_id") or ""), http_status=status)
