"""Walking applications through their procedure produces the right messages, in order."""

import datetime
from datetime import timedelta

import pytest

from permits.notifications.events import date_id, notify_transition
from permits.notifications.models import Message
from permits.notifications.rendering import SMS_LIMIT, sms_length
from permits.notifications.selectors import application_messages
from permits.workflow import services as wf
from permits.workflow.models import Task

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def active(app) -> Task:
    return Task.objects.get(application=app, state__in=Task.ACTIVE_STATES)


def complete(officers, app, role, payload=None, now=MONDAY):
    task = active(app)
    wf.task_claim(actor=officers[role], task_id=task.pk, now=now)
    return wf.task_complete(actor=officers[role], task_id=task.pk, payload=payload or {}, now=now)


def templates(app) -> list[str]:
    return [m.template for m in reversed(application_messages(app))]


def test_a_walk_through_the_procedure_tells_the_applicant_each_thing_once(officers, register):
    app = register("WALK", has_levy=False)
    complete(officers, app, "verifier", {"documents_valid": True, "survey_required": True})
    survey = active(app)
    visit = (MONDAY + timedelta(days=2)).date()
    wf.task_schedule_survey(
        actor=officers["surveyor"], task_id=survey.pk, payload={"visit_date": visit.isoformat()}, now=MONDAY
    )
    after_visit = MONDAY + timedelta(days=2, hours=5)  # a visit is reported once it took place
    wf.task_complete(
        actor=officers["surveyor"],
        task_id=survey.pk,
        payload={"visit_date": visit.isoformat(), "findings": "Sesuai", "result": "pass"},
        now=after_visit,
    )
    complete(officers, app, "data_entry", {"data": {"luas": "120", "lantai": "2", "fungsi": "Hunian"}}, after_visit)
    complete(officers, app, "technical", {"recommendation": "approve", "reasons": "Memenuhi syarat"}, after_visit)
    complete(officers, app, "supervisor", {"decision": "approve"}, after_visit)
    complete(officers, app, "head", {}, after_visit)
    handover = {"collected_by": "Siti", "relation": "holder", "id_number": "3271046504870002"}
    complete(officers, app, "frontdesk", handover, after_visit)
    app.refresh_from_db()
    assert app.status == "collected"
    assert templates(app) == ["registration_receipt", "survey_scheduled", "decree_ready", "survey_invitation"]
    by_template = {m.template: m for m in application_messages(app)}
    assert "Rabu, 25/11/2026" in by_template["survey_scheduled"].text
    assert "/survei/" in by_template["survey_invitation"].text  # the satisfaction survey, after handover
    decree = by_template["decree_ready"]
    assert decree.essential and "Jl. Merdeka No. 1" in decree.text and "Senin-Jumat" in decree.text
    assert all(m.channel == "whatsapp" and m.recipient == "+6281211112201" for m in by_template.values())


def test_returned_for_correction_lists_what_to_bring(officers, register):
    app = register()
    task = active(app)
    wf.task_claim(actor=officers["verifier"], task_id=task.pk, now=MONDAY)
    wf.task_return(
        actor=officers["verifier"],
        task_id=task.pk,
        items=["Sertifikat tanah dilegalisir", "Surat kuasa bermeterai"],
        now=MONDAY,
    )
    msg = application_messages(app)[0]
    assert msg.template == "returned"
    assert "Sertifikat tanah dilegalisir; Surat kuasa bermeterai" in msg.text


def test_rejection_tells_the_reason_and_is_essential(officers, register):
    app = register()
    wf.task_reject(actor=officers["verifier"], task_id=active(app).pk, reason_code="tata-ruang", text="Zona hijau")
    msg = application_messages(app)[0]
    assert msg.template == "rejected" and msg.essential
    assert "Tidak sesuai tata ruang. Zona hijau" in msg.text


def test_payment_received_shows_the_amount_in_rupiah(register):
    app = register()
    notify_transition(app, "paid", after={"amount": "1300000"})
    assert "Rp 1.300.000" in application_messages(app)[0].text
    notify_transition(app, "paid", after={"amount": "1300000"})  # a repeated event sends nothing new
    assert Message.objects.filter(application=app, template="payment_received").count() == 1


def test_events_that_concern_only_officers_send_nothing(register):
    app = register()
    for event in ("start", "resubmit", "await_payment", "approve", "rework", "collect"):
        notify_transition(app, event, after={})
    assert templates(app) == ["registration_receipt"]


def test_every_message_of_an_application_with_long_data_fits_one_sms(officers, register, settings):
    settings.PUBLIC_BASE_URL = "https://perizinan.kotacontohsejahtera.go.id"
    settings.NOTIFY_PICKUP_PLACE = "Loket 3 Gedung B, Jl. Jenderal Sudirman No. 101, Kota Contoh Sejahtera"
    settings.OFFICE_HOURS = "Senin-Kamis 08.00-15.30, Jumat 08.00-11.00 WIB"
    app = register()
    app.applicant.channel = "sms"
    app.applicant.name = "Raden Ajeng Siti Nur’aini Kusumawardhani Putri Ayu"
    app.applicant.save()
    notify_transition(app, "issue_decree", after={})
    app.rejection_note = "Bangunan berada di sempadan sungai; " * 10
    notify_transition(app, "reject", after={})
    app.return_items = ["Gambar denah lantai 1 dan 2 yang ditandatangani arsitek bersertifikat"] * 3
    notify_transition(app, "return", after={})
    for msg in application_messages(app):
        assert sms_length(msg.text) <= SMS_LIMIT, (msg.template, sms_length(msg.text), msg.text)


def test_dates_are_told_with_the_indonesian_day_name():
    assert date_id("2026-11-30") == "Senin, 30/11/2026"
    assert date_id(datetime.date(2026, 12, 6)) == "Minggu, 06/12/2026"
