import pytest
from django.test import Client

from permits.conftest import make_user, valid_payload
from permits.workflow.models import Application

pytestmark = pytest.mark.django_db


def token_for(client: Client, user, password="pw-for-tests-123") -> str:
    res = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": password},
        content_type="application/json",
    )
    assert res.status_code == 200, res.content
    return res.json()["token"]


@pytest.fixture
def desk_client(client, frontdesk, permit_type):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(client, frontdesk)}"
    return client


def test_token_refuses_wrong_password_in_both_languages(client, frontdesk):
    res = client.post(
        "/api/v1/auth/token",
        {"username": frontdesk.username, "password": "wrong"},
        content_type="application/json",
    )
    assert res.status_code == 401
    body = res.json()
    assert body["error"] == "invalid_credentials" and body["message"] and body["message_en"]


def test_permit_types_are_public_with_requirements_steps_and_fields(client, permit_type):
    res = client.get("/api/v1/permit-types")
    assert res.status_code == 200
    (pt,) = res.json()
    assert pt["code"] == "TEST" and pt["service_standard_days"] == 10 and pt["has_levy"] is True
    assert {"code": "ktp", "name": "KTP pemohon", "mandatory": True}.items() <= pt["requirements"][0].items()
    assert [s["kind"] for s in pt["steps"]][:2] == ["verification", "survey"]
    assert {"code", "name", "kind", "role"} <= set(pt["steps"][0])
    assert [f["code"] for f in pt["data_fields"]] == ["luas", "lantai", "fungsi", "catatan"]


def test_register_complete_file_answers_201_with_number_pin_and_date(desk_client):
    res = desk_client.post("/api/v1/applications", valid_payload(), content_type="application/json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["registration_number"].endswith("-000001")
    assert len(body["pin"]) == 6
    assert body["promised_completion_date"]
    detail = desk_client.get(f"/api/v1/applications/{body['registration_number']}")
    assert detail.status_code == 200
    assert detail.json()["status"] == "registered"
    assert detail.json()["documents_received"] == ["ktp", "sertifikat"]


def test_register_incomplete_file_answers_422_with_missing_codes(desk_client):
    res = desk_client.post(
        "/api/v1/applications", valid_payload(documents_received=["ktp"]), content_type="application/json"
    )
    assert res.status_code == 422
    assert res.json()["details"]["missing"] == ["sertifikat"]
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"permit_type": "NOPE"}, "permit_type"),
        ({"applicant": {**valid_payload()["applicant"], "nik": "12"}}, "applicant.nik"),
        ({"applicant": {**valid_payload()["applicant"], "phone": "abc"}}, "applicant.phone"),
        ({"data": {"luas": "banyak", "lantai": "2", "fungsi": "Hunian"}}, "data.luas"),
    ],
)
def test_register_bad_input_answers_422_naming_the_field(desk_client, change, field):
    res = desk_client.post("/api/v1/applications", valid_payload(**change), content_type="application/json")
    assert res.status_code == 422
    assert field in res.json()["fields"]


def test_malformed_json_gets_a_clear_422_not_a_trace(desk_client):
    res = desk_client.post("/api/v1/applications", "{not json", content_type="application/json")
    assert res.status_code in (400, 422)
    assert "message" in res.json()
    res = desk_client.post("/api/v1/applications", {"permit_type": "TEST"}, content_type="application/json")
    assert res.status_code == 422 and "applicant" in res.json()["fields"]


def test_api_needs_a_token_and_the_right_role(client, permit_type):
    assert client.post("/api/v1/applications", valid_payload(), content_type="application/json").status_code == 401
    assert client.get("/api/v1/applications/2026-000001").status_code == 401
    verifier = make_user("verifier")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(client, verifier)}"
    assert client.post("/api/v1/applications", valid_payload(), content_type="application/json").status_code == 403
    assert client.get("/api/v1/applications/2026-999999").status_code == 404
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer not-a-token"
    assert client.get("/api/v1/applications/2026-000001").status_code == 401


def test_openapi_document_is_served(client):
    res = client.get("/api/v1/openapi.json")
    assert res.status_code == 200
    paths = res.json()["paths"]
    assert {"/api/v1/auth/token", "/api/v1/permit-types", "/api/v1/applications"} <= set(paths)


@pytest.mark.parametrize(
    "nik, message",
    [
        ("2071046504870002", "kode provinsi 20 tidak ada"),
        ("3271043102870002", "tanggal lahir 31-02-87 tidak ada"),
        ("3271046504870000", "nomor urut 0000"),
    ],
)
def test_register_names_the_wrong_part_of_a_nik(desk_client, nik, message):
    payload = valid_payload(applicant={**valid_payload()["applicant"], "nik": nik})
    res = desk_client.post("/api/v1/applications", payload, content_type="application/json")
    assert res.status_code == 422
    assert message in res.json()["fields"]["applicant.nik"]
