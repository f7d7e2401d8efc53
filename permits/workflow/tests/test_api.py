"""The workflow through the JSON API, each role with its own bearer token."""

import datetime

import pytest
from django.utils import timezone

from permits.catalog.models import DataField, PermitType
from permits.catalog.rules import validate_object_data
from permits.conftest import make_permit_type, make_user, valid_payload
from permits.workflow import payloads
from permits.workflow.api import PAYLOAD_SCHEMAS

pytestmark = pytest.mark.django_db

QUEUE_KEYS = {
    "id",
    "application",
    "permit_type",
    "step",
    "step_name",
    "kind",
    "role",
    "state",
    "assignee",
    "started_at",
    "due_at",
    "sla",
    "time_left_seconds",
    "version",
}
DETAIL_TASK_KEYS = {
    "id",
    "step",
    "step_name",
    "kind",
    "role",
    "state",
    "assignee",
    "started_at",
    "due_at",
    "finished_at",
    "outcome",
    "sla",
}


class Api:
    """Calls /api/v1 as a given user, with a bearer token from POST /api/v1/auth/token."""

    def __init__(self, client):
        self.client = client
        self.tokens: dict[int, str] = {}

    def _auth(self, user) -> dict:
        if user is None:
            return {}
        if user.pk not in self.tokens:
            res = self.client.post(
                "/api/v1/auth/token",
                {"username": user.username, "password": "pw-for-tests-123"},
                content_type="application/json",
            )
            assert res.status_code == 200, res.content
            self.tokens[user.pk] = res.json()["token"]
        return {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[user.pk]}"}

    def get(self, user, path, **query):
        return self.client.get(f"/api/v1{path}", query, **self._auth(user))

    def post(self, user, path, body=None):
        return self.client.post(f"/api/v1{path}", body or {}, content_type="application/json", **self._auth(user))


@pytest.fixture
def api(client):
    return Api(client)


def register(api, officers, code="TEST", **pt_kwargs) -> str:
    if not PermitType.objects.filter(code=code).exists():
        make_permit_type(code, **pt_kwargs)
    res = api.post(officers["frontdesk"], "/applications", valid_payload(code))
    assert res.status_code == 201, res.content
    return res.json()["registration_number"]


def queued(api, user, number, **query) -> dict:
    """The caller's queue item of application `number` (exactly one)."""
    res = api.get(user, "/tasks", **query)
    assert res.status_code == 200, res.content
    (item,) = [i for i in res.json()["items"] if i["application"] == number]
    return item


def work(api, officers, number, role, payload=None) -> dict:
    """The officer of `role` finds the task in their queue, claims it and completes it."""
    user = officers[role]
    item = queued(api, user, number)
    assert item["role"] == role and item["state"] == "open", item
    claimed = api.post(user, f"/tasks/{item['id']}/claim", {"version": item["version"]})
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["state"] == "claimed" and claimed.json()["assignee"] == user.username
    done = api.post(
        user, f"/tasks/{item['id']}/complete", {"payload": payload or {}, "version": claimed.json()["version"]}
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done"
    return done.json()


def detail(api, officers, number) -> dict:
    res = api.get(officers["supervisor"], f"/applications/{number}")
    assert res.status_code == 200, res.content
    return res.json()


EXAMPLE_VISIT = datetime.date(2026, 11, 25)  # the documented example's visit day
SURVEY_REPORT = {
    "visit_date": EXAMPLE_VISIT.isoformat(),
    "findings": "Bangunan sesuai gambar rencana",
    "result": "pass",
    "measurements": {"luas": "121,5"},
    "latitude": "-6.595",
    "longitude": "106.816",
}


def walk_to_the_end(api, officers, number, *, survey: bool) -> None:
    work(api, officers, number, "verifier", {"documents_valid": True, "survey_required": survey})
    if survey:
        surveyor = officers["surveyor"]
        item = queued(api, surveyor, number)
        assert item["kind"] == "survey"
        visit = timezone.localdate().isoformat()  # a report is for a visit that took place: today at the latest
        res = api.post(surveyor, f"/tasks/{item['id']}/schedule", {"visit_date": visit, "note": "Pagi"})
        assert res.status_code == 200, res.content
        assert res.json()["state"] == "claimed" and res.json()["assignee"] == surveyor.username
        res = api.post(surveyor, f"/tasks/{item['id']}/complete", {"payload": {**SURVEY_REPORT, "visit_date": visit}})
        assert res.status_code == 200, res.content
        assert res.json()["state"] == "done"
    work(api, officers, number, "data_entry", {"data": {"luas": "121.5", "lantai": 2, "fungsi": "Hunian"}})
    work(api, officers, number, "technical", {"recommendation": "approve", "reasons": "Memenuhi syarat"})
    work(api, officers, number, "treasurer", {"lines": [{"description": "Retribusi PBG", "amount": "1.250.000"}]})
    assert detail(api, officers, number)["status"] == "awaiting_payment"
    work(api, officers, number, "treasurer", {"reference": "BANK-0001", "amount": 1250000})
    work(api, officers, number, "supervisor", {"decision": "approve"})
    assert detail(api, officers, number)["status"] == "approved"
    work(api, officers, number, "head", {})
    assert detail(api, officers, number)["status"] == "decree_issued"
    work(api, officers, number, "frontdesk", {"collected_by": "Siti Nur'aini", "id_number": "3271046504870002"})


def test_whole_walk_with_survey_through_the_api(api, officers):
    number = register(api, officers, survey_policy="verification")
    first = queued(api, officers["verifier"], number)
    assert set(first) == QUEUE_KEYS
    assert first["kind"] == "verification" and first["permit_type"] == "TEST" and first["step"] == "verifikasi"
    assert first["sla"] == "on_time" and first["time_left_seconds"] > 0 and first["assignee"] is None

    walk_to_the_end(api, officers, number, survey=True)

    body = detail(api, officers, number)
    assert body["status"] == "collected" and body["current_task"] is None
    assert body["survey_required"] is True and body["rejection"] is None and body["return_items"] == []
    assert body["registration_number"] == number and body["applicant"]["nik"]  # the existing fields stay
    assert [t["kind"] for t in body["tasks"]] == [
        "verification",
        "survey",
        "data_entry",
        "technical_review",
        "levy_assessment",
        "payment",
        "approval",
        "signing",
        "handover",
    ]
    assert all(set(t) >= DETAIL_TASK_KEYS and t["state"] == "done" for t in body["tasks"])
    assert body["tasks"][1]["outcome"] == "pass" and body["tasks"][1]["assignee"] == officers["surveyor"].username
    assert body["data"]["luas"] == "121.5"


def test_walk_without_survey_skips_the_survey_step(api, officers):
    number = register(api, officers, survey_policy="verification")
    walk_to_the_end(api, officers, number, survey=False)
    body = detail(api, officers, number)
    assert body["status"] == "collected" and body["survey_required"] is False
    survey = next(t for t in body["tasks"] if t["kind"] == "survey")
    assert survey["state"] == "skipped" and survey["outcome"] == "skipped"


def test_return_pauses_and_resubmit_reopens_the_step(api, officers):
    number = register(api, officers)
    verifier = officers["verifier"]
    item = queued(api, verifier, number)
    # the body of /claim is optional: an empty POST (curl -X POST) claims too
    empty = api.client.post(f"/api/v1/tasks/{item['id']}/claim", "", "application/json", **api._auth(verifier))
    assert empty.status_code == 200, empty.content
    res = api.post(verifier, f"/tasks/{item['id']}/return", {"items": ["Fotokopi KTP terbaca"], "note": "Buram"})
    assert res.status_code == 200, res.content
    assert res.json()["state"] == "returned" and res.json()["time_left_seconds"] is None

    body = detail(api, officers, number)
    assert body["status"] == "returned" and body["current_task"] is None
    assert body["return_items"] == ["Fotokopi KTP terbaca"] and body["returns_count"] == 1
    assert api.post(verifier, f"/tasks/{item['id']}/claim").status_code == 409

    res = api.post(officers["frontdesk"], f"/applications/{number}/resubmit", {"note": "Sudah diperbaiki"})
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["status"] == "in_process" and body["return_items"] == [] and body["paused_seconds"] >= 0
    assert body["current_task"]["kind"] == "verification" and body["current_task"]["state"] == "open"
    assert body["current_task"]["id"] != item["id"]
    assert [t["state"] for t in body["tasks"]] == ["returned", "open"]


def test_reject_with_a_listed_reason_is_final_and_shown(api, officers):
    number = register(api, officers)
    verifier = officers["verifier"]
    item = queued(api, verifier, number)
    api.post(verifier, f"/tasks/{item['id']}/claim")
    bad = api.post(verifier, f"/tasks/{item['id']}/reject", {"reason_code": "nope", "text": "x"})
    assert bad.status_code == 422 and "reason_code" in bad.json()["fields"]

    res = api.post(verifier, f"/tasks/{item['id']}/reject", {"reason_code": "tata-ruang", "text": "Zona hijau"})
    assert res.status_code == 200, res.content
    assert res.json()["state"] == "cancelled"
    body = detail(api, officers, number)
    assert body["status"] == "rejected" and body["current_task"] is None
    assert body["rejection"] == {"code": "tata-ruang", "text": "Tidak sesuai tata ruang", "note": "Zona hijau"}
    again = api.post(verifier, f"/tasks/{item['id']}/complete", {"payload": {"documents_valid": True}})
    assert again.status_code == 409 and again.json()["error"] == "application_closed"


def test_second_officer_claiming_the_same_task_gets_409(api, officers):
    number = register(api, officers)
    other = make_user("verifier")
    item = queued(api, officers["verifier"], number)
    assert api.post(officers["verifier"], f"/tasks/{item['id']}/claim", {"version": item["version"]}).status_code == 200
    res = api.post(other, f"/tasks/{item['id']}/claim", {"version": item["version"]})
    assert res.status_code == 409 and res.json()["error"] == "stale"
    res = api.post(other, f"/tasks/{item['id']}/claim")
    assert res.status_code == 409 and res.json()["error"] == "already_claimed"
    assert officers["verifier"].username in res.json()["message"] and res.json()["message_en"]
    assert queued(api, officers["verifier"], number)["assignee"] == officers["verifier"].username


def test_wrong_role_gets_403(api, officers):
    number = register(api, officers)
    item = queued(api, officers["verifier"], number)
    res = api.post(officers["surveyor"], f"/tasks/{item['id']}/claim")
    assert res.status_code == 403 and res.json()["error"] == "forbidden" and res.json()["message"]
    res = api.post(officers["surveyor"], f"/tasks/{item['id']}/complete", {"payload": {"documents_valid": True}})
    assert res.status_code == 403
    res = api.post(officers["verifier"], f"/tasks/{item['id']}/assign", {"assignee": officers["verifier"].username})
    assert res.status_code == 403
    assert api.get(officers["verifier"], "/tasks", scope="all").status_code == 403
    assert api.post(officers["verifier"], f"/applications/{number}/withdraw", {"note": "x"}).status_code == 403


def test_requests_without_a_valid_token_get_401(api, officers):
    number = register(api, officers)
    item = queued(api, officers["verifier"], number)
    res = api.get(None, "/tasks")
    assert res.status_code == 401 and res.json()["error"] == "unauthorized"
    assert api.post(None, f"/tasks/{item['id']}/claim").status_code == 401
    res = api.client.post(f"/api/v1/tasks/{item['id']}/claim", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert res.status_code == 401


@pytest.mark.parametrize(
    "payload, fields",
    [
        ({}, {"documents_valid", "survey_required"}),
        ({"documents_valid": False, "survey_required": True}, {"documents_valid"}),
        ({"documents_valid": "maybe", "survey_required": "perhaps"}, {"documents_valid", "survey_required"}),
        ([1, 2], {"payload"}),
    ],
)
def test_bad_payload_gets_422_naming_the_fields(api, officers, payload, fields):
    number = register(api, officers)
    item = queued(api, officers["verifier"], number)
    res = api.post(officers["verifier"], f"/tasks/{item['id']}/complete", {"payload": payload})
    assert res.status_code == 422, res.content
    assert set(res.json()["fields"]) == fields
    assert queued(api, officers["verifier"], number)["state"] == "open"  # nothing changed


def test_bad_object_data_gets_422_with_data_field_names(api, officers):
    number = register(api, officers, survey_policy="never")
    work(api, officers, number, "verifier", {"documents_valid": True})
    item = queued(api, officers["data_entry"], number)
    res = api.post(
        officers["data_entry"],
        f"/tasks/{item['id']}/complete",
        {"payload": {"data": {"luas": "banyak", "lantai": 2, "fungsi": "Hunian"}}},
    )
    assert res.status_code == 422 and "data.luas" in res.json()["fields"]


def test_unknown_task_or_application_gets_404(api, officers):
    register(api, officers)
    res = api.post(officers["verifier"], "/tasks/999999/claim")
    assert res.status_code == 404 and res.json()["error"] == "not_found"
    assert api.post(officers["frontdesk"], "/applications/2099-999999/resubmit", {"note": "x"}).status_code == 404


def test_queue_filters_paginates_and_supervisor_sees_all(api, officers):
    numbers = [register(api, officers) for _ in range(3)]
    register(api, officers, code="OTHER", survey_policy="never")
    verifier = officers["verifier"]
    first = queued(api, verifier, numbers[0])
    api.post(verifier, f"/tasks/{first['id']}/claim")

    assert api.get(verifier, "/tasks").json()["count"] == 4
    assert api.get(verifier, "/tasks", permit_type="OTHER").json()["count"] == 1
    claimed = api.get(verifier, "/tasks", state="claimed").json()
    assert claimed["count"] == 1 and claimed["items"][0]["application"] == numbers[0]
    page = api.get(verifier, "/tasks", limit=2, offset=1).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    res = api.get(verifier, "/tasks", limit=500)
    assert res.status_code == 422 and "limit" in res.json()["fields"]

    assert api.get(officers["surveyor"], "/tasks").json()["count"] == 0
    assert api.get(officers["supervisor"], "/tasks").json()["count"] == 0
    assert api.get(officers["supervisor"], "/tasks", scope="all").json()["count"] == 4


def test_supervisor_assigns_and_reworks_frontdesk_withdraws(api, officers):
    number = register(api, officers, survey_policy="never")
    sup = officers["supervisor"]
    item = queued(api, sup, number, scope="all")
    res = api.post(sup, f"/tasks/{item['id']}/assign", {"assignee": "nobody-here"})
    assert res.status_code == 422 and "assignee" in res.json()["fields"]
    res = api.post(sup, f"/tasks/{item['id']}/assign", {"assignee": officers["verifier"].username})
    assert res.status_code == 200 and res.json()["assignee"] == officers["verifier"].username
    done = api.post(officers["verifier"], f"/tasks/{item['id']}/complete", {"payload": {"documents_valid": True}})
    assert done.status_code == 200, done.content

    res = api.post(sup, f"/applications/{number}/rework", {"step": "verifikasi", "note": ""})
    assert res.status_code == 422 and "note" in res.json()["fields"]
    res = api.post(sup, f"/applications/{number}/rework", {"step": "verifikasi", "note": "Cek ulang KTP"})
    assert res.status_code == 200, res.content
    assert res.json()["current_task"]["step"] == "verifikasi"
    assert [t["state"] for t in res.json()["tasks"]] == ["done", "cancelled", "open"]

    res = api.post(officers["frontdesk"], f"/applications/{number}/withdraw", {"note": "Pemohon membatalkan"})
    assert res.status_code == 200 and res.json()["status"] == "withdrawn" and res.json()["current_task"] is None


def test_openapi_lists_every_workflow_path_and_the_payload_schemas(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ["/api/v1/tasks"] + [
        f"/api/v1/tasks/{{task_id}}/{action}"
        for action in ("claim", "assign", "schedule", "complete", "return", "reject")
    ]:
        assert path in spec["paths"], path
    for action in ("resubmit", "rework", "withdraw"):
        assert f"/api/v1/applications/{{registration_number}}/{action}" in spec["paths"]
    schemas = spec["components"]["schemas"]
    names = {s.__name__ for s in PAYLOAD_SCHEMAS.values()}
    assert names == {
        "VerificationPayload",
        "SurveyReportPayload",
        "DataEntryPayload",
        "TechnicalReviewPayload",
        "LevyAssessmentPayload",
        "PaymentPayload",
        "ApprovalPayload",
        "SigningPayload",
        "HandoverPayload",
    }
    assert names <= set(schemas)
    payload = schemas["CompleteIn"]["properties"]["payload"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in payload["anyOf"]} == names
    assert all(kind in payload["description"] for kind in PAYLOAD_SCHEMAS)
    assert {"tasks", "current_task", "rejection", "paused_seconds"} <= set(schemas["ApplicationOut"]["properties"])


def test_each_documented_payload_example_passes_the_engines_validation(permit_type):
    """The OpenAPI examples and payloads.py must agree (documentation that drifts fails here)."""
    today = timezone.localdate()
    check = {
        "verification": lambda p: payloads.verification(p, survey_decided_here=True),
        "survey": lambda p: payloads.survey_report(p, today=EXAMPLE_VISIT, earliest=EXAMPLE_VISIT, scheduled=True),
        "data_entry": lambda p: validate_object_data(
            list(DataField.objects.filter(permit_type=permit_type)), p["data"]
        ),
        "technical_review": payloads.technical_review,
        "levy_assessment": payloads.levy_assessment,
        "payment": lambda p: payloads.payment(p, expected_total=None),
        "approval": payloads.approval,
        "signing": payloads.signing,
        "handover": payloads.handover,
    }
    assert set(check) == set(PAYLOAD_SCHEMAS)
    for kind, schema in PAYLOAD_SCHEMAS.items():
        (example,) = schema.model_json_schema()["examples"]
        _clean, errors = check[kind](example)
        assert errors == {}, (kind, errors)
    assert payloads.survey_schedule({"visit_date": today.isoformat()}, today=today, latest=today)[1] == {}


# --- bounded input (docs/SECURITY.md, "Oversized and absurd input") -------------------------------


def test_attack_absurd_task_list_offset_answers_422_not_500(api, officers):
    register(api, officers)
    verifier = officers["verifier"]
    for offset in ("99999999999999999999", "100001", "-1"):
        res = api.get(verifier, "/tasks", offset=offset)
        assert res.status_code == 422, (offset, res.content)
        assert "offset" in res.json()["fields"] and res.json()["message_en"]
    res = api.get(verifier, "/tasks", limit="99999999999999999999")
    assert res.status_code == 422 and "limit" in res.json()["fields"]
    assert api.get(verifier, "/tasks", offset="100000").json()["items"] == []  # the bound itself is allowed


def test_attack_json_array_as_claim_body_is_refused_and_task_stays_unclaimed(api, officers, client):
    number = register(api, officers)
    verifier = officers["verifier"]
    item = queued(api, verifier, number)
    auth = api._auth(verifier)
    for body in ("[]", "[1]", '"x"', "5", "null"):
        res = client.post(f"/api/v1/tasks/{item['id']}/claim", body, content_type="application/json", **auth)
        assert res.status_code == 422, (body, res.content)
        assert res.json()["error"] == "invalid" and "body" in res.json()["fields"]
    again = queued(api, verifier, number)
    assert again["state"] == "open" and again["assignee"] is None and again["version"] == item["version"]
    # an empty body and an object still claim
    res = client.post(f"/api/v1/tasks/{item['id']}/claim", "", content_type="application/json", **auth)
    assert res.status_code == 200 and res.json()["state"] == "claimed"
