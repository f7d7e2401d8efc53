import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from permits.booking import tasks
from permits.booking.models import CODE_ALPHABET, Booking
from permits.booking.services import booking_code_normalise, booking_create, booking_expire_due, booking_register
from permits.conftest import VALID_APPLICANT, make_user
from permits.core.errors import ServiceError
from permits.core.models import AuditEvent
from permits.intake.models import IncompleteAttempt
from permits.workflow.models import Application

from .conftest import DATA, EXE_BYTES, PDF_BYTES, PNG_BYTES, pdf, png

pytestmark = pytest.mark.django_db


def create(files, **kwargs):
    return booking_create(
        permit_type_code="TEST", applicant=dict(VALID_APPLICANT), data=dict(DATA), files=files, **kwargs
    )


def stored_files(path="bookings") -> set[str]:
    if not default_storage.exists(path):
        return set()
    dirs, files = default_storage.listdir(path)
    return {f"{path}/{f}" for f in files}.union(*(stored_files(f"{path}/{d}") for d in dirs))


def test_booking_create_gives_unambiguous_code_and_stores_checked_scans_under_random_names(permit_type):
    booking = create({"ktp": png("KTP Siti.png"), "sertifikat": pdf("../../etc/passwd.pdf")})
    assert len(booking.code) == 8 and set(booking.code) <= set(CODE_ALPHABET)
    assert not set(booking.code) & set("0O1I")
    assert booking.status == "open"
    assert booking.expires_at - booking.created_at == datetime.timedelta(days=14)
    assert booking.applicant["phone"] == "+6281211112201" and booking.data["luas"] == "120.5"
    docs = {d.requirement.code: d for d in booking.documents.all()}
    assert docs["ktp"].content_type == "image/png" and docs["sertifikat"].content_type == "application/pdf"
    assert docs["sertifikat"].original_name == "passwd.pdf" and docs["ktp"].original_name == "KTP Siti.png"
    for doc, raw in ((docs["ktp"], PNG_BYTES), (docs["sertifikat"], PDF_BYTES)):
        assert doc.file.name.startswith("bookings/") and "Siti" not in doc.file.name and "passwd" not in doc.file.name
        assert doc.size == len(raw) and len(doc.sha256) == 64
        with doc.file.open("rb") as fh:
            assert fh.read() == raw
    event = AuditEvent.objects.get(action="booking.create")
    assert event.actor is None and event.actor_label == "publik" and event.object_id == str(booking.pk)


def test_booking_create_refuses_disguised_executable_and_stores_nothing(permit_type):
    fake = SimpleUploadedFile("ktp.pdf", EXE_BYTES, content_type="application/pdf")
    before = stored_files()
    with pytest.raises(ServiceError) as exc:
        create({"ktp": fake, "sertifikat": pdf()})
    assert exc.value.status == 422 and "Jenis berkas tidak diterima" in exc.value.fields["files.ktp"]
    assert Booking.objects.count() == 0 and stored_files() == before


def test_booking_create_refuses_oversized_file(permit_type):
    big = SimpleUploadedFile("sertifikat.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024))
    with pytest.raises(ServiceError) as exc:
        create({"sertifikat": big})
    assert "terlalu besar" in exc.value.fields["files.sertifikat"]
    assert Booking.objects.count() == 0


def test_booking_create_limits_total_upload_size(permit_type, settings):
    settings.BOOKING_MAX_TOTAL_BYTES = len(PDF_BYTES) + len(PNG_BYTES) - 1
    with pytest.raises(ServiceError) as exc:
        create({"ktp": png(), "sertifikat": pdf()})
    assert "Ukuran semua berkas" in exc.value.fields["files"]
    assert create({"sertifikat": pdf()}).documents.count() == 1


def test_booking_create_validates_applicant_and_object_data_like_the_front_desk(permit_type):
    with pytest.raises(ServiceError) as exc:
        booking_create(
            permit_type_code="TEST",
            applicant={**VALID_APPLICANT, "nik": "123"},
            data={"luas": "0", "lantai": "2", "fungsi": "Pabrik"},
        )
    assert set(exc.value.fields) == {"applicant.nik", "data.luas", "data.fungsi"}


def test_booking_code_normalise_accepts_what_people_type():
    assert booking_code_normalise(" abcd-efgh ") == "ABCDEFGH"


def test_front_desk_registers_booking_with_its_scans_and_marks_it_registered(
    booking, frontdesk, django_capture_on_commit_callbacks
):
    names = [d.file.name for d in booking.documents.all()]
    with django_capture_on_commit_callbacks(execute=True):
        reg = booking_register(
            officer=frontdesk, code=booking.code_display.lower(), documents_seen=["ktp", "sertifikat"]
        )
    app = reg.application
    assert app.registration_number and len(reg.pin) == 6 and app.registered_by == frontdesk
    assert app.applicant.name == VALID_APPLICANT["name"] and app.data["luas"] == "120.5"
    docs = {d.requirement.code: d for d in app.documents.all()}
    assert set(docs) == {"ktp", "sertifikat"}
    assert docs["sertifikat"].content_type == "application/pdf" and docs["ktp"].content_type == "image/png"
    with docs["sertifikat"].file.open("rb") as fh:
        assert fh.read() == PDF_BYTES
    booking.refresh_from_db()
    assert booking.status == "registered" and booking.application == app and booking.registered_at
    # the application holds the scans now; the booking's copies are gone
    assert not any(d.file for d in booking.documents.all())
    assert not any(default_storage.exists(n) for n in names)
    event = AuditEvent.objects.get(action="booking.register")
    assert event.actor == frontdesk and event.after["registration_number"] == app.registration_number


def test_registering_a_booking_twice_is_refused(booking, frontdesk):
    booking_register(officer=frontdesk, code=booking.code, documents_seen=["ktp", "sertifikat"])
    with pytest.raises(ServiceError) as exc:
        booking_register(officer=frontdesk, code=booking.code, documents_seen=["ktp", "sertifikat"])
    assert exc.value.code == "booking_registered" and exc.value.status == 409
    assert Application.objects.count() == 1


def test_incomplete_booking_is_refused_counted_and_stays_open(booking, frontdesk):
    with pytest.raises(ServiceError) as exc:
        booking_register(officer=frontdesk, code=booking.code, documents_seen=["ktp"])
    assert exc.value.code == "incomplete" and exc.value.details["missing"] == ["sertifikat"]
    assert IncompleteAttempt.objects.count() == 1 and Application.objects.count() == 0
    booking.refresh_from_db()
    assert booking.status == "open" and all(d.file for d in booking.documents.all())


def test_scan_of_an_unticked_requirement_is_not_attached(permit_type, frontdesk):
    booking = create({"ktp": png(), "kuasa": pdf("kuasa.pdf")})
    reg = booking_register(officer=frontdesk, code=booking.code, documents_seen=["ktp", "sertifikat"])
    docs = {d.requirement.code: d for d in reg.application.documents.all()}
    assert set(docs) == {"ktp", "sertifikat"} and docs["ktp"].file and not docs["sertifikat"].file


def test_decimal_object_data_survives_the_round_trip(permit_type, frontdesk):
    booking = booking_create(
        permit_type_code="TEST",
        applicant=dict(VALID_APPLICANT),
        data={"luas": "1,234", "lantai": "2", "fungsi": "Hunian"},  # 1.234 m2, Indonesian decimal comma
    )
    assert booking.data["luas"] == "1.234"
    reg = booking_register(officer=frontdesk, code=booking.code, documents_seen=["ktp", "sertifikat"])
    assert reg.application.data["luas"] == "1.234"  # not read back as 1234


def test_expired_booking_is_refused_even_before_the_sweep(booking, frontdesk):
    later = booking.expires_at + datetime.timedelta(minutes=1)
    with pytest.raises(ServiceError) as exc:
        booking_register(officer=frontdesk, code=booking.code, documents_seen=["ktp", "sertifikat"], now=later)
    assert exc.value.code == "booking_expired"


def test_only_front_desk_registers_bookings(booking, verifier):
    with pytest.raises(ServiceError) as exc:
        booking_register(officer=verifier, code=booking.code, documents_seen=["ktp", "sertifikat"])
    assert exc.value.status == 403


def test_unknown_booking_code_is_not_found(permit_type, frontdesk):
    with pytest.raises(ServiceError) as exc:
        booking_register(officer=frontdesk, code="ZZZZZZZZ", documents_seen=[])
    assert exc.value.status == 404


def test_expiry_marks_due_bookings_expired_and_deletes_their_files(
    permit_type, frontdesk, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old = create({"ktp": png(), "sertifikat": pdf()}, now=now - datetime.timedelta(days=15))
    fresh = create({"ktp": png()}, now=now - datetime.timedelta(days=13))
    done = create({"ktp": png()}, now=now - datetime.timedelta(days=20))
    booking_register(officer=frontdesk, code=done.code, documents_seen=["ktp", "sertifikat"], now=done.created_at)
    old_names = [d.file.name for d in old.documents.all()]
    assert all(default_storage.exists(n) for n in old_names)
    with django_capture_on_commit_callbacks(execute=True):
        assert booking_expire_due(now=now) == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    done.refresh_from_db()
    assert (old.status, fresh.status, done.status) == ("expired", "open", "registered")
    assert not any(default_storage.exists(n) for n in old_names)
    assert not any(d.file for d in old.documents.all()) and old.documents.count() == 2  # metadata kept
    assert all(d.file and default_storage.exists(d.file.name) for d in fresh.documents.all())
    event = AuditEvent.objects.get(action="booking.expire")
    assert event.object_id == str(old.pk) and event.after["files_deleted"] == 2
    assert booking_expire_due(now=now) == 0  # nothing left to do


def test_expire_command_and_periodic_task_run_the_same_sweep(permit_type):
    past = timezone.now() - datetime.timedelta(days=30)
    first = create({"ktp": png()}, now=past)
    call_command("expire_bookings")
    first.refresh_from_db()
    assert first.status == "expired"
    second = create({"ktp": png()}, now=past)
    assert tasks.expire_bookings.call_local() == 1
    second.refresh_from_db()
    assert second.status == "expired"


def test_superuser_admin_can_register_booking(booking):
    admin = make_user()
    admin.is_superuser = True
    admin.save()
    assert booking_register(officer=admin, code=booking.code, documents_seen=["ktp", "sertifikat"]).pin
