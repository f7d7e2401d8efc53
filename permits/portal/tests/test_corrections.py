"""Issue 20 item 3: the applicant sends the corrected documents of a returned file online."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from permits.core.uploads import MAX_UPLOAD_BYTES
from permits.workflow import services as wf
from permits.workflow.models import Application, Pause, ReceivedDocument

from .conftest import MONDAY, PIN, active, set_pin

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def returned(officers, register):
    app = set_pin(register())
    wf.task_return(actor=officers["verifier"], task_id=active(app).pk, items=["Sertifikat jelas"], now=MONDAY + H)
    return app


def send(client, app, files, pin=PIN, number=None, note=None):
    data = dict(files)
    if note is not None:
        data["note"] = note
    number = number or app.registration_number
    return client.post(f"/api/v1/track/{number}/corrections", data, HTTP_X_TRACKING_PIN=pin)


def two_files():
    return {
        "ktp": SimpleUploadedFile("ktp.png", PNG, content_type="image/png"),
        "sertifikat": SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf"),
    }


def test_corrections_are_stored_as_the_documents_and_listed_in_tracking(client, officers, register):
    app = returned(officers, register)
    res = send(client, app, two_files(), note="Sertifikat dipindai ulang")
    assert res.status_code == 201, res.content
    assert res.json()["items"] == ["ktp", "sertifikat"]
    docs = ReceivedDocument.objects.filter(application=app).select_related("requirement")
    assert {d.requirement.code: d.content_type for d in docs} == {"ktp": "image/png", "sertifikat": "application/pdf"}
    body = client.get(f"/api/v1/track/{app.registration_number}", HTTP_X_TRACKING_PIN=PIN).json()
    assert [c["items"] for c in body["corrections"]] == [["ktp", "sertifikat"]]
    assert body["status"] == "returned"  # the desk resumes the file, not the upload


def test_wrong_pin_and_unknown_number_get_trackings_404(client, officers, register):
    app = returned(officers, register)
    tracking = client.get(f"/api/v1/track/{app.registration_number}", HTTP_X_TRACKING_PIN="000000")
    wrong = send(client, app, two_files(), pin="000000")
    unknown = send(client, app, two_files(), number="2026-999999")
    assert wrong.status_code == unknown.status_code == tracking.status_code == 404
    assert wrong.json() == unknown.json() == tracking.json()
    assert not app.corrections.exists()


def test_a_file_that_is_not_returned_is_refused_with_409(client, officers, register):
    app = set_pin(register())
    res = send(client, app, two_files())
    assert res.status_code == 409 and res.json()["error"] == "not_returned"


@pytest.mark.parametrize(
    "files",
    [
        {"ktp": SimpleUploadedFile("ktp.exe", b"MZ\x90\x00" + b"\x00" * 60)},
        {"ktp": SimpleUploadedFile("ktp.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)},
        {"bukan-syarat": SimpleUploadedFile("x.pdf", PDF)},
    ],
    ids=["type", "size", "unknown-code"],
)
def test_a_bad_file_or_field_is_refused_with_422(client, officers, register, files):
    app = returned(officers, register)
    res = send(client, app, files)
    assert res.status_code == 422, res.content
    assert not app.corrections.exists() and not ReceivedDocument.objects.filter(application=app, file__gt="").exists()


def test_the_desk_sees_the_corrections_and_resubmits_in_one_action(client, officers, register):
    app = returned(officers, register)
    assert send(client, app, two_files()).status_code == 201
    client.force_login(officers["frontdesk"])
    page = client.get("/kerja/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "perbaikan diterima online" in html and app.registration_number in html
    doc = ReceivedDocument.objects.get(application=app, requirement__code="ktp")
    assert f"/dokumen/{doc.pk}/" in html
    res = client.post(f"/kerja/permohonan/{app.registration_number}/perbaikan/")
    assert res.status_code == 302
    app.refresh_from_db()
    assert app.status != Application.Status.RETURNED
    assert not Pause.objects.filter(application=app, ended_at__isnull=True).exists()


def test_the_tracking_page_sends_corrections_with_the_pin(client, officers, register):
    app = returned(officers, register)
    page = client.post(f"/lacak/{app.registration_number}/", {"pin": PIN}, follow=True)
    assert 'name="sertifikat"' in page.content.decode()
    files = {"sertifikat": SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf")}
    res = client.post(f"/lacak/{app.registration_number}/perbaikan/", {**files, "pin": PIN, "note": "ulang"})
    assert res.status_code == 303
    assert app.corrections.get().items == ["sertifikat"]
    assert "Sudah dikirim" in client.get(res["Location"]).content.decode()


def test_the_tracking_page_refuses_a_wrong_pin_like_tracking(client, officers, register):
    app = returned(officers, register)
    files = {"sertifikat": SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf")}
    res = client.post(f"/lacak/{app.registration_number}/perbaikan/", {**files, "pin": "000000"})
    assert res.status_code == 404 and not app.corrections.exists()


def test_the_tracking_page_shows_a_refused_file_on_the_same_page(client, officers, register):
    app = returned(officers, register)
    client.post(f"/lacak/{app.registration_number}/", {"pin": PIN})
    files = {"sertifikat": SimpleUploadedFile("s.exe", b"MZ\x90\x00" + b"\x00" * 60)}
    res = client.post(f"/lacak/{app.registration_number}/perbaikan/", {**files, "pin": PIN})
    assert res.status_code == 422
    assert "Jenis berkas tidak diterima" in res.content.decode() and 'name="sertifikat"' in res.content.decode()
