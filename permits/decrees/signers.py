"""Who makes the decree's signature: one small interface, two implementations, chosen by DECREE_SIGNER.

- `Pkcs12Signer` ("pkcs12"): the office's key file (signing.py loads it; generated in development).
- `EsignSigner` ("esign"): BSrE's e-sign service holds the official's key. The PDF is prepared here
  (pyHanko builds the CMS signed attributes over the document's byte ranges); only the SHA-256 digest of
  those attributes goes to the service with the official's NIK and passphrase, and the raw signature it
  returns is placed into the CMS (pyHanko's `Signer.async_sign_raw` is the hook).

The passphrase is typed by the head at signing time and lives only in `passphrase_given(...)`'s context
(a ContextVar, for the request that signs): never in the task payload, the session, the database, the
audit log or the logs (tests/test_signers.py checks each).
"""

import base64
import contextvars
import hashlib
import logging
from abc import ABC, abstractmethod
from contextlib import contextmanager
from functools import lru_cache

import requests
from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _l
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from permits.core.errors import Conflict, ServiceError

from . import signing

log = logging.getLogger("permits.decrees.signers")
_passphrase: contextvars.ContextVar[str | None] = contextvars.ContextVar("decree_signing_passphrase", default=None)
WRONG_PASSPHRASE = 2031  # BSrE's status_code for a wrong passphrase


@contextmanager
def passphrase_given(passphrase: str | None):
    """The head's passphrase for the signatures made inside this block (one batch), then forgotten."""
    token = _passphrase.set(passphrase or None)
    try:
        yield
    finally:
        _passphrase.reset(token)


class DecreeSigner(ABC):
    """What decree issuing needs from a signer: the certificate (recorded on the decree before signing) and
    a pyHanko signer that produces the signature value."""

    kind: str = ""
    needs_passphrase: bool = False

    @abstractmethod
    def certificate(self) -> asn1_x509.Certificate: ...

    @abstractmethod
    def pyhanko_signer(self) -> signers.Signer: ...

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.certificate())

    @property
    def subject(self) -> str:
        return signing.common_name(self.certificate())


class Pkcs12Signer(DecreeSigner):
    kind = "pkcs12"

    def certificate(self) -> asn1_x509.Certificate:
        return signing.signing_identity().certificate

    def pyhanko_signer(self) -> signers.Signer:
        return signing.signing_identity().signer


# --- BSrE e-sign ------------------------------------------------------------------------------------


def passphrase_wrong() -> ServiceError:
    return ServiceError(
        "passphrase_wrong",
        _l("Passphrase salah: tidak ada SK yang ditandatangani. Periksa passphrase sertifikat elektronik Anda."),
        fields={"passphrase": "Passphrase salah."},
        status=422,
    )


def esign_unavailable() -> ServiceError:
    return ServiceError(
        "esign_unavailable",
        _l("Layanan tanda tangan elektronik BSrE tidak dapat dihubungi: SK belum ditandatangani. Coba lagi nanti."),
        status=503,
    )


class EsignClient:
    """HTTP client of the e-sign service (BSrE's API; locally, localsign.py's fake)."""

    def __init__(self, base_url: str, *, client_id: str = "", client_secret: str = "", timeout: float = 15):
        self.base_url = base_url.rstrip("/")
        self.auth = (client_id, client_secret) if client_id else None
        self.timeout = timeout

    def certificate_chain(self, nik: str) -> list[asn1_x509.Certificate]:
        try:
            response = requests.get(
                f"{self.base_url}/api/v2/user/certificate/{nik}", auth=self.auth, timeout=self.timeout
            )
        except requests.RequestException:
            raise esign_unavailable() from None
        if response.status_code != 200:
            log.warning("e-sign certificate lookup refused: HTTP %s", response.status_code)
            raise esign_unavailable()
        data = response.json()
        ders = [data["certificate"], *data.get("chain", [])]
        return [asn1_x509.Certificate.load(base64.b64decode(d)) for d in ders]

    def sign_digest(self, *, nik: str, passphrase: str, digest: bytes) -> bytes:
        payload = {
            "nik": nik,
            "passphrase": passphrase,
            "digestAlgorithm": "SHA256",
            "hashes": [base64.b64encode(digest).decode()],
        }
        try:
            response = requests.post(
                f"{self.base_url}/api/v2/sign/hash", json=payload, auth=self.auth, timeout=self.timeout
            )
        except requests.RequestException:
            raise esign_unavailable() from None
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code == 200 and data.get("signatures"):
            return base64.b64decode(data["signatures"][0])
        if data.get("status_code") == WRONG_PASSPHRASE:
            raise passphrase_wrong()
        # The answer names neither NIK nor passphrase in our log: only the service's status.
        log.warning("e-sign refused to sign: HTTP %s, status_code %s", response.status_code, data.get("status_code"))
        raise esign_unavailable()


class _RemoteRawSigner(signers.Signer):
    """pyHanko's signer whose raw signature comes from the e-sign service: only the digest leaves."""

    def __init__(self, *, client: EsignClient, nik: str, passphrase: str, chain: list[asn1_x509.Certificate]):
        super().__init__(
            signing_cert=chain[0],
            cert_registry=SimpleCertificateStore.from_certs(chain),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
        )
        self._client, self._nik, self._passphrase = client, nik, passphrase

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if digest_algorithm != "sha256":
            raise ImproperlyConfigured("the e-sign service signs SHA-256 digests only")
        if dry_run:  # pyHanko's size estimate: a placeholder of the key's length
            return bytes(self.signing_cert.public_key.byte_size)
        digest = hashlib.sha256(data).digest()
        return self._client.sign_digest(nik=self._nik, passphrase=self._passphrase, digest=digest)


@lru_cache(maxsize=8)
def _esign_chain(base_url: str, nik: str) -> tuple[asn1_x509.Certificate, ...]:
    return tuple(_client().certificate_chain(nik))


def _client() -> EsignClient:
    return EsignClient(
        settings.DECREE_ESIGN_URL,
        client_id=settings.DECREE_ESIGN_CLIENT_ID,
        client_secret=settings.DECREE_ESIGN_CLIENT_SECRET,
        timeout=settings.DECREE_SIGNING_TIMEOUT_SECONDS,
    )


class EsignSigner(DecreeSigner):
    kind = "esign"
    needs_passphrase = True

    def __init__(self, nik: str | None = None):
        self.nik = nik or settings.DECREE_ESIGN_NIK

    def _chain(self) -> list[asn1_x509.Certificate]:
        return list(_esign_chain(settings.DECREE_ESIGN_URL, self.nik))

    def certificate(self) -> asn1_x509.Certificate:
        return self._chain()[0]

    def pyhanko_signer(self) -> signers.Signer:
        passphrase = _passphrase.get()
        if not passphrase:
            raise Conflict(
                "passphrase_required",
                _l("Masukkan passphrase sertifikat elektronik Anda untuk menandatangani SK."),
            )
        return _RemoteRawSigner(client=_client(), nik=self.nik, passphrase=passphrase, chain=self._chain())


SIGNERS = {"pkcs12": Pkcs12Signer, "esign": EsignSigner}


def current() -> DecreeSigner:
    """The configured signer (DECREE_SIGNER)."""
    try:
        return SIGNERS[settings.DECREE_SIGNER]()
    except KeyError:
        raise ImproperlyConfigured(f"DECREE_SIGNER must be one of {', '.join(SIGNERS)}") from None


def needs_passphrase() -> bool:
    return SIGNERS.get(settings.DECREE_SIGNER, Pkcs12Signer).needs_passphrase
