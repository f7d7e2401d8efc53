"""WhatsApp Business Cloud API: approved template messages (outside the 24-hour customer window
nothing else may be sent), and free-form texts (Outgoing.free_form) only as replies inside the window a
person opened by writing to us. Statuses come back on the webhook (views.whatsapp_webhook).

Errors: HTTP 429/5xx and the API's throttling codes are temporary; an expired token (401) is
temporary too (an operator renews it); anything else 4xx (number not on WhatsApp, template not
approved) is permanent, and the message falls back to SMS.
"""

import hashlib
import hmac
import json

from django.conf import settings

from .base import (
    SENT,
    Channel,
    Outgoing,
    PermanentError,
    SendResult,
    TemporaryError,
    http_call,
    json_body,
)

# Graph API error codes that mean "later": rate limits, temporary unavailability.
TEMPORARY_CODES = {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


def signature_valid(raw_body: bytes, header: str) -> bool:
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256(app secret, raw body)."""
    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :])


class WhatsAppCloud(Channel):
    kind = "whatsapp"
    backend = "cloud"

    def deliver(self, out: Outgoing) -> SendResult:
        payload = self._text(out) if out.free_form else self._template(out)
        url = f"{settings.WHATSAPP_API_BASE_URL.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {settings.WHATSAPP_TOKEN}"}
        status, body = http_call("POST", url, body=json.dumps(payload).encode(), headers=headers)
        return self._result(status, json_body(body))

    @staticmethod
    def _text(out: Outgoing) -> dict:
        """A free-form text: allowed only inside the 24-hour window the recipient opened by writing to us."""
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": out.recipient.lstrip("+"),
            "type": "text",
            "text": {"body": out.text, "preview_url": False},
            "biz_opaque_callback_data": out.idempotency_key,
        }

    @staticmethod
    def _template(out: Outgoing) -> dict:
        if not out.whatsapp_name:
            raise PermanentError("Templat WhatsApp belum ditetapkan untuk pesan ini.")
        language = settings.WHATSAPP_LANGUAGE if out.language == "id" else out.language  # officers may read English
        template = {"name": out.whatsapp_name, "language": {"code": language}}
        if out.whatsapp_params:
            template["components"] = [
                {"type": "body", "parameters": [{"type": "text", "text": p} for p in out.whatsapp_params]}
            ]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": out.recipient.lstrip("+"),
            "type": "template",
            "template": template,
            "biz_opaque_callback_data": out.idempotency_key,  # comes back on the webhook
        }

    @staticmethod
    def _result(status: int, answer: dict) -> SendResult:
        if 200 <= status < 300:
            messages = answer.get("messages") or [{}]
            wamid = str(messages[0].get("id") or "")
            if not wamid:
                raise TemporaryError("WhatsApp menjawab tanpa id pesan.", status)
            return SendResult(SENT, provider_id=wamid, http_status=status)
        error = answer.get("error") or {}
        detail = f"WhatsApp HTTP {status} ({error.get('code', '-')}): {error.get('message', '')}".strip()
        if status in (401, 429) or status >= 500 or error.get("code") in TEMPORARY_CODES:
            raise TemporaryError(detail, status)
        raise PermanentError(detail, status)
