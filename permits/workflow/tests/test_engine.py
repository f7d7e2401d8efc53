import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from permits.core.errors import Conflict, Forbidden, ServiceError
from permits.core.models import AuditEvent, CalendarClosure
from permits.workflow import services as wf
from permits.workflow.models import Application, Pause, Task

from .conftest import JKT, MONDAY

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def active(app) -> Task:
    return Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)


def claim_and_complete(officers, app, role, payload=None, now=None):
    task = active(app)
    assert task.role == role, (task.kind, task.role)
    wf.task_claim(actor=officers[role], task_id=task.pk, now=now)
    return wf.task_complete(actor=officers[role], task_id=task.pk, payload=payload or {}, now=now)


def test_registration_opens_verification_due_one_working_day_later(register):
    app = register()
    task = active(app)
    assert task.kind == "verification" and task.state == "open" and task.role == "verifier"
    assert task.due_at.astimezone(JKT) == MONDAY + timedelta(days=1)
    assert app.status == "registered"


def test_due_instant_skips_weekend_national_holiday_and_cuti_bersama(register):
    # Friday 14 Aug 2026 15:00; Mon 17 Aug is Independence Day; Tue 18 Aug made cuti bersama by the admin.
    CalendarClosure.objects.create(date=datetime.date(2026, 8, 18), reason="Cuti bersama (uji)")
    app = register(now=datetime.datetime(2026, 8, 14, 15, 0, tzinfo=JKT))
    # one working day = 8 working hours: 1 h left on Friday, 7 h on Wednesday 19 Aug -> 15:00
    assert active(app).due_at.astimezone(JKT) == datetime.datetime(2026, 8, 19, 15, 0, tzinfo=JKT)


def walk_to_payment(officers, app, survey=True):
    claim_and_complete(officers, app, "verifier", {"documents_valid": True, "survey_required": survey})
    if survey:
        task = active(app)
        wf.task_schedule_survey(
            actor=officers["surveyor"],
            task_id=task.pk,
            payload={"visit_date": (MONDAY + timedelta(days=2)).date().isoformat()},
            now=MONDAY,
        )
        wf.task_complete(
            actor=officers["surveyor"],
            task_id=task.pk,
            now=MONDAY + timedelta(days=2, hours=5),  # reported on the visit's day, after the visit
            payload={
                "visit_date": "2026-11-25",
                "findings": "Sesuai gambar",
                "result": "pass",
                "measurements": {"luas": "121,5"},
                "latitude": "-6.595",
                "longitude": "106.816",
            },
        )
    claim_and_complete(officers, app, "data_entry", {"data": {"luas": "121.5", "lantai": 2, "fungsi": "Hunian"}})
    claim_and_complete(officers, app, "technical", {"recommendation": "approve", "reasons": "Memenuhi syarat"})
    claim_and_complete(
        officers,
        app,
        "treasurer",
        {
            "lines": [
                {"description": "Retribusi PBG", "amount": "1.250.000"},
                {"description": "Biaya papan", "amount": 50000},
            ]
        },
    )


def test_full_walk_with_survey_reaches_collected(officers, register):
    app = register()
    walk_to_payment(officers, app)
    app.refresh_from_db()
    assert app.status == "awaiting_payment"
    assert app.data["luas"] == "121.5"
    assessment = Task.objects.get(application=app, kind="levy_assessment")
    assert assessment.payload["total"] == "1300000"
    with pytest.raises(ServiceError):  # amount must equal the assessment
        claim_and_complete(officers, app, "treasurer", {"reference": "BJB-1", "amount": "1.000.000"})
    wf.task_complete(
        actor=officers["treasurer"], task_id=active(app).pk, payload={"reference": "BJB-1", "amount": "1.300.000"}
    )
    app.refresh_from_db()
    assert app.status == "in_process"
    claim_and_complete(officers, app, "supervisor", {"decision": "approve"})
    app.refresh_from_db()
    assert app.status == "approved"
    claim_and_complete(officers, app, "head", {})
    app.refresh_from_db()
    assert app.status == "decree_issued"
    claim_and_complete(
        officers, app, "frontdesk", {"collected_by": "Siti", "relation": "holder", "id_number": "3271046504870002"}
    )
    app.refresh_from_db()
    assert app.status == "collected" and app.finished_at
    kinds = list(Task.objects.filter(application=app).order_by("id").values_list("kind", "state"))
    assert [k for k, _ in kinds] == [
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
    assert {s for _, s in kinds} == {"done"}
    survey = Task.objects.get(application=app, kind="survey")
    assert survey.payload["schedule"]["visit_date"] == "2026-11-25" and survey.outcome == "pass"
    actions = list(AuditEvent.objects.filter(stream=f"intake.application:{app.pk}").values_list("action", flat=True))
    assert actions.count("task.complete") == 9 and "survey.schedule" in actions and "application.collect" in actions


def test_no_survey_branch_records_the_survey_as_skipped(officers, register):
    app = register()
    claim_and_complete(officers, app, "verifier", {"documents_valid": True, "survey_required": False})
    assert active(app).kind == "data_entry"
    assert Task.objects.get(application=app, kind="survey").state == "skipped"


def test_permit_type_without_survey_or_levy_goes_straight_through(officers, register):
    app = register("FREE", survey_policy="never", has_levy=False)
    claim_and_complete(officers, app, "verifier", {"documents_valid": "true"})
    claim_and_complete(officers, app, "data_entry", {"data": {"luas": "10", "lantai": "1", "fungsi": "Usaha"}})
    claim_and_complete(officers, app, "technical", {"recommendation": "approve", "reasons": "ok"})
    assert active(app).kind == "approval"
    assert not Task.objects.filter(application=app, kind__in=["survey", "payment"]).exists()


def test_return_pauses_clock_and_resubmission_moves_promise_by_paused_time_only(officers, register):
    app = register()
    promised = app.promised_completion_at
    task = active(app)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk, now=MONDAY + 2 * H)
    wf.task_return(
        actor=officers["verifier"],
        task_id=task.pk,
        items=["Sertifikat tanah dilegalisir"],
        note="Fotokopi sertifikat tidak terbaca",
        now=MONDAY + 3 * H,
    )  # 3 working hours used of 8
    app.refresh_from_db()
    assert app.status == "returned" and app.returns_count == 1 and app.return_items == ["Sertifikat tanah dilegalisir"]
    with pytest.raises(Conflict):  # nothing moves while returned
        wf.task_claim(actor=officers["verifier"], task_id=task.pk)
    # back on Wednesday 10:00: paused Mon 12:00 -> Wed 10:00 = 4 h + 8 h + 2 h = 14 working hours
    new = wf.application_resubmit(
        actor=officers["frontdesk"], application_id=app.pk, now=datetime.datetime(2026, 11, 25, 10, 0, tzinfo=JKT)
    )
    app.refresh_from_db()
    pause = Pause.objects.get(application=app)
    assert pause.working_seconds == 14 * 3600 and app.paused_seconds == 14 * 3600
    assert app.promised_completion_at - promised == timedelta(days=1, hours=6)  # 14 h = 1 day + 6 h on the clock
    assert app.status == "in_process" and app.return_items == []
    # the reopened verification gets the 5 working hours it had left, not a fresh day
    assert new.kind == "verification" and new.bound_seconds == 5 * 3600
    assert new.due_at.astimezone(JKT) == datetime.datetime(2026, 11, 25, 15, 0, tzinfo=JKT)


def test_rejection_is_final_with_reason_and_cancels_the_open_step(officers, register):
    app = register()
    task = active(app)
    with pytest.raises(ServiceError):
        wf.task_reject(actor=officers["verifier"], task_id=task.pk, reason_code="no-such-reason")
    wf.task_reject(actor=officers["verifier"], task_id=task.pk, reason_code="tata-ruang", text="Zona hijau")
    app.refresh_from_db()
    assert app.status == "rejected" and app.rejection_reason.code == "tata-ruang" and app.rejection_note == "Zona hijau"
    assert Task.objects.get(pk=task.pk).state == "cancelled"
    with pytest.raises(Conflict):
        wf.task_complete(actor=officers["verifier"], task_id=task.pk, payload={"documents_valid": True})
    with pytest.raises(Conflict):
        wf.application_resubmit(actor=officers["frontdesk"], application_id=app.pk)


def test_technical_rejection_recommendation_rejects_with_listed_reason(officers, register):
    app = register()
    walk = [
        ("verifier", {"documents_valid": True, "survey_required": False}),
        ("data_entry", {"data": {"luas": "10", "lantai": "1", "fungsi": "Usaha"}}),
    ]
    for role, payload in walk:
        claim_and_complete(officers, app, role, payload)
    with pytest.raises(ServiceError) as exc:
        claim_and_complete(officers, app, "technical", {"recommendation": "reject", "reasons": "x", "reason_code": "?"})
    assert "reason_code" in exc.value.fields
    wf.task_complete(
        actor=officers["technical"],
        task_id=active(app).pk,
        payload={"recommendation": "reject", "reasons": "Melanggar GSB", "reason_code": "tata-ruang"},
    )
    app.refresh_from_db()
    assert app.status == "rejected"


def test_roles_and_ownership_are_enforced(officers, register):
    app = register()
    task = active(app)
    with pytest.raises(Forbidden):
        wf.task_claim(actor=officers["surveyor"], task_id=task.pk)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk)
    from permits.conftest import make_user

    other = make_user("verifier")
    with pytest.raises(Forbidden):
        wf.task_complete(actor=other, task_id=task.pk, payload={"documents_valid": True, "survey_required": False})
    with pytest.raises(Conflict):
        wf.task_claim(actor=other, task_id=task.pk)
    with pytest.raises(Conflict):  # a stale version is refused
        wf.task_complete(
            actor=officers["verifier"],
            task_id=task.pk,
            version=1,
            payload={"documents_valid": True, "survey_required": False},
        )
    assert Task.objects.get(pk=task.pk).state == "claimed"


def test_invalid_payload_changes_nothing(officers, register):
    app = register()
    task = active(app)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk)
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        wf.task_complete(actor=officers["verifier"], task_id=task.pk, payload={"documents_valid": "maybe"})
    assert set(exc.value.fields) == {"documents_valid", "survey_required"}
    assert AuditEvent.objects.count() == before and Task.objects.get(pk=task.pk).state == "claimed"


def test_supervisor_assigns_and_reworks_to_an_earlier_step(officers, register):
    app = register()
    claim_and_complete(officers, app, "verifier", {"documents_valid": True, "survey_required": False})
    task = active(app)
    with pytest.raises(ServiceError):
        wf.task_assign(actor=officers["supervisor"], task_id=task.pk, assignee=officers["surveyor"])
    wf.task_assign(actor=officers["supervisor"], task_id=task.pk, assignee=officers["data_entry"])
    assert Task.objects.get(pk=task.pk).assignee == officers["data_entry"]
    with pytest.raises(Forbidden):
        wf.application_rework(actor=officers["verifier"], application_id=app.pk, step_code="verifikasi", note="x")
    new = wf.application_rework(
        actor=officers["supervisor"], application_id=app.pk, step_code="verifikasi", note="Cek ulang KTP"
    )
    assert new.kind == "verification" and Task.objects.get(pk=task.pk).state == "cancelled"
    assert AuditEvent.objects.filter(action="application.rework").exists()


def test_withdrawal_closes_the_file(officers, register):
    app = register()
    wf.application_withdraw(actor=officers["frontdesk"], application_id=app.pk, note="Pemohon membatalkan")
    app.refresh_from_db()
    assert (
        app.status == "withdrawn" and not Task.objects.filter(application=app, state__in=["open", "claimed"]).exists()
    )


def test_auto_assign_picks_the_least_loaded_officer(settings, officers, register):
    from permits.conftest import make_user

    settings.WORKFLOW_AUTO_ASSIGN = True
    second = make_user("verifier")
    first_app = register()
    second_app = register()
    a, b = active(first_app).assignee, active(second_app).assignee
    assert {a, b} == {officers["verifier"], second}
    assert Application.objects.get(pk=first_app.pk).status == "registered"


@pytest.mark.parametrize(
    ("measurements", "field", "says"),
    [
        ({"luas_bangunan": "150"}, "measurements.luas_bangunan", "bukan data objek berupa angka"),  # a typo
        ({"fungsi": "2"}, "measurements.fungsi", "bukan data objek berupa angka"),  # a choice, not a number
        ({"lantai": "2,5"}, "measurements.lantai", "bilangan bulat"),
        ({"luas": "0"}, "measurements.luas", "minimal 1"),
    ],
)
def test_survey_measurements_are_the_permit_types_numeric_fields(officers, register, measurements, field, says):
    app = register()
    claim_and_complete(officers, app, "verifier", {"documents_valid": True, "survey_required": True})
    task = active(app)
    today = timezone.localdate().isoformat()
    payload = {"visit_date": today, "findings": "Sesuai", "result": "pass", "measurements": measurements}
    with pytest.raises(ServiceError) as refused:
        wf.task_complete(actor=officers["surveyor"], task_id=task.pk, payload=payload)
    assert says in refused.value.fields[field]
    assert active(app).pk == task.pk  # nothing finished: the tariff never sees the misspelt name
    payload["measurements"] = {"luas": "121,5", "lantai": "2"}
    wf.task_complete(actor=officers["surveyor"], task_id=task.pk, payload=payload)
    task.refresh_from_db()
    assert task.payload["measurements"] == {"luas": "121.5", "lantai": "2"}
