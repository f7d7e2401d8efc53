"""SMS through Kannel's `sendsms` HTTP interface, with a delivery-report callback (`dlr-url`).

Kannel answers 202 "0: Accepted for delivery" or "3: Queued for later delivery", 4xx for a bad
request or login, 503 for a temporary failure. It calls our `dlr-url` for each report type in
`KANNEL_DLR_MASK`, substituting %d (type), %A (SMSC answer), %F (SMSC message id), %T (time).
The callback carries the message id and a token derived from SECRET_KEY, so nobody else can
move a message's status.
"""

import hmac
import urllib.parse

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from ..rendering import to_gsm7
from .base import SENT, Channel, Outgoing, PermanentError, SendResult, http_call, raise_for_status


def dlr_token(message_id: int) -> str:
    return salted_hmac("permits.notifications.kannel-dlr", str(message_id)).hexdigest()[:32]


def dlr_token_valid(message_id: int, token: str) -> bool:
    return hmac.compare_digest(dlr_token(message_id), token or "")


def dlr_url(message_id: int) -> str:
    """Our callback, with Kannel's escapes left for Kannel to fill in."""
    base = settings.KANNEL_DLR_BASE_URL.rstrip("/") + reverse("notifications:kannel_dlr")
    return f"{base}?id={message_id}&t={dlr_token(message_id)}&status=%d&answer=%A&smsc_id=%F&at=%T"


class KannelSms(Channel):
    kind = "sms"
    backend = "kannel"

    def deliver(self, out: Outgoing) -> SendResult:
        params = {
            "username": settings.KANNEL_USERNAME,
            "password": settings.KANNEL_PASSWORD,
            "from": settings.KANNEL_SENDER,
            "to": out.recipient,
            "text": to_gsm7(out.text),
            "charset": "UTF-8",
            "dlr-mask": str(settings.KANNEL_DLR_MASK),
            "dlr-url": dlr_url(out.id),
        }
        if settings.KANNEL_SMSC:
            params["smsc"] = settings.KANNEL_SMSC
        url = settings.KANNEL_SENDSMS_URL + "?" + urllib.parse.urlencode(params)
        status, body = http_call("GET", url)
        raise_for_status(status, body, "Kannel")
        answer = body.decode("utf-8", "replace").strip()
        if not answer.startswith(("0:", "3:")):  # a 2xx that is not an acceptance: never guess it went out
            raise PermanentError(f"Kannel menjawab tak terduga: {answer[:200]}", status)
        return SendResult(SENT, http_status=status)
