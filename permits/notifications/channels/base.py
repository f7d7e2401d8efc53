"""The one small interface every provider sits behind (the shape of GOV.UK Notify's clients).

`Channel.send` does the timing, the logging and the mapping of errors to one normalised
`SendResult`; a provider implements only `deliver`, raising TemporaryError (try again later) or
PermanentError (this message will never go through this channel). Channels see an `Outgoing`,
never the database.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace

from django.conf import settings

logger = logging.getLogger("permits.notifications")

SENT, DELIVERED, RETRY, FAILED = "sent", "delivered", "retry", "failed"


@dataclass(frozen=True)
class Outgoing:
    """What a channel needs to send one message."""

    id: int
    recipient: str  # E.164 phone (+62...) or email address
    text: str
    idempotency_key: str
    subject: str = ""
    language: str = "id"
    whatsapp_name: str = ""  # the approved template's name at Meta
    whatsapp_params: list[str] = field(default_factory=list)  # values for {{1}}, {{2}}, ...
    free_form: bool = False  # a text of our own (a reply inside the customer service window), not a template


@dataclass(frozen=True)
class SendResult:
    """The outcome of one attempt: sent (accepted), delivered (confirmed), retry or failed."""

    outcome: str
    provider_id: str = ""
    http_status: int | None = None
    error: str = ""
    duration_ms: int = 0


class TemporaryError(Exception):
    """The provider is down, busy or misconfigured: try again later."""

    def __init__(self, message: str, http_status: int | None = None):
        super().__init__(message)
        self.http_status = http_status


class PermanentError(Exception):
    """The provider refused this message for good (bad number, unknown template)."""

    def __init__(self, message: str, http_status: int | None = None):
        super().__init__(message)
        self.http_status = http_status


class Channel:
    kind = ""  # sms, whatsapp, email
    backend = ""  # dev, kannel, http, cloud, smtp, ...

    def send(self, out: Outgoing) -> SendResult:
        started = time.monotonic()
        try:
            result = self.deliver(out)
        except TemporaryError as exc:
            result = SendResult(RETRY, http_status=exc.http_status, error=str(exc))
        except PermanentError as exc:
            result = SendResult(FAILED, http_status=exc.http_status, error=str(exc))
        except Exception as exc:  # a bug or a surprise from a library: retry, bounded by the deadline
            logger.exception("%s/%s: unexpected error sending message %s", self.kind, self.backend, out.id)
            result = SendResult(RETRY, error=f"{type(exc).__name__}: {exc}")
        result = replace(result, duration_ms=int((time.monotonic() - started) * 1000), error=result.error[:2000])
        log = logger.info if result.outcome in (SENT, DELIVERED) else logger.warning
        log(
            "%s/%s message %s -> %s %s %s",
            self.kind,
            self.backend,
            out.id,
            result.outcome,
            result.http_status or "",
            result.error,
        )
        return result

    def deliver(self, out: Outgoing) -> SendResult:
        raise NotImplementedError


def http_call(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    """(status, body) of one HTTP request; a refused connection, DNS failure or timeout is a
    TemporaryError. Any status is returned: the caller decides what it means."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_HTTP_TIMEOUT_SECONDS) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(65536)
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
        reason = getattr(exc, "reason", exc)
        raise TemporaryError(f"tidak tersambung ke penyedia: {reason}") from exc


def raise_for_status(status: int, body: bytes, provider: str) -> None:
    """Map an HTTP status to our two kinds of failure. 401/403 count as temporary: they mean our
    credentials are wrong, which an operator fixes, and the message should still go out then."""
    if 200 <= status < 300:
        return
    snippet = body[:300].decode("utf-8", "replace").strip()
    if status in (401, 403, 408, 425, 429) or status >= 500:
        raise TemporaryError(f"{provider} HTTP {status}: {snippet}", status)
    raise PermanentError(f"{provider} HTTP {status}: {snippet}", status)


def json_body(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
