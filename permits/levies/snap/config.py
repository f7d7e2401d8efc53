"""Where the SNAP credentials come from: the settings, or in development the bank simulator's file.

The simulator's file (``SNAP_SIMULATOR_FILE``, by default ``var/bank-simulator.json``) is created on
first use with a fresh RSA key pair and secret. It is self-describing so that any SNAP client can
use it against a development server. It is never used when DEBUG is off (unless
``SNAP_USE_SIMULATOR=true`` is set explicitly), so production runs only on configured credentials.
"""

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .signatures import rsa_key_pair


@dataclass(frozen=True)
class SnapConfig:
    partner_id: str
    client_id: str
    client_secret: str
    bank_public_key_pem: str
    partner_service_id: str  # digits only; padded to 8 characters in SNAP bodies
    timestamp_window_seconds: int
    signature_encoding: str
    token_ttl_seconds: int

    @property
    def partner_service_id_padded(self) -> str:
        return self.partner_service_id.rjust(8)


def partner_service_id() -> str:
    """The VA prefix the bank assigned (digits), used to number every bill."""
    return str(settings.SNAP_PARTNER_SERVICE_ID).strip()


def use_simulator() -> bool:
    flag = getattr(settings, "SNAP_USE_SIMULATOR", None)
    return settings.DEBUG if flag is None else bool(flag)


def simulator_credentials(path: Path | None = None, *, create: bool = True) -> dict:
    """The simulator's credentials, created (private key, secret, ids) when the file does not exist."""
    path = Path(path or settings.SNAP_SIMULATOR_FILE)
    if path.exists():
        return json.loads(path.read_text())
    if not create:
        raise ImproperlyConfigured(f"{path} does not exist")
    private_pem, public_pem = rsa_key_pair()
    creds = {
        "_about": (
            "Bank BJB simulator credentials for development (SNAP BI, direct inquiry). Generated on first "
            "run; never commit. Any SNAP client may use them against a development server: get a token at "
            "{base_url}/{prefix}/v1.0/access-token/b2b signed with private_key_pem (SHA256withRSA over "
            "client_id|timestamp), then sign transactions with HMAC-SHA512 using client_secret."
        ),
        "client_id": f"BJB-SIM-{secrets.token_hex(4).upper()}",
        "client_secret": secrets.token_urlsafe(32),
        "private_key_pem": private_pem,
        "public_key_pem": public_pem,
        "partner_id": f"{secrets.randbelow(10**8):08d}",
        "partner_service_id": partner_service_id().rjust(8),
        "channel_id": "95221",
        "base_url": settings.PUBLIC_BASE_URL,
        "prefix": settings.SNAP_PREFIX,
        "signature_encoding": settings.SNAP_SIGNATURE_ENCODING,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds a private key
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(creds, indent=2) + "\n")
    try:
        os.link(tmp, path)  # fails if another process created it meanwhile: theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return json.loads(path.read_text())


def _pem(value: str) -> str:
    value = (value or "").strip()
    if not value or value.startswith("-----BEGIN"):
        return value
    return Path(value).read_text()


def snap_config() -> SnapConfig:
    """The credentials in force; ImproperlyConfigured when a value is missing outside development."""
    values = {
        "partner_id": settings.SNAP_PARTNER_ID,
        "client_id": settings.SNAP_CLIENT_ID,
        "client_secret": settings.SNAP_CLIENT_SECRET,
        "bank_public_key_pem": _pem(settings.SNAP_BANK_PUBLIC_KEY),
    }
    if not all(values.values()) and use_simulator():
        sim = simulator_credentials()
        defaults = {
            "partner_id": sim["partner_id"],
            "client_id": sim["client_id"],
            "client_secret": sim["client_secret"],
            "bank_public_key_pem": sim["public_key_pem"],
        }
        values = {k: v or defaults[k] for k, v in values.items()}
    missing = [k for k, v in values.items() if not v]
    if missing:
        names = {"bank_public_key_pem": "SNAP_BANK_PUBLIC_KEY"}
        listed = ", ".join(names.get(m, "SNAP_" + m.upper()) for m in missing)
        raise ImproperlyConfigured(f"SNAP settings missing: {listed}")
    return SnapConfig(
        **values,
        partner_service_id=partner_service_id(),
        timestamp_window_seconds=settings.SNAP_TIMESTAMP_WINDOW_SECONDS,
        signature_encoding=settings.SNAP_SIGNATURE_ENCODING,
        token_ttl_seconds=settings.SNAP_TOKEN_TTL_SECONDS,
    )
