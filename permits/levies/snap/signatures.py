"""SNAP BI signatures (pure functions; shared by the endpoints and the simulator's client).

- Token request: SHA256withRSA over ``client_id + "|" + X-TIMESTAMP``, base64.
- Transactions: HMAC-SHA512(client secret, ``METHOD:PATH:TOKEN:hex(sha256(minified body)):TIMESTAMP``),
  base64 or hex (the bank decides at onboarding).

The body is hashed as received after removing insignificant whitespace: we never re-serialise a
parsed dict (key order, number formats and escapes would change the bytes).
"""

import base64
import binascii
import datetime
import functools
import hashlib
import hmac
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JAKARTA = ZoneInfo("Asia/Jakarta")
_WHITESPACE = frozenset(b" \t\n\r")
_QUOTE, _BACKSLASH = ord('"'), ord("\\")


def _as_bytes(raw: bytes | str) -> bytes:
    # surrogateescape: a str made from undecodable bytes (minify_json of such bytes) gives them back
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw


def _minify(raw: bytes) -> bytes:
    """JSON.minify over the bytes themselves: whitespace and quotes are ASCII, which never occurs inside
    a multi-byte UTF-8 sequence, so no decoding is needed and bytes that are not UTF-8 cannot break it
    (the signature is checked before the body is parsed; parse_json refuses them)."""
    out = bytearray()
    in_string = escaped = False
    for byte in raw:
        if in_string:
            out.append(byte)
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
            out.append(byte)
        elif byte not in _WHITESPACE:
            out.append(byte)
    return bytes(out)


def minify_json(raw: bytes | str) -> str:
    """The JSON text without whitespace outside strings (JSON.minify), bytes of strings untouched."""
    return _minify(_as_bytes(raw)).decode("utf-8", "surrogateescape")


def body_digest(raw: bytes | str) -> str:
    """lowercase(hex(SHA-256(minified body)))."""
    return hashlib.sha256(_minify(_as_bytes(raw))).hexdigest()


def string_to_sign(method: str, path: str, token: str, raw_body: bytes | str, timestamp: str) -> str:
    return f"{method.upper()}:{path}:{token}:{body_digest(raw_body)}:{timestamp}"


def _encode(digest: bytes, encoding: str) -> str:
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode("ascii")


def hmac_sign(secret: str, message: str, encoding: str = "base64") -> str:
    return _encode(hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha512).digest(), encoding)


def hmac_verify(secret: str, message: str, signature: str, encoding: str = "base64") -> bool:
    expected = hmac_sign(secret, message, encoding)
    if encoding == "hex":
        return hmac.compare_digest(expected.lower(), (signature or "").strip().lower())
    return hmac.compare_digest(expected, (signature or "").strip())


def rsa_sign(private_key_pem: str, client_id: str, timestamp: str) -> str:
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    signature = key.sign(f"{client_id}|{timestamp}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


@functools.lru_cache(maxsize=8)
def _public_key(public_key_pem: str):
    """The bank's key, parsed once per process (keyed by its PEM text, so a new key is parsed anew)."""
    return serialization.load_pem_public_key(public_key_pem.encode("ascii"))


def rsa_verify(public_key_pem: str, client_id: str, timestamp: str, signature_b64: str) -> bool:
    """True only for a valid SHA256withRSA signature of ``client_id|timestamp`` by the bank's key."""
    try:
        key = _public_key(public_key_pem)
        signature = base64.b64decode(signature_b64 or "", validate=True)
        key.verify(signature, f"{client_id}|{timestamp}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        return False
    return True


def rsa_key_pair() -> tuple[str, str]:
    """A new 2048-bit key pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private, public


def snap_timestamp(moment: datetime.datetime) -> str:
    """ISO-8601 with the Jakarta offset and no fraction: 2026-11-27T14:56:11+07:00."""
    return moment.astimezone(JAKARTA).replace(microsecond=0).isoformat()


def parse_timestamp(text: str) -> datetime.datetime | None:
    """An aware instant, or None for anything that is not ISO-8601 with an offset."""
    try:
        moment = datetime.datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None and moment.utcoffset() is not None else None
