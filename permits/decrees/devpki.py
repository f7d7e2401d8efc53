"""The development certificate authority behind the local signing services (never used in production).

The local time-stamp authority and the local fake of BSrE's e-sign service (localsign.py) need certificates
that a validator can chain to a root. This module keeps one development root CA in VAR_DIR
(decree-dev-ca.pem, its key decree-dev-ca.key, mode 0600; var/ is never committed) and issues from it the
TSA certificate (extended key usage timeStamping, critical, as RFC 3161 requires) and one signing certificate
per NIK for the fake e-sign service. Verification trusts this root only when no DECREE_TRUST_ROOTS_PATH is set
(development and tests).
"""

import datetime
import fcntl
import os
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

CA_NAME = "decree-dev-ca"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.OFFICE_SHORT_NAME[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _write(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.replace(tmp, path)


def _pem_key(key) -> bytes:
    plain = serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, plain)


def dev_ca(var_dir: Path | None = None) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """The development root CA (generated once into VAR_DIR; a file lock makes two processes agree)."""
    var = Path(var_dir or settings.VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = var / f"{CA_NAME}.pem", var / f"{CA_NAME}.key"
    with open(var / f"{CA_NAME}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cert_path.exists() and key_path.exists()):
            now = datetime.datetime.now(datetime.UTC)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            # A name of its own per CA: two var/ directories' roots are never mistaken for each other.
            name = _name(f"SMART Dev Services CA {os.urandom(4).hex()} (bukan untuk produksi)")
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=20 * 365))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(
                    x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
                )
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256())
            )
            _write(key_path, _pem_key(key))
            _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return cert, key


def dev_ca_certificate() -> x509.Certificate:
    """The development root's certificate alone (what verification trusts; loading the key is the slow part)."""
    path = Path(settings.VAR_DIR) / f"{CA_NAME}.pem"
    if not path.exists():
        dev_ca()
    return _load_certificate(str(path), path.stat().st_mtime)


@lru_cache(maxsize=4)
def _load_certificate(path: str, mtime: float) -> x509.Certificate:
    return x509.load_pem_x509_certificate(Path(path).read_bytes())


def issue(
    common_name: str,
    *,
    timestamping: bool = False,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    var_dir: Path | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A new key and its certificate from the development CA: a document signer, or a TSA (`timestamping`)."""
    ca_cert, ca_key = dev_ca(var_dir)
    now = datetime.datetime.now(datetime.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - datetime.timedelta(days=1))
        .not_valid_after(not_after or now + datetime.timedelta(days=(10 if timestamping else 3) * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if timestamping:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )  # digitalSignature, nonRepudiation
    return builder.sign(ca_key, hashes.SHA256()), key


def esign_identity(nik: str, var_dir: Path | None = None) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """The fake e-sign service's key and certificate for `nik`, kept in VAR_DIR/esign-fake/ across restarts."""
    folder = Path(var_dir or settings.VAR_DIR) / "esign-fake"
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{nik}.pem", folder / f"{nik}.key"
    with open(folder / f"{nik}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cert_path.exists() and key_path.exists()):
            cert, key = issue(f"Pejabat {nik[-4:]} (e-sign pengembangan)", var_dir=var_dir)
            _write(key_path, _pem_key(key))
            _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return cert, serialization.load_pem_private_key(key_path.read_bytes(), password=None)
