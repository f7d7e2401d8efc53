import datetime
import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.conftest import VALID_APPLICANT
from permits.core.calendar import office_calendar
from permits.workflow import services as wf
from permits.workflow.models import Application, Pause

from .conftest import MONDAY, NOW, PIN, active, complete, finished_application, set_pin

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)

TOP_KEYS = {
    "registration_number",
    "permit_type",
    "permit_type_name",
    "applicant_initials",
    "status",
    "status_label",
    "current_step",
    "timeline",
    "rejection",
    "return_items",
    "levy",
    "decree",
    "promised_completion_date",
    "estimate",
    "corrections",
}


@contextmanager
def lookup_statements():
    """The statements a lookup runs besides the throttle's: here its counters are in the database (a
    reservation and its release per lookup, in a savepoint), in production in Redis."""
    statements = []
    with CaptureQueriesContext(connection) as captured:
        yield statements
    for query in captured.captured_queries:
        sql = query["sql"]
        if "throttlecounter" not in sql and not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            statements.append(sql)


def track(client, app, pin=PIN, **headers):
    return client.get(f"/api/v1/track/{app.registration_number}", HTTP_X_TRACKING_PIN=pin, **headers)


def _instant(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, value
    return parsed


def assert_contract(body: dict) -> dict:
    """The public JSON's shape: the keys and their types, whatever the state."""
    assert set(body) == TOP_KEYS
    for key in ("registration_number", "permit_type", "permit_type_name", "applicant_initials", "status"):
        assert isinstance(body[key], str) and body[key]
    assert isinstance(body["status_label"], str) and body["status_label"]
    step = body["current_step"]
    if step is not None:
        assert set(step) == {"name", "label", "desk", "since", "due_at"}
        assert all(isinstance(step[k], str) and step[k] for k in ("name", "label", "desk"))
        assert _instant(step["since"]) <= _instant(step["due_at"])
    assert isinstance(body["timeline"], list) and body["timeline"]
    for entry in body["timeline"]:
        assert set(entry) == {"at", "label"} and isinstance(entry["label"], str) and entry["label"]
        _instant(entry["at"])
    times = [_instant(e["at"]) for e in body["timeline"]]
    assert times == sorted(times)
    if body["rejection"] is not None:
        assert set(body["rejection"]) == {"reason", "note"}
    assert isinstance(body["return_items"], list) and all(isinstance(i, str) for i in body["return_items"])
    if body["decree"] is not None:
        assert {"number", "issued_on", "status", "verify_url", "download_allowed"} <= set(body["decree"])
        assert body["status"] in ("decree_issued", "collected")
    if body["levy"] is not None:
        levy = body["levy"]
        assert {"skrd_number", "amount", "lines", "virtual_account_no", "due_date", "paid"} <= set(levy)
        assert sum(int(line["amount"]) for line in levy["lines"]) == int(levy["amount"])
        assert body["status"] in ("awaiting_payment", "in_process", "approved", "decree_issued", "collected")
    datetime.date.fromisoformat(body["promised_completion_date"])
    if body["estimate"] is not None:
        assert set(body["estimate"]) == {"median_days", "p90_days", "sample_size"}
        assert isinstance(body["estimate"]["sample_size"], int)
    return body


def view(client, app, **headers) -> dict:
    res = track(client, app, **headers)
    assert res.status_code == 200, res.content
    assert res["Cache-Control"] == "no-store"
    return assert_contract(res.json())


def labels(body) -> list[str]:
    return [e["label"] for e in body["timeline"]]


def test_contract_and_plain_words_at_every_step_of_the_procedure(client, officers, register):
    app = set_pin(register())
    now = MONDAY
    body = view(client, app)
    assert body["status"] == "registered" and body["status_label"] == "Berkas diterima, menunggu verifikasi"
    assert body["current_step"]["name"] == "verification" and body["current_step"]["desk"] == "Tim Verifikasi"
    assert body["applicant_initials"] == "S.N." and body["permit_type"] == "TEST"
    assert labels(body) == ["Berkas diterima di loket"]

    wf.task_claim(actor=officers["verifier"], task_id=active(app).pk, now=now + H)
    assert view(client, app)["status_label"] == "Berkas sedang diverifikasi"
    wf.task_complete(
        actor=officers["verifier"],
        task_id=active(app).pk,
        payload={"documents_valid": True, "survey_required": True},
        now=now + 2 * H,
    )
    body = view(client, app)
    assert body["status_label"] == "Menunggu jadwal survei lapangan"
    assert body["current_step"]["desk"] == "Tim Survei Lapangan"

    survey = active(app)
    wf.task_schedule_survey(
        actor=officers["surveyor"], task_id=survey.pk, payload={"visit_date": "2026-12-03"}, now=now + 3 * H
    )
    body = view(client, app)
    assert body["status_label"] == "Sedang disurvei petugas lapangan, jadwal 3 Des"
    assert labels(body)[-1] == "Survei dijadwalkan 3 Des"
    wf.task_complete(
        actor=officers["surveyor"],
        task_id=survey.pk,
        payload={"visit_date": "2026-12-03", "findings": "Sesuai", "result": "pass"},
        now=now + timedelta(days=10),
    )
    data = {"data": {"luas": "120", "lantai": 2, "fungsi": "Hunian"}}
    levy = {"lines": [{"description": "PBG", "amount": 1000}]}
    handover = {"collected_by": VALID_APPLICANT["name"], "relation": "holder", "id_number": VALID_APPLICANT["nik"]}
    stages = [
        ("data_entry", "Data sedang dientri", "data_entry", data),
        ("technical_review", "Sedang dikaji tim teknis", "technical", {"recommendation": "approve", "reasons": "ok"}),
        ("levy_assessment", "Retribusi sedang dihitung", "treasurer", levy),
        ("payment", "Menunggu pembayaran retribusi", "treasurer", {"reference": "BJB-1", "amount": 1000}),
        ("approval", "Menunggu persetujuan kepala bidang", "supervisor", {"decision": "approve"}),
        ("signing", "Menunggu tanda tangan SK", "head", {}),
        ("handover", "SK siap diambil", "frontdesk", handover),
    ]
    for i, (kind, label, role, payload) in enumerate(stages):
        body = view(client, app)
        assert (body["current_step"]["name"], body["status_label"]) == (kind, label)
        complete(officers, app, role, payload, now=now + timedelta(days=11 + i))
    body = view(client, app)
    assert body["status"] == "collected" and body["status_label"] == "SK sudah diambil"
    assert body["current_step"] is None and body["estimate"] is None
    assert labels(body) == [
        "Berkas diterima di loket",
        "Verifikasi selesai",
        "Survei dijadwalkan 3 Des",
        "Survei lapangan selesai",
        "Entri data selesai",
        "Kajian tim teknis selesai",
        "Retribusi ditetapkan",
        "Retribusi dibayar",
        "Permohonan disetujui",
        "SK ditandatangani, siap diambil",
        "SK diambil",
    ]
    text = track(client, app).content.decode()  # the handover recorded the NIK and name: neither is public
    for value in [VALID_APPLICANT["nik"], VALID_APPLICANT["name"]] + [o.username for o in officers.values()]:
        assert value not in text


def test_returned_application_lists_what_to_bring_and_records_the_pause(client, officers, register):
    app = set_pin(register())
    task = active(app)
    wf.task_return(
        actor=officers["verifier"],
        task_id=task.pk,
        items=["Sertifikat tanah (salinan dilegalisir)", "Gambar denah"],
        note="Salinan kurang jelas",
        now=MONDAY + H,
    )
    body = view(client, app)
    assert body["status"] == "returned" and body["status_label"] == "Dikembalikan: lengkapi berkas"
    assert body["return_items"] == ["Sertifikat tanah (salinan dilegalisir)", "Gambar denah"]
    assert body["current_step"] is None
    assert labels(body) == ["Berkas diterima di loket", "Dikembalikan untuk perbaikan"]
    wf.application_resubmit(actor=officers["frontdesk"], application_id=app.pk, now=MONDAY + 26 * H)
    body = view(client, app)
    assert body["return_items"] == [] and body["status_label"] == "Berkas sedang diverifikasi"
    assert labels(body) == ["Berkas diterima di loket", "Dikembalikan untuk perbaikan", "Perbaikan diterima"]


def test_rejected_application_shows_the_reason_and_the_note(client, officers, register):
    app = set_pin(register())
    wf.task_reject(
        actor=officers["verifier"],
        task_id=active(app).pk,
        reason_code="tata-ruang",
        text="Lokasi berada di zona hijau.",
        now=MONDAY + 2 * H,
    )
    body = view(client, app)
    assert body["status"] == "rejected" and body["status_label"] == "Permohonan ditolak"
    assert body["rejection"] == {"reason": "Tidak sesuai tata ruang", "note": "Lokasi berada di zona hijau."}
    assert labels(body)[-1] == "Permohonan ditolak" and body["estimate"] is None


def test_withdrawn_application_says_so(client, officers, register):
    app = set_pin(register())
    wf.application_withdraw(actor=officers["frontdesk"], application_id=app.pk, note="Batal membangun", now=MONDAY + H)
    body = view(client, app)
    assert body["status_label"] == "Permohonan dicabut" and labels(body)[-1] == "Permohonan dicabut"


def test_labels_in_english_with_accept_language(client, officers, register):
    app = set_pin(register())
    complete(officers, app, "verifier", {"documents_valid": True, "survey_required": True}, now=MONDAY + H)
    wf.task_schedule_survey(
        actor=officers["surveyor"], task_id=active(app).pk, payload={"visit_date": "2026-12-03"}, now=MONDAY + 2 * H
    )
    body = view(client, app, HTTP_ACCEPT_LANGUAGE="en")
    assert body["status_label"] == "Field survey by our officers, on 3 Dec"
    assert body["current_step"]["desk"] == "Field survey team"
    assert labels(body) == ["File received at the front desk", "Verification completed", "Survey scheduled for 3 Dec"]


def test_pin_may_come_as_query_parameter(client, register):
    app = set_pin(register())
    res = client.get(f"/api/v1/track/{app.registration_number}?pin={PIN}")
    assert res.status_code == 200 and res.json()["registration_number"] == app.registration_number


def test_unknown_number_and_wrong_pin_give_the_same_answer(client, register):
    app = set_pin(register())
    wrong = track(client, app, pin="999999" if PIN != "999999" else "111111")
    unknown = client.get("/api/v1/track/2026-999999", HTTP_X_TRACKING_PIN=PIN)
    missing = client.get(f"/api/v1/track/{app.registration_number}")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.content == unknown.content == missing.content
    assert wrong.json()["error"] == "not_found"


def test_no_officer_names_or_personal_data_in_the_json(client, officers, register):
    app = set_pin(register())
    complete(officers, app, "verifier", {"documents_valid": True, "survey_required": False}, now=MONDAY + H)
    complete(
        officers, app, "data_entry", {"data": {"luas": "120", "lantai": 2, "fungsi": "Hunian"}}, now=MONDAY + 2 * H
    )
    text = track(client, app).content.decode()
    body = json.loads(text)
    assert body["applicant_initials"] == "S.N."
    personal = [VALID_APPLICANT[k] for k in ("name", "nik", "email", "address")] + ["+6281211112201", "081211112201"]
    for value in personal + [o.username for o in officers.values()]:
        assert value not in text, value


def test_promised_date_moves_exactly_by_the_recorded_pause_and_nothing_else(client, officers, register):
    app = set_pin(register())
    promised = view(client, app)["promised_completion_date"]
    complete(officers, app, "verifier", {"documents_valid": True, "survey_required": False}, now=MONDAY + H)
    assert view(client, app)["promised_completion_date"] == promised  # work on the file does not move it
    wf.task_return(actor=officers["data_entry"], task_id=active(app).pk, items=["Denah"], now=MONDAY + 2 * H)
    assert view(client, app)["promised_completion_date"] == promised  # nor does the return by itself
    wednesday = datetime.datetime(2026, 11, 25, 13, 0, tzinfo=MONDAY.tzinfo)
    wf.application_resubmit(actor=officers["frontdesk"], application_id=app.pk, now=wednesday)
    pause = Pause.objects.get(application=app)
    assert pause.working_seconds == 18 * 3600  # Mon 11-16, Tue 08-16, Wed 08-13
    before = Application.objects.get(pk=app.pk).promised_completion_at
    cal = office_calendar()
    original = cal.add_working_days(MONDAY, 10)
    assert before == cal.add_working_time(original, timedelta(seconds=pause.working_seconds))
    moved = view(client, app)["promised_completion_date"]
    assert moved == before.astimezone(MONDAY.tzinfo).date().isoformat()
    assert (promised, moved) == ("2026-12-07", "2026-12-09")  # Mon 7 Dec 09:00 + 18 working hours = Wed 11:00


def test_openapi_documents_the_tracking_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/track/{registration_number}"]["get"]
    assert {"200", "404", "429"} <= set(op["responses"])
    assert "Retry-After" in op["responses"]["429"]["headers"]
    params = {(p["in"], p["name"]) for p in op["parameters"]}
    assert {("path", "registration_number"), ("header", "X-Tracking-PIN"), ("query", "pin")} <= params
    assert "same body" in op["description"]
    props = schema["components"]["schemas"]["TrackOut"]["properties"]
    assert TOP_KEYS <= set(props)
    assert op.get("security") in (None, [])  # public: no token needed


def test_estimate_hidden_with_fewer_than_five_completions_then_shown(client, register):
    app = set_pin(register(now=NOW))
    for days in (3, 5, 4, 8):
        finished_application(app.permit_type, days)
    assert view(client, app)["estimate"] is None
    cache.clear()  # the estimate is cached for ten minutes
    finished_application(app.permit_type, 6)
    assert view(client, app)["estimate"] == {"median_days": 5.0, "p90_days": 8.0, "sample_size": 5}


def test_lookup_cost_does_not_grow_with_history(client, officers, register):
    app = set_pin(register())
    complete(officers, app, "verifier", {"documents_valid": True, "survey_required": False}, now=MONDAY + H)
    for days in range(30):
        finished_application(app.permit_type, days % 7 + 1)
    cache.clear()
    # A first look builds the view: the lookup, the application with its type and applicant, tasks,
    # pauses, levy, decree, the estimate's bounded slice (nothing per history row).
    with lookup_statements() as first:
        view(client, app)
    assert len(first) <= 8
    with lookup_statements() as refresh:
        view(client, app)
    assert len(refresh) <= 1  # every refresh after it: the lookup alone


def test_refresh_is_one_statement_until_a_recorded_action_changes_the_view(client, officers, register):
    app = set_pin(register())
    first = view(client, app)
    with lookup_statements() as queries:
        assert view(client, app) == first
    assert len(queries) == 1  # number, PIN hash and the version of the view, in one statement
    wf.task_claim(actor=officers["verifier"], task_id=active(app).pk, now=MONDAY + H)
    assert view(client, app)["status_label"] == "Berkas sedang diverifikasi"  # the claim was recorded


def test_entries_kept_by_the_previous_release_are_not_read(client, register):
    """A rolling deploy: processes of the previous release, sharing the cache, kept the bare view (and
    the API's bare body) under their key. This release keeps another shape and must not read those."""
    from permits.portal.selectors import _tracked
    from permits.portal.tracking import tracking_view_cached

    app = set_pin(register())
    version = _tracked(app.registration_number).version
    cache.set(f"portal:view:{app.pk}:{version[:32]}:id", {"status": "stale"}, 60)
    cache.set(f"portal:body:{app.pk}:{version[:32]}:id", b'{"status": "stale"}', 60)
    response = track(client, app)
    assert response.status_code == 200
    assert response.json()["status"] == "registered"
    assert tracking_view_cached(_tracked(app.registration_number))["status"] == "registered"  # the page's part


def test_a_change_without_a_recorded_action_is_not_shown_until_the_cache_entry_ends(client, register, settings):
    """The contract behind the cache: only recorded actions move the version (services record every
    change they make; a bare UPDATE, as here, is not a way to change an application)."""
    app = set_pin(register())
    assert view(client, app)["return_items"] == []
    Application.objects.filter(pk=app.pk).update(status="returned", return_items=["KTP"])
    assert view(client, app)["status"] == "registered"
    settings.TRACKING_CACHE_SECONDS = 0  # the cache off: every lookup builds the view
    assert view(client, app)["return_items"] == ["KTP"]
