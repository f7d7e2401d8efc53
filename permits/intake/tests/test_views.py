import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from permits.conftest import VALID_APPLICANT
from permits.intake.models import IncompleteAttempt
from permits.workflow.models import Application

pytestmark = pytest.mark.django_db


def form(documents=("ktp", "sertifikat"), **data):
    post = {f"applicant.{k}": v for k, v in VALID_APPLICANT.items()}
    post.update({"data.luas": "120", "data.lantai": "2", "data.fungsi": "Hunian"})
    post.update({f"doc.{d}": "1" for d in documents})
    post.update(data)
    return post


def test_front_desk_registers_and_prints_receipt_with_pin_and_qr(client, frontdesk, permit_type):
    client.force_login(frontdesk)
    assert "Izin Uji TEST" in client.get("/loket/").content.decode()
    page = client.get("/loket/daftar/TEST/")
    assert page.status_code == 200 and "Sertifikat tanah" in page.content.decode()
    res = client.post("/loket/daftar/TEST/", form(**{"file.ktp": SimpleUploadedFile("k.png", b"\x89PNG\r\n\x1a\nxx")}))
    app = Application.objects.get()
    assert res.status_code == 302 and res["Location"].endswith(f"/loket/tanda-terima/{app.registration_number}/")
    receipt = client.get(res["Location"]).content.decode()
    assert app.registration_number in receipt and "<svg" in receipt and "PIN" in receipt
    pin = receipt.split('class="pin">')[1][:6]
    assert pin.isdigit()
    thermal = client.get(res["Location"] + "?format=thermal").content.decode()
    assert "80mm" in thermal


def test_incomplete_file_shows_printable_missing_list(client, frontdesk, permit_type):
    client.force_login(frontdesk)
    res = client.post("/loket/daftar/TEST/", form(documents=("ktp",)))
    assert res.status_code == 422
    html = res.content.decode()
    assert "Berkas belum lengkap" in html and "Sertifikat tanah" in html
    assert Application.objects.count() == 0 and IncompleteAttempt.objects.count() == 1


def test_invalid_field_redisplays_form_with_message(client, frontdesk, permit_type):
    client.force_login(frontdesk)
    res = client.post("/loket/daftar/TEST/", form(**{"applicant.nik": "12345"}))
    assert res.status_code == 422
    assert "NIK harus 16 digit" in res.content.decode()
    assert 'value="12345"' in res.content.decode()


def test_front_desk_pages_refuse_other_roles_and_anonymous(client, verifier, permit_type):
    assert client.get("/loket/").status_code == 302  # to login
    client.force_login(verifier)
    assert client.get("/loket/").status_code == 403
    assert client.post("/loket/daftar/TEST/", form()).status_code == 403


def test_tracking_page_shows_status_only_with_right_pin(client, frontdesk, permit_type):
    client.force_login(frontdesk)
    client.post("/loket/daftar/TEST/", form())
    app = Application.objects.get()
    receipt = client.get(f"/loket/tanda-terima/{app.registration_number}/").content.decode()
    pin = receipt.split('class="pin">')[1][:6]
    client.logout()
    wrong = client.post("/lacak/", {"number": app.registration_number, "pin": "000000" if pin != "000000" else "1"})
    unknown = client.post("/lacak/", {"number": "1999-000001", "pin": pin})
    assert wrong.status_code == unknown.status_code == 404
    ok = client.post("/lacak/", {"number": app.registration_number, "pin": pin}, follow=True)  # to the 303 target
    assert ok.status_code == 200 and "Terdaftar" in ok.content.decode()
    assert VALID_APPLICANT["name"] not in ok.content.decode()  # only initials are public


def test_front_desk_form_names_the_wrong_part_of_a_nik(client, frontdesk, permit_type):
    client.force_login(frontdesk)
    res = client.post("/loket/daftar/TEST/", form(**{"applicant.nik": "3271042513870002"}))
    assert res.status_code == 422
    assert "bulan lahir 13 tidak ada" in res.content.decode()
