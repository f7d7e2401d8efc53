"""Decrees valid for years: PAdES B-T (an RFC 3161 time-stamp from the TSA at DECREE_TSA_URL, here the local
one on loopback) and B-LT (validation data in the signed revision); validation at the time-stamp's time after
the certificate expires; an independent validator (poppler's pdfsig) agrees."""

import datetime
import os
import shutil
import subprocess
from io import BytesIO

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.storage import default_storage
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from permits.core.errors import ServiceError
from permits.core.models import Sequence
from permits.decrees import devpki, signing, verification
from permits.decrees.models import Decree

from .conftest import active, complete

pytestmark = pytest.mark.django_db
NOW = datetime.datetime.now(datetime.UTC)


def stored(decree: Decree) -> bytes:
    with default_storage.open(decree.file.name, "rb") as handle:
        return handle.read()


def tiny_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "uji")
    page.save()
    return buffer.getvalue()


def short_lived_signer(hours: int = 1) -> signers.SimpleSigner:
    """A signer whose certificate (from the development CA the verification trusts) expires within the hour."""
    cert, key = devpki.issue("Kepala (sertifikat singkat)", not_after=NOW + datetime.timedelta(hours=hours))
    ca_cert, _ca_key = devpki.dev_ca()

    def der(c):
        return c.public_bytes(serialization.Encoding.DER)

    from asn1crypto import keys, x509

    return signers.SimpleSigner(
        signing_cert=x509.Certificate.load(der(cert)),
        signing_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([x509.Certificate.load(der(ca_cert))]),
    )


def test_an_issued_decree_carries_a_trusted_time_stamp_and_validation_data(issued):
    data = stored(Decree.objects.get(application=issued))
    check = signing.check_pdf(data)
    assert check.valid and check.long_term and check.certificate_valid_now
    assert check.timestamp_at is not None
    assert abs(check.timestamp_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)
    reader = PdfFileReader(BytesIO(data))
    assert "/DSS" in reader.root  # B-LT: certificates (and OCSP/CRL where the certificates name them)
    [embedded] = reader.embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_after_the_certificate_expires_the_signature_is_judged_at_the_time_stamp():
    signer = short_lived_signer()
    stamped = signing.sign_pdf(tiny_pdf(), reason="uji", location="Kota", signer_name="Kepala", signer=signer)
    later = NOW + datetime.timedelta(days=3 * 365)  # the certificate expired long ago, the TSA's has not

    today = signing.check_pdf(stamped)
    assert today.valid and today.certificate_valid_now

    years_later = signing.check_pdf(stamped, at=later)
    assert years_later.timestamp_at is not None and years_later.timestamp_at < NOW + datetime.timedelta(hours=1)
    assert not years_later.certificate_valid_now  # expired now ...
    assert years_later.valid and years_later.trusted  # ... but valid when it was signed, as the time-stamp proves

    # The same signature without a time-stamp (PAdES B-B, as before) proves nothing once the certificate expired.
    writer = IncrementalPdfFileWriter(BytesIO(tiny_pdf()))
    meta = signers.PdfSignatureMetadata(field_name=signing.FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES)
    plain = signers.sign_pdf(writer, meta, signer=signer).getvalue()
    assert signing.check_pdf(plain).valid
    unstamped = signing.check_pdf(plain, at=later)
    assert unstamped.timestamp_at is None and not unstamped.trusted and not unstamped.valid


def test_no_reachable_tsa_signs_nothing_and_takes_no_number(officers, approved, settings):
    app = approved()
    settings.DECREE_TSA_URL = "http://127.0.0.1:9/tsa"  # the discard port: nothing listens
    with pytest.raises(ServiceError) as raised:
        complete(officers, app, "head")
    assert raised.value.code == "tsa_unavailable" and raised.value.status == 503
    assert "cap waktu" in raised.value.text()
    app.refresh_from_db()
    assert app.status == "approved" and active(app).kind == "signing"
    assert not Decree.objects.filter(application=app).exists()
    assert not Sequence.objects.filter(key__startswith="decree:", value__gt=0).exists()


def test_the_upload_check_reports_the_time_stamp(issued):
    decree = Decree.objects.get(application=issued)
    check = verification.check_upload(decree, stored(decree))
    assert check.ok and check.signature.timestamp_at is not None


def _pdfsig() -> str:
    path = shutil.which("pdfsig")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdfsig (poppler-utils) is missing in CI: .ci/run installs it")
        pytest.skip("pdfsig (poppler-utils) is not installed")
    return path


def test_poppler_pdfsig_agrees_the_signature_is_valid_pades_and_covers_the_whole_file(issued, tmp_path):
    pdfsig = _pdfsig()
    data = stored(Decree.objects.get(application=issued))
    path = tmp_path / "sk.pdf"
    path.write_bytes(data)
    out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True, timeout=60).stdout
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Signature Type: ETSI.CAdES.detached" in out, out
    assert "Total document signed" in out and "Not total document signed" not in out, out

    tampered = bytearray(data)
    at = tampered.find(b"/Author")
    tampered[at + 10] ^= 0x01
    path.write_bytes(bytes(tampered))
    out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True, timeout=60).stdout
    assert "Signature Validation: Signature is Valid." not in out, out


def test_the_verify_page_names_the_time_stamp_and_validity_then(client, issued):
    decree = Decree.objects.get(application=issued)
    page = client.get(reverse("decrees:verify", args=[decree.token])).content.decode()
    assert "Cap waktu tanda tangan (RFC 3161):" in page
    assert "Sertifikat penanda tangan sah pada waktu itu." in page
    assert "kini sudah tidak berlaku" not in page  # the certificate is still valid today


def test_deploy_check_asks_for_a_real_time_stamp_authority(settings):
    from permits.decrees.checks import decree_signing_configured

    settings.DECREE_TSA_URL = f"http://{settings.DECREE_LOCAL_SIGNING_ADDRESS}/tsa"
    assert "decrees.E002" in [e.id for e in decree_signing_configured(None)]
    settings.DECREE_TSA_URL = "https://tsa.example.go.id/"
    assert "decrees.E002" not in [e.id for e in decree_signing_configured(None)]
