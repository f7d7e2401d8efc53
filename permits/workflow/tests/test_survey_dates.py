"""Issue 16, items 4 (survey part) and 5: the dates of a field visit are bounded, by the page and the API alike.

A visit is scheduled from today to the service standard's horizon (`services.survey_visit_latest`); its report is
for a visit that took place: not after today, not before the scheduled day.
"""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from permits.core.calendar import office_calendar
from permits.core.errors import ServiceError
from permits.core.models import AuditEvent
from permits.notifications.models import Message
from permits.workflow import services as wf
from permits.workflow.models import Task

from .conftest import JKT, MONDAY
from .test_api import Api

pytestmark = pytest.mark.django_db


def survey_task(officers, app, *, now=None) -> Task:
    """The application's survey step, opened (verification done)."""
    task = Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk, now=now)
    wf.task_complete(
        actor=officers["verifier"],
        task_id=task.pk,
        payload={"documents_valid": True, "survey_required": True},
        now=now,
    )
    survey = Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)
    assert survey.kind == "survey"
    return survey


def schedule_messages(app) -> int:
    return Message.objects.filter(application=app, template="survey_scheduled").count()


def report(visit: str) -> dict:
    return {"visit_date": visit, "findings": "Bangunan sesuai gambar", "result": "pass"}


def test_attack_survey_visit_on_9999_12_31_is_refused_and_no_message_is_sent(client, officers, register):
    app = register(now=timezone.now())
    task = survey_task(officers, app)
    res = Api(client).post(officers["surveyor"], f"/tasks/{task.pk}/schedule", {"visit_date": "9999-12-31"})
    assert res.status_code == 422, res.content
    body = res.json()
    assert body["error"] == "invalid" and body["message_en"] == "Invalid input."
    latest = wf.survey_visit_latest(application=app, now=timezone.now())
    assert body["fields"]["visit_date"] == (
        f"Jadwal survei paling lambat {latest.isoformat()} (dalam standar pelayanan jenis izin ini)."
    )
    task.refresh_from_db()
    assert "schedule" not in task.payload and task.state == "open"
    assert schedule_messages(app) == 0
    assert not AuditEvent.objects.filter(action="survey.schedule").exists()


def test_survey_visit_horizon_is_the_service_standard_in_working_days_from_today(officers, register):
    # Monday 23 Nov 2026, 09:00; the test type's standard is 10 working days: Monday 7 Dec, 09:00.
    app = register(now=MONDAY)
    task = survey_task(officers, app, now=MONDAY)
    latest = wf.survey_visit_latest(application=app, now=MONDAY)
    assert app.permit_type.service_standard_days == 10 and latest == datetime.date(2026, 12, 7)
    assert office_calendar().is_working_day(latest)
    with pytest.raises(ServiceError) as refused:
        wf.task_schedule_survey(
            actor=officers["surveyor"], task_id=task.pk, payload={"visit_date": "2026-12-08"}, now=MONDAY
        )
    assert refused.value.status == 422 and "2026-12-07" in refused.value.fields["visit_date"]
    wf.task_schedule_survey(
        actor=officers["surveyor"], task_id=task.pk, payload={"visit_date": "2026-12-07"}, now=MONDAY
    )
    assert Task.objects.get(pk=task.pk).payload["schedule"]["visit_date"] == "2026-12-07"
    assert schedule_messages(app) == 1


def test_attack_survey_visit_in_the_past_is_refused_on_the_page(client, officers, register):
    app = register(now=timezone.now())
    task = survey_task(officers, app)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    client.force_login(officers["surveyor"])
    client.post(f"/kerja/tugas/{task.pk}/ambil/")
    res = client.post(f"/kerja/tugas/{task.pk}/jadwal-survei/", {"visit_date": yesterday, "note": ""})
    assert res.status_code == 422
    page = res.content.decode()
    assert "Jadwal survei tidak boleh di masa lalu." in page and "Traceback" not in page
    task.refresh_from_db()
    assert "schedule" not in task.payload and schedule_messages(app) == 0


def test_attack_survey_report_dated_after_today_is_refused(client, officers, register):
    """The issue's case: the visit is scheduled for tomorrow and its report comes today, dated tomorrow."""
    app = register(now=timezone.now())
    task = survey_task(officers, app)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    wf.task_schedule_survey(actor=officers["surveyor"], task_id=task.pk, payload={"visit_date": tomorrow})
    api = Api(client)
    res = api.post(officers["surveyor"], f"/tasks/{task.pk}/complete", {"payload": report(tomorrow)})
    assert res.status_code == 422, res.content
    assert res.json()["fields"]["visit_date"] == (
        "Tanggal kunjungan tidak boleh setelah hari ini: laporkan survei setelah kunjungan."
    )
    task.refresh_from_db()
    assert task.state == "claimed" and "findings" not in task.payload
    assert not AuditEvent.objects.filter(action="task.complete", object_id=str(task.pk)).exists()


def test_attack_survey_report_dated_before_the_scheduled_visit_is_refused(client, officers, register):
    """Scheduled for tomorrow, reported today as visited today: "survey done" would precede the visit."""
    app = register(now=timezone.now())
    task = survey_task(officers, app)
    today = timezone.localdate()
    wf.task_schedule_survey(
        actor=officers["surveyor"], task_id=task.pk, payload={"visit_date": (today + timedelta(days=1)).isoformat()}
    )
    client.force_login(officers["surveyor"])
    res = client.post(f"/kerja/tugas/{task.pk}/selesai/", report(today.isoformat()))
    assert res.status_code == 422
    assert "Tanggal kunjungan tidak boleh sebelum jadwal survei" in res.content.decode()
    task.refresh_from_db()
    assert task.state == "claimed"
    # the visit happens on the scheduled day: reported then, it is accepted
    later = timezone.now() + timedelta(days=1)
    wf.task_complete(
        actor=officers["surveyor"], task_id=task.pk, payload=report((today + timedelta(days=1)).isoformat()), now=later
    )
    assert Task.objects.get(pk=task.pk).state == "done"


def test_survey_report_without_a_schedule_is_not_dated_before_the_step_opened(officers, register):
    app = register(now=MONDAY)
    task = survey_task(officers, app, now=MONDAY)
    wednesday = MONDAY + timedelta(days=2)
    with pytest.raises(ServiceError) as refused:
        wf.task_complete(actor=officers["surveyor"], task_id=task.pk, payload=report("2026-11-20"), now=wednesday)
    assert "sebelum langkah survei dimulai (2026-11-23)" in refused.value.fields["visit_date"]
    wf.task_complete(actor=officers["surveyor"], task_id=task.pk, payload=report("2026-11-24"), now=wednesday)
    assert Task.objects.get(pk=task.pk).payload["visit_date"] == "2026-11-24"
    assert wednesday.astimezone(JKT).date() == datetime.date(2026, 11, 25)
