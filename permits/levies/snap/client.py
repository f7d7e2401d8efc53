"""A SNAP client acting as the bank: signs and sends token, inquiry, payment and status requests.

Used by the bank simulator (command and development page) over real HTTP, and by the tests through
Django's test client: the signing is the same code either way, only the transport differs.
"""

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from .signatures import hmac_sign, minify_json, rsa_sign, snap_timestamp, string_to_sign

# (method, path, headers, body bytes) -> (HTTP status, body bytes)
Transport = Callable[[str, str, dict, bytes], tuple[int, bytes]]


def http_transport(base_url: str, timeout: float = 15) -> Transport:
    """Real HTTP with the standard library (no extra dependency)."""
    base = base_url.rstrip("/")

    def send(method: str, path: str, headers: dict, body: bytes) -> tuple[int, bytes]:
        req = urllib.request.Request(base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (the configured bank URL)
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    return send


def django_transport(client) -> Transport:
    """Django's test client as the transport (tests)."""

    def send(method: str, path: str, headers: dict, body: bytes) -> tuple[int, bytes]:
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        resp = client.generic(method, path, data=body, content_type="application/json", headers=extra)
        return resp.status_code, resp.content

    return send


@dataclass
class SnapResponse:
    status: int
    body: dict
    request: dict = field(default_factory=dict)

    @property
    def code(self) -> str:
        return str(self.body.get("responseCode", ""))

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def new_external_id() -> str:
    return f"{secrets.randbelow(10**20):020d}"


class SnapClient:
    """The bank's side of SNAP, from a credentials dict shaped like var/bank-simulator.json."""

    def __init__(self, creds: dict, transport: Transport, *, clock=timezone.now):
        self.creds = creds
        self.transport = transport
        self.clock = clock
        self.prefix = "/" + str(creds.get("prefix", "snap")).strip("/")
        self.encoding = creds.get("signature_encoding", "base64")
        self._token: str | None = None

    def _path(self, endpoint: str) -> str:
        return f"{self.prefix}/v1.0/{endpoint}"

    def _send(self, path: str, headers: dict, body: bytes, request: dict) -> SnapResponse:
        status, content = self.transport("POST", path, {"Content-Type": "application/json", **headers}, body)
        try:
            data = json.loads(content.decode("utf-8") or "{}")
        except ValueError:
            data = {"raw": content.decode("utf-8", "replace")}
        return SnapResponse(status, data if isinstance(data, dict) else {"raw": data}, request)

    def get_token(self, *, timestamp: str | None = None, signature: str | None = None) -> SnapResponse:
        timestamp = timestamp or snap_timestamp(self.clock())
        client_id = self.creds["client_id"]
        headers = {
            "X-TIMESTAMP": timestamp,
            "X-CLIENT-KEY": client_id,
            "X-SIGNATURE": signature or rsa_sign(self.creds["private_key_pem"], client_id, timestamp),
        }
        body = {"grantType": "client_credentials"}
        resp = self._send(self._path("access-token/b2b"), headers, json.dumps(body).encode(), body)
        if resp.ok:
            self._token = resp.body.get("accessToken")
        return resp

    @property
    def token(self) -> str:
        if self._token is None:
            resp = self.get_token()
            if not resp.ok:
                raise RuntimeError(f"token refused: {resp.status} {resp.body}")
        return self._token

    def call(
        self,
        endpoint: str,
        body: dict,
        *,
        external_id: str | None = None,
        timestamp: str | None = None,
        token: str | None = None,
        secret: str | None = None,
        raw: bytes | None = None,
        omit: tuple[str, ...] = (),
    ) -> SnapResponse:
        """A signed transaction call; the keyword arguments exist so tests can break one thing at a time."""
        path = self._path(endpoint)
        raw = raw if raw is not None else json.dumps(body, indent=1, ensure_ascii=False).encode("utf-8")
        timestamp = timestamp or snap_timestamp(self.clock())
        token = self.token if token is None else token
        message = string_to_sign("POST", path, token, minify_json(raw), timestamp)
        headers = {
            "Authorization": f"Bearer {token}",
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": hmac_sign(secret or self.creds["client_secret"], message, self.encoding),
            "X-PARTNER-ID": self.creds["partner_id"],
            "X-EXTERNAL-ID": external_id or new_external_id(),
            "CHANNEL-ID": str(self.creds.get("channel_id", "95221")),
        }
        for name in omit:
            headers.pop(name, None)
        return self._send(path, headers, raw, body)

    # --- the virtual-account calls --------------------------------------------------------------

    def va_ids(self, virtual_account_no: str) -> dict:
        psid = str(self.creds["partner_service_id"]).rjust(8)
        digits = "".join(virtual_account_no.split())
        if not digits.startswith(psid.strip()):
            raise ValueError(f"VA {digits} does not start with the partner service id {psid.strip()}")
        customer_no = digits[len(psid.strip()) :]
        return {"partnerServiceId": psid, "customerNo": customer_no, "virtualAccountNo": psid + customer_no}

    def inquiry(self, virtual_account_no: str, *, request_id: str | None = None, **kw) -> SnapResponse:
        body = {
            **self.va_ids(virtual_account_no),
            "inquiryRequestId": request_id or new_external_id(),
            "trxDateInit": snap_timestamp(self.clock()),
            "channelCode": 6011,
            "language": "ID",
        }
        return self.call("transfer-va/inquiry", body, **kw)

    def pay(
        self,
        virtual_account_no: str,
        amount: Decimal,
        *,
        request_id: str | None = None,
        reference: str | None = None,
        flag_advise: str = "N",
        **kw,
    ) -> SnapResponse:
        value = {"value": f"{Decimal(amount):.2f}", "currency": "IDR"}
        body = {
            **self.va_ids(virtual_account_no),
            "paymentRequestId": request_id or new_external_id(),
            "channelCode": 6011,
            "paidAmount": value,
            "totalAmount": value,
            "trxDateTime": snap_timestamp(self.clock()),
            "referenceNo": reference or f"BJB{secrets.randbelow(10**12):012d}",
            "journalNum": f"{secrets.randbelow(10**6):06d}",
            "flagAdvise": flag_advise,
        }
        return self.call("transfer-va/payment", body, **kw)

    def status(self, virtual_account_no: str, request_id: str, **kw) -> SnapResponse:
        body = {**self.va_ids(virtual_account_no), "inquiryRequestId": request_id, "paymentRequestId": request_id}
        return self.call("transfer-va/status", body, **kw)

    def pay_bill(self, virtual_account_no: str, amount: Decimal | None = None) -> list[tuple[str, SnapResponse]]:
        """What a teller or ATM does: ask what is owed, then pay it (with the same request id)."""
        steps = []
        request_id = new_external_id()
        found = self.inquiry(virtual_account_no, request_id=request_id)
        steps.append(("inquiry", found))
        if not found.ok:
            return steps
        owed = Decimal(found.body["virtualAccountData"]["totalAmount"]["value"])
        steps.append(
            ("payment", self.pay(virtual_account_no, owed if amount is None else amount, request_id=request_id))
        )
        return steps
