"""The office's electronic signature on decrees (PAdES with pyHanko) and the check of a signed file.

The whole outside world of signing sits behind two functions: `sign_pdf(pdf) -> signed pdf` and
`check_pdf(pdf) -> SignatureCheck`. A signature is PAdES B-LT: an RFC 3161 time-stamp from the TSA at
DECREE_TSA_URL (B-T) and the certificates/OCSP/CRLs in the DSS of the signed revision (B-LT). Who makes
the signature value is signers.py's choice (this PKCS#12 identity, or BSrE's e-sign service). The key
file is DECREE_SIGNING_P12_PATH with DECREE_SIGNING_P12_PASSWORD: in production the certificate the
office holds from BSrE. Signatures are checked against DECREE_TRUST_ROOTS_PATH (PEM/DER certificates,
e.g. the BSrE roots), or, when that is unset, against the self-signed certificates inside the PKCS#12
file and the development CA of the local TSA and e-sign fake (devpki.py).

Development: when DECREE_SIGNING_P12_PATH is unset (and DECREE_SIGNING_DEV_CERT allows it), a
development root certificate and a signing certificate issued by it are generated on first use
into VAR_DIR/decree-signing.p12, its password into VAR_DIR/decree-signing.p12.password (var/ is
never committed). A file lock makes two processes starting together generate it once.
"""

import asyncio
import datetime
import fcntl
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _l
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash, load_certs_from_pemder
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathError
from pyhanko_certvalidator.errors import ValidationError as CertValidationError

from permits.core.errors import ServiceError

from . import devpki

log = logging.getLogger("permits.decrees.signing")
FIELD_NAME = "TTE-SK"
DEV_P12_NAME = "decree-signing.p12"
SIGNATURE_BYTES = 32768  # room for the CMS: a chain of a few certificates and the time-stamp token (hex doubles it)


class _Signer(signers.SimpleSigner):
    """pyHanko's SimpleSigner, parsing its RSA key once: the stock one re-parses it for every signature,
    and cryptography's key consistency check makes that ~60 ms each (a batch of 50 decrees: 3 s)."""

    _pyca_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        if self._pyca_key is None:
            self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        return self._pyca_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


@dataclass(frozen=True)
class Identity:
    """The loaded signing key with its certificate, and the roots a signature is checked against."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    fingerprint: str  # SHA-256 of the certificate (DER), hex
    subject: str
    trust_roots: tuple[asn1_x509.Certificate, ...]


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko found in a PDF: a readable signature, untouched since signing, by a trusted certificate."""

    signed: bool = False
    intact: bool = False  # the signed bytes are unchanged
    trusted: bool = False  # chains to a trust root and was valid at signing (the time-stamp's time, if any)
    whole_file: bool = False  # nothing was appended after the signature
    signer_fingerprint: str = ""
    signer_name: str = ""
    signed_at: datetime.datetime | None = None
    timestamp_at: datetime.datetime | None = None  # the trusted RFC 3161 time-stamp's time (PAdES B-T)
    certificate_valid_now: bool = False  # the certificate still validates at the time of the check
    long_term: bool = False  # validation data embedded (PAdES B-LT DSS)
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def fingerprint(certificate: asn1_x509.Certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


def common_name(certificate: asn1_x509.Certificate) -> str:
    subject = certificate.subject.native
    return str(subject.get("common_name") or certificate.subject.human_friendly)


# --- the key ------------------------------------------------------------------------------------


def _dev_paths() -> tuple[Path, Path]:
    p12 = Path(settings.VAR_DIR) / DEV_P12_NAME
    return p12, p12.with_name(p12.name + ".password")


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.OFFICE_SHORT_NAME[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def generate_dev_identity(p12_path: Path, password_path: Path) -> None:
    """A development root (self-signed) and the office's signing certificate issued by it, as PKCS#12."""
    now = datetime.datetime.now(datetime.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name("SMART Development Root CA (bukan untuk produksi)")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"Kepala {settings.OFFICE_SHORT_NAME} (pengembangan)"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )  # digitalSignature, nonRepudiation
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(24)
    data = pkcs12.serialize_key_and_certificates(
        b"decree-signing", key, cert, [root], serialization.BestAvailableEncryption(password.encode())
    )
    for path, content in ((password_path, password.encode()), (p12_path, data)):
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    log.warning("generated a development decree signing certificate at %s (not for production)", p12_path)


def _ensure_dev_identity() -> tuple[Path, bytes]:
    if not getattr(settings, "DECREE_SIGNING_DEV_CERT", True):
        raise ImproperlyConfigured(
            "DECREE_SIGNING_P12_PATH is not set and DECREE_SIGNING_DEV_CERT is off: configure the office's certificate."
        )
    p12, password = _dev_paths()
    p12.parent.mkdir(parents=True, exist_ok=True)
    with open(p12.with_name(p12.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes starting together generate it once
        if not (p12.exists() and password.exists()):
            generate_dev_identity(p12, password)
    return p12, password.read_bytes().strip()


def _configured() -> tuple[Path, bytes]:
    path = getattr(settings, "DECREE_SIGNING_P12_PATH", "")
    if not path:
        return _ensure_dev_identity()
    password = getattr(settings, "DECREE_SIGNING_P12_PASSWORD", "")
    return Path(path), password.encode() if isinstance(password, str) else password


@lru_cache(maxsize=4)
def _load(path: str, mtime: float, password: bytes, roots_path: str) -> Identity:
    data = Path(path).read_bytes()
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password or None)
    except ValueError as exc:
        raise ImproperlyConfigured(f"cannot read the decree signing PKCS#12 file {path}: wrong password?") from exc
    signer = _Signer(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )
    cert = signer.signing_cert
    if roots_path:
        roots = tuple(load_certs_from_pemder([roots_path]))
    else:
        roots = tuple(c for c in signer.cert_registry if c.self_signed != "no") or (cert,)  # "yes"/"maybe"/"no"
    return Identity(
        signer=signer,
        certificate=cert,
        fingerprint=fingerprint(cert),
        subject=common_name(cert),
        trust_roots=roots,
    )


def signing_identity() -> Identity:
    """The office's signing identity (loaded once per file version; generated in development)."""
    path, password = _configured()
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise ImproperlyConfigured(f"decree signing PKCS#12 file not found: {path}") from exc
    return _load(str(path), mtime, password, getattr(settings, "DECREE_TRUST_ROOTS_PATH", "") or "")


def trust_roots() -> tuple[asn1_x509.Certificate, ...]:
    """What signatures and time-stamps are checked against: DECREE_TRUST_ROOTS_PATH (production: BSrE's roots);
    unset (development, tests): the PKCS#12 file's own roots and the development CA of the local TSA and
    e-sign fake (devpki.py)."""
    path = getattr(settings, "DECREE_TRUST_ROOTS_PATH", "") or ""
    if path:
        return _roots_from(path)
    roots = list(signing_identity().trust_roots)
    ca_cert = devpki.dev_ca_certificate()
    roots.append(asn1_x509.Certificate.load(ca_cert.public_bytes(serialization.Encoding.DER)))
    return tuple(roots)


@lru_cache(maxsize=4)
def _roots_from(path: str) -> tuple[asn1_x509.Certificate, ...]:
    return tuple(load_certs_from_pemder([path]))


def validation_context(
    *, moment: datetime.datetime | None = None, dss: DocumentSecurityStore | None = None
) -> ValidationContext:
    """Trust exactly the configured roots; no network fetching (revocation soft-fails offline); the
    certificates, OCSP responses and CRLs embedded in the file's DSS (PAdES B-LT) are used; `moment`
    validates at that time instead of now (the time-stamp's time)."""
    kwargs = {"trust_roots": list(trust_roots()), "allow_fetching": False, "moment": moment}
    if dss is not None:
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)


# --- time-stamp and validation data (PAdES B-T, B-LT) ---------------------------------------------


def tsa_unavailable() -> ServiceError:
    return ServiceError(
        "tsa_unavailable",
        _l("Layanan cap waktu (TSA) tidak dapat dihubungi: SK belum ditandatangani. Coba lagi beberapa saat lagi."),
        status=503,
    )


def timestamper() -> TimeStamper:
    """The RFC 3161 time-stamp authority at DECREE_TSA_URL (production: BSrE's; development: the local one).
    One client per configuration, kept: it remembers the TSA's certificates (pyHanko asks for them once with a
    trial request), so each signature then costs one request."""
    url = settings.DECREE_TSA_URL
    if not url:
        raise ImproperlyConfigured("DECREE_TSA_URL is not set: decrees need a signature time-stamp (PAdES B-T).")
    return _timestamper(
        url, settings.DECREE_TSA_USERNAME, settings.DECREE_TSA_PASSWORD, settings.DECREE_SIGNING_TIMEOUT_SECONDS
    )


@lru_cache(maxsize=4)
def _timestamper(url: str, username: str, password: str, timeout: float) -> TimeStamper:
    auth = (username, password) if username else None
    return RequestsHTTPTimeStamper(url, timeout=timeout, auth=auth)


async def _validation_paths(signer: signers.Signer, stamper: TimeStamper, context: ValidationContext) -> list:
    """The signer's and the TSA's certification paths, with their revocation data fetched into `context`."""
    validator = CertificateValidator(
        signer.signing_cert, intermediate_certs=list(signer.cert_registry), validation_context=context
    )
    paths = [await validator.async_validate_usage(set())]
    try:
        async for path in stamper.validation_paths(context):
            paths.append(path)
    except (PathError, CertValidationError) as exc:  # its token still carries its certificates; checks judge it
        log.warning("the TSA's certificate does not chain to a trust root: %s", exc)
    return paths


def embed_validation_data(writer: IncrementalPdfFileWriter, signer: signers.Signer, stamper: TimeStamper) -> None:
    """PAdES B-LT: the certificates of the signer's and the TSA's paths, and the OCSP responses/CRLs their
    certificates name (fetched where reachable), in the document's DSS, written in the same revision as the
    signature, so the signature still covers the whole file (validators say "total document signed")."""
    context = ValidationContext(
        trust_roots=list(trust_roots()),
        allow_fetching=settings.DECREE_REVOCATION_FETCH,
        revocation_mode="soft-fail",
    )
    try:
        paths = asyncio.run(_validation_paths(signer, stamper, context))
    except TimestampRequestError:
        raise tsa_unavailable() from None
    except (PathError, CertValidationError) as exc:  # an unverifiable signature is not made
        raise ImproperlyConfigured(f"the decree signing certificate does not chain to a trust root: {exc}") from exc
    DocumentSecurityStore.supply_dss_in_writer(writer, None, paths=paths, validation_context=context)


# --- signing and checking -----------------------------------------------------------------------


def sign_pdf(
    pdf: bytes, *, reason: str, location: str, signer_name: str, signer: signers.Signer | None = None
) -> bytes:
    """`pdf` with an invisible PAdES signature appended: ETSI.CAdES.detached, SHA-256, an RFC 3161 signature
    time-stamp (B-T) and the validation data (B-LT). `signer` makes the signature value (signers.py; default:
    the PKCS#12 identity). No reachable TSA: nothing is signed (`tsa_unavailable`, docs/DECREE.md)."""
    signer = signer or signing_identity().signer
    stamper = timestamper()
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    embed_validation_data(writer, signer, stamper)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=signer_name,
    )
    # Reserving the space up front saves pyHanko a trial signature to measure it (halves the time).
    try:
        out = signers.sign_pdf(writer, meta, signer=signer, timestamper=stamper, bytes_reserved=SIGNATURE_BYTES)
    except TimestampRequestError:
        raise tsa_unavailable() from None
    return out.getvalue()


def _dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    try:
        return DocumentSecurityStore.read_dss(reader)
    except (KeyError, NoDSSFoundError):
        return None


def check_pdf(data: bytes, *, at: datetime.datetime | None = None) -> SignatureCheck:
    """Validate the decree signature in `data` (now, or `at`); any unreadable or foreign file is simply not valid.

    With a trusted time-stamp, the signer's certificate is judged at the time-stamp's time: a decree signed
    while its certificate was valid stays valid after the certificate expires."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        dss = _dss(reader)
    except Exception as exc:  # a damaged or hostile file must not break the page
        return SignatureCheck(problem=f"unreadable: {type(exc).__name__}")
    if not signatures:
        return SignatureCheck(problem="no signature")
    embedded = next((s for s in signatures if s.field_name == FIELD_NAME), signatures[-1])
    try:
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=validation_context(moment=at, dss=dss),
            ts_validation_context=validation_context(moment=at, dss=dss),
        )
        stamp = status.timestamp_validity
        stamped = stamp is not None and stamp.intact and stamp.valid and stamp.trusted
        trusted_now = bool(status.trusted)
        trusted_then = trusted_now
        if stamped and not trusted_now:  # e.g. the certificate has expired since: judge it at the time-stamp
            then = validate_pdf_signature(
                embedded,
                signer_validation_context=validation_context(moment=stamp.timestamp, dss=dss),
                ts_validation_context=validation_context(moment=at, dss=dss),
            )
            trusted_then = bool(then.trusted and then.intact and then.valid)
    except Exception as exc:
        return SignatureCheck(signed=True, problem=f"invalid: {type(exc).__name__}")
    cert = status.signing_cert
    return SignatureCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=trusted_then,
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer_fingerprint=fingerprint(cert) if cert is not None else "",
        signer_name=common_name(cert) if cert is not None else "",
        signed_at=getattr(status, "signer_reported_dt", None),
        timestamp_at=stamp.timestamp if stamped else None,
        certificate_valid_now=trusted_now,
        long_term=dss is not None,
    )
