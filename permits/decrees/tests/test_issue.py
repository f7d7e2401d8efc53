"""Issuing at the signing step: number, signed PDF whose signature validates, stored hash, audit."""

import datetime
import hashlib
import re
from io import BytesIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import transaction
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from permits.conftest import HEAD_OFFICIAL
from permits.core.errors import Conflict, Forbidden, ServiceError
from permits.core.models import AuditEvent, OfficialProfile, Sequence
from permits.decrees import services, signing
from permits.decrees.models import Decree, Handover, SurveyInvitation
from permits.workflow import services as wf

from .conftest import HOLDER_HANDOVER, active, complete

pytestmark = pytest.mark.django_db


def stored(decree: Decree) -> bytes:
    with default_storage.open(decree.file.name, "rb") as handle:
        return handle.read()


def pyhanko_status(data: bytes):
    """Validate with pyHanko's own validator, trusting only the office's (development) roots: the signer's and
    the local time-stamp authority's."""
    reader = PdfFileReader(BytesIO(data))
    [embedded] = reader.embedded_signatures
    context = ValidationContext(trust_roots=list(signing.trust_roots()), allow_fetching=False)
    return validate_pdf_signature(embedded, signer_validation_context=context)


def test_completing_the_signing_step_issues_a_numbered_signed_decree(issued, officers):
    decree = Decree.objects.get(application=issued)
    assert issued.status == "decree_issued"
    assert decree.number == "503/0001/TEST/DPMPTSP/2026"
    assert (decree.year, decree.seq) == (2026, 1)
    assert decree.signed_by == officers["head"] and decree.holder_name == "Siti Nur'aini"
    issued_on = decree.issued_at.astimezone(datetime.timezone(datetime.timedelta(hours=7))).date()
    assert decree.valid_until == issued_on.replace(year=2031) - datetime.timedelta(days=1)  # 5 years
    assert ["Luas bangunan", "120,5 m2"] in decree.object_summary
    assert len(decree.token) >= 32 and decree.file.name.startswith("decrees/2026/")
    data = stored(decree)
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == decree.sha256
    assert decree.certificate_fingerprint == signing.signing_identity().fingerprint
    actions = list(AuditEvent.objects.filter(stream=f"intake.application:{issued.pk}").values_list("action", flat=True))
    assert "decree.issue" in actions and actions.index("decree.issue") < actions.index("application.issue_decree")


def test_the_message_to_collect_is_queued_with_the_signature(issued):
    from permits.notifications.models import Message

    assert Message.objects.filter(application=issued, template="decree_ready").count() == 1


def test_signature_validates_with_pyhanko_and_is_pades(issued):
    data = stored(Decree.objects.get(application=issued))
    status = pyhanko_status(data)
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert PdfFileReader(BytesIO(data)).embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signing.check_pdf(data).valid


def test_a_modified_byte_fails_the_hash_and_the_signature(issued):
    decree = Decree.objects.get(application=issued)
    data = bytearray(stored(decree))
    at = data.find(b"/Author")  # inside the signed range, in the document information
    assert at > 0
    data[at + 10] ^= 0x01
    tampered = bytes(data)
    assert hashlib.sha256(tampered).hexdigest() != decree.sha256
    status = pyhanko_status(tampered)
    assert not status.intact and not status.bottom_line
    assert not signing.check_pdf(tampered).valid


def test_a_signature_from_another_root_is_not_trusted(issued, tmp_path, settings):
    data = stored(Decree.objects.get(application=issued))
    settings.VAR_DIR = tmp_path  # a different development root: the office's signature is foreign to it
    check = signing.check_pdf(data)
    assert check.signed and check.intact and not check.trusted and not check.valid


def test_numbers_are_gap_free_per_year_and_a_refused_signature_takes_no_number(officers, approved):
    first, second, third = approved(), approved(), approved()
    with pytest.raises(Forbidden):  # a supervisor may act on tasks, but only the head signs decrees
        wf.task_complete(actor=officers["supervisor"], task_id=active(first).pk, payload={})
    assert not Sequence.objects.filter(key="decree:2026").exists() or Sequence.objects.get(key="decree:2026").value == 0
    first.refresh_from_db()
    assert first.status == "approved" and active(first).kind == "signing"
    for app in (second, first, third):
        complete(officers, app, "head")
    numbers = list(Decree.objects.order_by("seq").values_list("seq", "application_id"))
    assert numbers == [(1, second.pk), (2, first.pk), (3, third.pk)]


def test_the_counter_restarts_each_year(officers, approved):
    app_2026, app_2027 = approved(), approved()
    complete(officers, app_2026, "head")
    new_year = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)
    complete(officers, app_2027, "head", now=new_year)
    assert Decree.objects.get(application=app_2027).number == "503/0001/TEST/DPMPTSP/2027"


def test_number_format_is_a_setting(officers, approved, settings):
    settings.DECREE_NUMBER_FORMAT = "SK-{year}-{permit_code}-{seq:03d}"
    app = approved()
    complete(officers, app, "head")
    assert Decree.objects.get(application=app).number == "SK-2026-TEST-001"


def test_decree_issue_refuses_an_application_that_is_not_approved(issued, officers):
    with pytest.raises(Conflict), transaction.atomic():
        services.decree_issue(application=issued, actor=officers["head"])


def test_a_failed_insert_removes_the_file_it_wrote(officers, approved, monkeypatch):
    app = approved()
    saved = []
    real_save = default_storage.save

    def save(name, content, **kwargs):
        saved.append(real_save(name, content, **kwargs))
        return saved[-1]

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(default_storage, "save", save)
    monkeypatch.setattr(Decree.objects, "create", boom)
    with pytest.raises(RuntimeError):
        complete(officers, app, "head")
    assert saved and not default_storage.exists(saved[0])
    app.refresh_from_db()
    assert app.status == "approved" and not Decree.objects.exists()


def test_sweep_removes_only_old_orphan_files(issued):
    decree = Decree.objects.get(application=issued)
    orphan = default_storage.save("decrees/2026/000099-orphan.pdf", BytesIO(b"%PDF-1.7 orphan"))
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)
    services.decree_files_sweep(now=datetime.datetime.now(datetime.UTC))
    assert default_storage.exists(orphan)  # too young yet: its transaction may still be running
    assert services.decree_files_sweep(now=later) >= 1  # (storage is shared by the tests: earlier orphans too)
    assert not default_storage.exists(orphan) and default_storage.exists(decree.file.name)


def test_handover_is_recorded_and_invites_to_the_survey(issued, officers):
    complete(
        officers,
        issued,
        "frontdesk",
        {
            "collected_by": "Budi",
            "relation": "representative",
            "id_number": "3271010101900001",
            "authorisation_letter": "true",
        },
    )
    issued.refresh_from_db()
    handover = Handover.objects.get(decree__application=issued)
    assert issued.status == "collected"
    assert (handover.collected_by, handover.relation, handover.authorisation_letter) == ("Budi", "representative", True)
    assert handover.by == officers["frontdesk"] and handover.id_number == "3271010101900001"
    assert SurveyInvitation.objects.filter(application=issued).exists()
    assert AuditEvent.objects.filter(action="decree.handover", stream=f"intake.application:{issued.pk}").exists()


def test_a_revoked_decree_cannot_be_handed_over(issued, officers):
    decree = Decree.objects.get(application=issued)
    services.decree_revoke(actor=officers["head"], decree_id=decree.pk, reason="Data objek tidak benar")
    with pytest.raises(Conflict):
        complete(officers, issued, "frontdesk", HOLDER_HANDOVER)
    issued.refresh_from_db()
    assert issued.status == "decree_issued" and not Handover.objects.exists()


def test_revocation_needs_the_head_and_a_reason_and_is_audited(issued, officers):
    decree = Decree.objects.get(application=issued)
    with pytest.raises(Forbidden):
        services.decree_revoke(actor=officers["supervisor"], decree_id=decree.pk, reason="x")
    with pytest.raises(ServiceError) as exc:
        services.decree_revoke(actor=officers["head"], decree_id=decree.pk, reason="  ")
    assert exc.value.status == 422 and "reason" in exc.value.fields
    services.decree_revoke(actor=officers["head"], decree_id=decree.pk, reason="Pemohon melanggar ketentuan")
    decree.refresh_from_db()
    assert decree.revoked and decree.revoked_by == officers["head"] and decree.revoked_at
    assert decree.status_on(datetime.date(2026, 12, 1)) == "revoked"
    event = AuditEvent.objects.get(action="decree.revoke")
    assert event.note == "Pemohon melanggar ketentuan" and event.actor == officers["head"]
    with pytest.raises(Conflict):
        services.decree_revoke(actor=officers["head"], decree_id=decree.pk, reason="lagi")


def test_dev_identity_is_generated_once_with_private_files(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    first = signing.signing_identity()
    p12 = tmp_path / "decree-signing.p12"
    password = tmp_path / "decree-signing.p12.password"
    assert p12.exists() and password.exists()
    assert oct(p12.stat().st_mode & 0o777) == "0o600" and oct(password.stat().st_mode & 0o777) == "0o600"
    assert signing.signing_identity().fingerprint == first.fingerprint  # reused, not regenerated
    assert len(first.trust_roots) == 1 and first.trust_roots[0].self_signed != "no"
    assert first.certificate.self_signed == "no"  # the signing certificate is issued by the development root


def test_production_without_certificate_refuses_to_sign(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.DECREE_SIGNING_DEV_CERT = False
    with pytest.raises(ImproperlyConfigured):
        signing.signing_identity()


def test_configured_pkcs12_and_password_are_used(tmp_path, settings):
    p12, password = tmp_path / "office.p12", tmp_path / "pw"
    signing.generate_dev_identity(p12, password)
    settings.DECREE_SIGNING_P12_PATH = str(p12)
    settings.DECREE_SIGNING_P12_PASSWORD = password.read_text()
    settings.VAR_DIR = tmp_path / "unused"
    identity = signing.signing_identity()
    assert not (tmp_path / "unused" / "decree-signing.p12").exists()
    signed = signing.sign_pdf(_tiny_pdf(), reason="uji", location="Kota", signer_name="Kepala")
    assert signing.check_pdf(signed).signer_fingerprint == identity.fingerprint
    settings.DECREE_SIGNING_P12_PASSWORD = "wrong"
    with pytest.raises(ImproperlyConfigured):
        signing.signing_identity()


def _tiny_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "uji")
    page.save()
    return buffer.getvalue()


# --- the signing official -----------------------------------------------------------------------


def page_text(data: bytes) -> str:
    """The text operators of every page (ReportLab writes each line as one string; streams decoded by pyHanko)."""
    reader = PdfFileReader(BytesIO(data))
    chunks = []
    for page_ref in reader.root["/Pages"]["/Kids"]:
        contents = page_ref.get_object()["/Contents"]
        for stream in contents if isinstance(contents, list) else [contents]:
            chunks.append(stream.get_object().data.decode("latin-1"))
    return " ".join(re.findall(r"\((.*?)\) Tj", "\n".join(chunks)))  # wrapped lines joined by a space


def test_the_decree_prints_the_officials_name_position_and_nip(issued):
    decree = Decree.objects.get(application=issued)
    text = page_text(stored(decree))
    assert HEAD_OFFICIAL["full_name"] in text
    assert HEAD_OFFICIAL["position"].upper() in text
    assert "NIP. 19720315 199803 1 004" in text
    assert "Kepala dinas" not in text
    assert (decree.signer_name, decree.signer_position, decree.signer_nip) == (
        HEAD_OFFICIAL["full_name"],
        HEAD_OFFICIAL["position"],
        HEAD_OFFICIAL["nip"],
    )


def test_the_signatures_name_is_the_official(issued):
    data = stored(Decree.objects.get(application=issued))
    assert PdfFileReader(BytesIO(data)).embedded_signatures[0].sig_object["/Name"] == HEAD_OFFICIAL["full_name"]


@pytest.mark.parametrize("missing", ["all", "nip"])
def test_signing_without_a_complete_profile_is_refused_and_takes_no_number(officers, approved, missing):
    app = approved()
    if missing == "all":
        OfficialProfile.objects.filter(user=officers["head"]).delete()
    else:
        OfficialProfile.objects.filter(user=officers["head"]).update(nip="")
    with pytest.raises(Conflict) as refused:
        complete(officers, app, "head")
    assert refused.value.code == "signer_profile_incomplete"
    assert "NIP" in refused.value.message
    app.refresh_from_db()
    assert app.status == "approved" and not Decree.objects.exists()
    assert not Sequence.objects.filter(key="decree:2026", value__gt=0).exists()
