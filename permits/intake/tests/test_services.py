import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from permits.conftest import VALID_APPLICANT, make_permit_type, make_user
from permits.core.errors import ServiceError
from permits.core.models import AuditEvent
from permits.intake.models import IncompleteAttempt
from permits.intake.pins import pin_matches
from permits.intake.services import application_register, application_reset_pin
from permits.workflow.models import Application

JKT = ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.django_db


def register(officer, **kw):
    args = dict(
        officer=officer,
        permit_type_code="TEST",
        applicant=dict(VALID_APPLICANT),
        data={"luas": "120,5", "lantai": "2", "fungsi": "Hunian"},
        documents_received=["ktp", "sertifikat"],
    )
    args.update(kw)
    return application_register(**args)


def test_complete_file_gets_number_pin_promised_date_and_audit(permit_type, frontdesk):
    now = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=JKT)  # a Monday
    reg = register(frontdesk, now=now)
    app = reg.application
    assert app.registration_number == "2026-000001"
    assert len(reg.pin) == 6 and reg.pin.isdigit()
    assert pin_matches(app.registration_number, reg.pin, app.pin_hash)
    assert reg.pin not in app.pin_hash
    # 10 working days from Monday 23 Nov 09:00 -> Monday 7 Dec 09:00 (no holidays in between)
    assert app.promised_completion_at.astimezone(JKT) == datetime.datetime(2026, 12, 7, 9, 0, tzinfo=JKT)
    assert app.applicant.phone == "+6281211112201"
    assert app.data == {"luas": "120.5", "lantai": 2, "fungsi": "Hunian"}
    event = AuditEvent.objects.get(action="application.register")
    assert event.actor == frontdesk and event.after["registration_number"] == "2026-000001"
    assert sorted(app.documents.values_list("requirement__code", flat=True)) == ["ktp", "sertifikat"]


def test_numbers_are_sequential_per_year_and_restart_each_year(permit_type, frontdesk):
    n1 = register(frontdesk, now=datetime.datetime(2026, 12, 30, 10, tzinfo=JKT)).application.registration_number
    n2 = register(frontdesk, now=datetime.datetime(2026, 12, 31, 10, tzinfo=JKT)).application.registration_number
    n3 = register(frontdesk, now=datetime.datetime(2027, 1, 4, 10, tzinfo=JKT)).application.registration_number
    assert [n1, n2, n3] == ["2026-000001", "2026-000002", "2027-000001"]


def test_incomplete_file_is_refused_counted_and_registers_nothing(permit_type, frontdesk):
    with pytest.raises(ServiceError) as exc:
        register(frontdesk, documents_received=["ktp"])
    assert exc.value.status == 422 and exc.value.code == "incomplete"
    assert exc.value.details["missing"] == ["sertifikat"]
    assert "Sertifikat tanah" in exc.value.message
    assert Application.objects.count() == 0
    assert IncompleteAttempt.objects.get().missing == ["sertifikat"]
    # the refused attempt did not consume a number: the next complete file is still 000001
    assert register(frontdesk).application.registration_number.endswith("-000001")


def test_optional_requirement_is_not_needed_for_completeness(permit_type, frontdesk):
    assert register(frontdesk, documents_received=["sertifikat", "ktp"]).application.pk


def test_bad_fields_are_each_named(permit_type, frontdesk):
    bad = dict(VALID_APPLICANT, nik="123", phone="12", email="not-an-email", kind="company")
    with pytest.raises(ServiceError) as exc:
        register(
            frontdesk,
            applicant=bad,
            data={"luas": "-5", "lantai": "x", "fungsi": "Hunian"},
            documents_received=["ktp", "sertifikat", "nope"],
        )
    assert set(exc.value.fields) == {
        "applicant.nik",
        "applicant.phone",
        "applicant.email",
        "applicant.nib",
        "applicant.company_name",
        "data.luas",
        "data.lantai",
        "documents_received.nope",
    }
    assert Application.objects.count() == 0


def test_unknown_permit_type_is_refused(permit_type, frontdesk):
    with pytest.raises(ServiceError) as exc:
        register(frontdesk, permit_type_code="NOPE")
    assert exc.value.fields == {"permit_type": "Jenis izin tidak dikenal."}


def test_only_front_desk_may_register(permit_type, verifier):
    with pytest.raises(ServiceError) as exc:
        register(verifier)
    assert exc.value.status == 403
    assert Application.objects.count() == 0


def test_scans_are_checked_by_content_not_name(permit_type, frontdesk):
    fake = SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(ServiceError) as exc:
        register(frontdesk, files={"ktp": fake})
    assert "files.ktp" in exc.value.fields
    real = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%...", content_type="application/octet-stream")
    app = register(frontdesk, files={"ktp": real}).application
    doc = app.documents.get(requirement__code="ktp")
    assert doc.file and doc.content_type == "application/pdf"


def test_reset_pin_replaces_the_old_pin(permit_type, frontdesk):
    reg = register(frontdesk)
    new_pin = application_reset_pin(officer=frontdesk, application=reg.application)
    app = Application.objects.get(pk=reg.application.pk)
    assert pin_matches(app.registration_number, new_pin, app.pin_hash)
    assert new_pin == reg.pin or not pin_matches(app.registration_number, reg.pin, app.pin_hash)
    assert AuditEvent.objects.filter(action="application.reset_pin").count() == 1


def test_audit_events_of_an_application_are_chained(permit_type, frontdesk):
    reg = register(frontdesk)
    application_reset_pin(officer=frontdesk, application=reg.application)
    events = list(AuditEvent.objects.filter(stream=f"intake.application:{reg.application.pk}").order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[-1].action == "application.reset_pin"
    for prev, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == prev.hash


def test_second_permit_type_has_its_own_requirements(frontdesk):
    make_permit_type("TEST")
    make_permit_type("FREE", survey_policy="never", has_levy=False)
    make_user("frontdesk")
    assert register(frontdesk, permit_type_code="FREE").application.permit_type.code == "FREE"
