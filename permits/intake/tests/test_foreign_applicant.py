"""Issue 19 item 1: a foreign applicant (no NIK) is registered at the desk with a passport or KITAS; an Indonesian
still needs a NIK; online pre-registration stays NIK-only (`intake.services.applicant_clean`)."""

import pytest

from permits.conftest import VALID_APPLICANT, valid_payload
from permits.intake.services import applicant_clean
from permits.workflow.models import Applicant, Application

from .test_api import desk_client  # noqa: F401  (fixture)
from .test_views import form

pytestmark = pytest.mark.django_db
FOREIGNER = {**VALID_APPLICANT, "name": "John Smith", "nik": "", "foreign_id_type": "passport"}


def test_front_desk_registers_a_foreigner_with_a_passport_and_the_page_shows_it(client, frontdesk, permit_type):
    client.force_login(frontdesk)
    assert 'name="applicant.foreign_id_type"' in client.get("/loket/daftar/TEST/").content.decode()
    post = form(**{"applicant.nik": "", "applicant.foreign_id_type": "passport", "applicant.foreign_id": "x 123-4567"})
    res = client.post("/loket/daftar/TEST/", post)
    assert res.status_code == 302, res.content.decode()[:2000]
    applicant = Application.objects.get().applicant
    assert (applicant.nik, applicant.foreign_id_type, applicant.foreign_id) == ("", "passport", "X1234567")
    page = client.get(f"/loket/permohonan/{Application.objects.get().registration_number}/").content.decode()
    assert "Paspor X1234567" in page


def test_api_registers_a_foreigner_with_a_kitas_without_nik(desk_client):  # noqa: F811
    applicant = {k: v for k, v in FOREIGNER.items() if k != "nik"}
    payload = valid_payload(applicant={**applicant, "foreign_id_type": "kitas", "foreign_id": "2c21ab0123456"})
    res = desk_client.post("/api/v1/applications", payload, content_type="application/json")
    assert res.status_code == 201, res.content
    number = res.json()["registration_number"]
    out = desk_client.get(f"/api/v1/applications/{number}").json()["applicant"]
    assert (out["nik"], out["foreign_id_type"], out["foreign_id"]) == ("", "kitas", "2C21AB0123456")


def test_api_refuses_an_indonesian_without_nik(desk_client):  # noqa: F811
    res = desk_client.post(
        "/api/v1/applications", valid_payload(applicant={**VALID_APPLICANT, "nik": ""}), content_type="application/json"
    )
    assert res.status_code == 422 and res.json()["fields"]["applicant.nik"] == "NIK harus 16 digit angka."
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "number,message",
    [
        ("AB12", "Nomor paspor/KITAS harus 6-20 huruf dan angka."),
        ("AB12/3456", "Nomor paspor/KITAS harus 6-20 huruf dan angka."),
        ("", "Nomor paspor/KITAS wajib diisi."),
    ],
)
def test_api_refuses_a_malformed_passport_number_with_a_clear_message(desk_client, number, message):  # noqa: F811
    payload = valid_payload(applicant={**FOREIGNER, "foreign_id": number})
    res = desk_client.post("/api/v1/applications", payload, content_type="application/json")
    assert res.status_code == 422 and res.json()["fields"]["applicant.foreign_id"] == message
    assert not Applicant.objects.exists()


def test_front_desk_shows_the_malformed_passport_message_on_the_form(client, frontdesk, permit_type):
    client.force_login(frontdesk)
    post = form(**{"applicant.nik": "", "applicant.foreign_id_type": "passport", "applicant.foreign_id": "A1"})
    res = client.post("/loket/daftar/TEST/", post)
    assert res.status_code == 422 and "Nomor paspor/KITAS harus 6-20 huruf dan angka." in res.content.decode()


def test_a_nik_and_a_passport_together_are_refused():
    _clean, errors = applicant_clean({**FOREIGNER, "nik": VALID_APPLICANT["nik"], "foreign_id": "X1234567"})
    assert "tidak keduanya" in errors["applicant.nik"]


def test_online_pre_registration_stays_nik_only():
    _clean, errors = applicant_clean({**FOREIGNER, "foreign_id": "X1234567"}, foreign_allowed=False)
    assert errors["applicant.foreign_id_type"] == "Pemohon WNA (paspor/KITAS) mendaftar langsung di loket."
