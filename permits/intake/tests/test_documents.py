"""Officers open the scans received at the desk from the application and task pages (issue 20 item 4)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from permits.conftest import VALID_APPLICANT, make_user
from permits.intake.services import application_register
from permits.workflow.models import ReceivedDocument

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def register(frontdesk, nik=VALID_APPLICANT["nik"]):
    return application_register(
        officer=frontdesk,
        permit_type_code="TEST",
        applicant={**VALID_APPLICANT, "nik": nik},
        data={"luas": "120", "lantai": "2", "fungsi": "Hunian"},
        documents_received=["ktp", "sertifikat"],
        files={
            "ktp": SimpleUploadedFile("ktp.png", PNG_BYTES, content_type="image/png"),
            "sertifikat": SimpleUploadedFile("s.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    ).application


def doc_url(app, doc):
    return f"/loket/permohonan/{app.registration_number}/dokumen/{doc.pk}/"


def assert_served(res, body, content_type):
    assert res.status_code == 200 and b"".join(res.streaming_content) == body
    assert res["Content-Type"] == content_type
    assert res["X-Content-Type-Options"] == "nosniff" and "no-store" in res["Cache-Control"]
    assert res["Content-Disposition"].startswith("inline")


def test_officer_opens_every_scan_from_the_application_page(client, frontdesk, verifier, permit_type, caplog):
    app = register(frontdesk)
    client.force_login(verifier)
    page = client.get(f"/loket/permohonan/{app.registration_number}/").content.decode()
    ktp, cert = (app.documents.get(requirement__code=c) for c in ("ktp", "sertifikat"))
    assert doc_url(app, ktp) in page and doc_url(app, cert) in page
    with caplog.at_level("INFO", logger="permits.intake"):
        assert_served(client.get(doc_url(app, cert)), PDF_BYTES, "application/pdf")
    assert f"user={verifier.username} application={app.registration_number} document={cert.pk}" in caplog.text
    assert_served(client.get(doc_url(app, ktp)), PNG_BYTES, "image/png")
    assert client.get(doc_url(app, cert) + "?unduh=1")["Content-Disposition"].startswith("attachment")


def test_officer_opens_the_scan_from_the_task_page(client, frontdesk, permit_type):
    app = register(frontdesk)
    task = app.tasks.get(state="open")
    officer = make_user(task.role)
    client.force_login(officer)
    page = client.get(f"/kerja/tugas/{task.pk}/").content.decode()
    cert = app.documents.get(requirement__code="sertifikat")
    assert doc_url(app, cert) in page and "pindaian" in page
    assert_served(client.get(doc_url(app, cert)), PDF_BYTES, "application/pdf")


def test_visitors_and_accounts_without_a_role_cannot_open_a_scan(client, frontdesk, permit_type):
    app = register(frontdesk)
    url = doc_url(app, app.documents.get(requirement__code="sertifikat"))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/masuk/" in anonymous["Location"]
    client.force_login(make_user())
    assert client.get(url).status_code == 403


def test_a_document_of_another_application_is_not_found(client, frontdesk, verifier, permit_type):
    first = register(frontdesk)
    other = register(frontdesk, nik="3271046504870003")
    client.force_login(verifier)
    foreign = other.documents.get(requirement__code="sertifikat")
    assert client.get(doc_url(first, foreign)).status_code == 404
    assert client.get(f"/loket/permohonan/1999-000001/dokumen/{foreign.pk}/").status_code == 404


def test_a_document_received_without_a_scan_is_not_found_and_not_linked(client, frontdesk, verifier, permit_type):
    app = register(frontdesk)
    doc = app.documents.get(requirement__code="ktp")
    ReceivedDocument.objects.filter(pk=doc.pk).update(file="")
    client.force_login(verifier)
    assert doc_url(app, doc) not in client.get(f"/loket/permohonan/{app.registration_number}/").content.decode()
    assert client.get(doc_url(app, doc)).status_code == 404
