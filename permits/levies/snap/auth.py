"""Checks on who is calling: the token request (RSA), bearer tokens, timestamp window, HMAC signature.

Each check raises `Refusal` with the spec's code; the order is: mandatory headers, partner, token,
timestamp, signature, external id format.
"""

import datetime
import hashlib
import re
import secrets

from ..models import SnapToken
from .codes import INVALID_FIELD, INVALID_TOKEN, MISSING_FIELD, UNAUTHORIZED, Refusal
from .config import SnapConfig
from .signatures import hmac_verify, parse_timestamp, rsa_verify, string_to_sign

TRANSACTION_HEADERS = ("X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID", "Authorization")
TOKEN_HEADERS = ("X-TIMESTAMP", "X-CLIENT-KEY", "X-SIGNATURE")
_EXTERNAL_ID = re.compile(r"\d{1,36}")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _require(headers, names) -> None:
    for name in names:
        if not (headers.get(name) or "").strip():
            raise Refusal(MISSING_FIELD, name)


def _check_timestamp(text: str, cfg: SnapConfig, now: datetime.datetime) -> None:
    moment = parse_timestamp(text)
    if moment is None:
        raise Refusal(INVALID_FIELD, "X-TIMESTAMP")
    if abs((now - moment).total_seconds()) > cfg.timestamp_window_seconds:
        raise Refusal(UNAUTHORIZED, "[X-TIMESTAMP out of range]")


def check_token_request(headers, cfg: SnapConfig, now: datetime.datetime) -> None:
    """The bank's token request: known client and SHA256withRSA(client_id|timestamp) by its key."""
    _require(headers, TOKEN_HEADERS)
    _check_timestamp(headers["X-TIMESTAMP"], cfg, now)
    if headers["X-CLIENT-KEY"] != cfg.client_id:
        raise Refusal(UNAUTHORIZED, "[Unknown client]")
    if not rsa_verify(cfg.bank_public_key_pem, cfg.client_id, headers["X-TIMESTAMP"], headers["X-SIGNATURE"]):
        raise Refusal(UNAUTHORIZED, "[Signature]")


def token_issue(cfg: SnapConfig, now: datetime.datetime) -> str:
    """A new bearer token for the bank, valid SNAP_TOKEN_TTL_SECONDS (only its hash is stored)."""
    token = secrets.token_urlsafe(48)
    SnapToken.objects.create(
        key_hash=_hash(token),
        client_id=cfg.client_id,
        issued_at=now,
        expires_at=now + datetime.timedelta(seconds=cfg.token_ttl_seconds),
    )
    return token


# (token hash, client id) -> expiry of tokens this process has already found in the database. A token is
# never revoked before it expires (nothing deletes or shortens one), so its expiry is all there is to
# know, and every transaction after the first skips the lookup. Unknown tokens are not remembered: one
# issued by another process is found in the database on its first use here.
_known_tokens: dict[tuple[str, str], datetime.datetime] = {}
_KNOWN_TOKENS_MAX = 1024


def token_valid(token: str, cfg: SnapConfig, now: datetime.datetime) -> bool:
    key = (_hash(token), cfg.client_id)
    expires_at = _known_tokens.get(key)
    if expires_at is None:
        expires_at = (
            SnapToken.objects.filter(key_hash=key[0], client_id=cfg.client_id)
            .values_list("expires_at", flat=True)
            .first()
        )
        if expires_at is None:
            return False
        if len(_known_tokens) >= _KNOWN_TOKENS_MAX:
            _known_tokens.clear()  # a bank holds a handful of live tokens; this only bounds the memory
        _known_tokens[key] = expires_at
    return now < expires_at


def check_transaction(method: str, path: str, headers, raw_body: bytes, cfg: SnapConfig, now) -> str:
    """Verify a transaction call (inquiry, payment, status); return its X-EXTERNAL-ID."""
    _require(headers, TRANSACTION_HEADERS)
    if headers["X-PARTNER-ID"].strip() != cfg.partner_id:
        raise Refusal(UNAUTHORIZED, "[Unknown partner]")
    scheme, _, token = headers["Authorization"].strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or not token_valid(token, cfg, now):
        raise Refusal(INVALID_TOKEN)
    _check_timestamp(headers["X-TIMESTAMP"], cfg, now)
    message = string_to_sign(method, path, token, raw_body, headers["X-TIMESTAMP"].strip())
    if not hmac_verify(cfg.client_secret, message, headers["X-SIGNATURE"], cfg.signature_encoding):
        raise Refusal(UNAUTHORIZED, "[Signature]")
    external_id = headers["X-EXTERNAL-ID"].strip()
    if not _EXTERNAL_ID.fullmatch(external_id):
        raise Refusal(INVALID_FIELD, "X-EXTERNAL-ID")
    return external_id
