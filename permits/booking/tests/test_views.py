import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from permits.booking.models import Booking
from permits.conftest import VALID_APPLICANT, make_user
from permits.workflow.models import Application

from .conftest import EXE_BYTES, PDF_BYTES, pdf, png

pytestmark = pytest.mark.django_db


def form(**files):
    post = {f"applicant.{k}": v for k, v in VALID_APPLICANT.items()}
    post.update({"data.luas": "120", "data.lantai": "2", "data.fungsi": "Hunian"})
    post.update({f"file.{code}": f for code, f in files.items()})
    return post


def test_public_chooses_permit_type_and_sees_upload_form(client, permit_type):
    start = client.get("/daftar-online/").content.decode()
    assert "Izin Uji TEST" in start and "/daftar-online/TEST/" in start
    page = client.get("/daftar-online/TEST/").content.decode()
    assert 'type="file"' in page and 'name="file.sertifikat"' in page and 'accept=".pdf,.jpg,.jpeg,.png"' in page
    assert client.get("/daftar-online/NOPE/").status_code == 404


def test_public_booking_with_pdf_and_png_shows_code_and_instructions(client, permit_type):
    res = client.post("/daftar-online/TEST/", form(ktp=png(), sertifikat=pdf()))
    booking = Booking.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/daftar-online/kode/{booking.code}/"
    page = client.get(res["Location"]).content.decode()
    assert booking.code_display in page and "Bawa dokumen asli ke loket sebelum" in page
    assert "sertifikat tanah.pdf" in page
    # the proof page belongs to the browser that booked: a stranger with the code sees nothing
    assert Client().get(res["Location"]).status_code == 404


def test_public_form_refuses_disguised_executable_with_message(client, permit_type):
    fake = SimpleUploadedFile("ktp.pdf", EXE_BYTES, content_type="application/pdf")
    res = client.post("/daftar-online/TEST/", form(ktp=fake, sertifikat=pdf()))
    html = res.content.decode()
    assert res.status_code == 422 and "Jenis berkas tidak diterima" in html and "KTP pemohon" in html
    assert f'value="{VALID_APPLICANT["name"]}"' in html.replace("&#x27;", "'")  # the typed data is kept
    assert Booking.objects.count() == 0


def test_public_form_refuses_oversized_file_with_message(client, permit_type):
    big = SimpleUploadedFile("sertifikat.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024))
    res = client.post("/daftar-online/TEST/", form(sertifikat=big))
    assert res.status_code == 422 and "Berkas terlalu besar (maks. 5 MB)" in res.content.decode()
    assert Booking.objects.count() == 0


def test_body_over_the_total_limit_is_refused_before_it_is_read(client, permit_type, settings):
    settings.BOOKING_MAX_TOTAL_BYTES = 1024
    big = SimpleUploadedFile("sertifikat.pdf", b"%PDF-1.4\n" + b"0" * (300 * 1024))
    res = client.post("/daftar-online/TEST/", form(sertifikat=big))
    assert res.status_code == 413 and "terlalu besar" in res.content.decode()
    assert Booking.objects.count() == 0


def test_public_form_is_csrf_protected(permit_type):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/daftar-online/TEST/", form(ktp=png())).status_code == 403
    assert Booking.objects.count() == 0


def test_booking_creation_is_throttled_per_client(permit_type, settings):
    settings.BOOKING_THROTTLE_LIMIT = 2
    one = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        assert one.post("/daftar-online/TEST/", form(ktp=png())).status_code == 302
    refused = one.post("/daftar-online/TEST/", form(ktp=png()))
    assert refused.status_code == 429 and "Terlalu banyak booking" in refused.content.decode()
    assert Booking.objects.count() == 2
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post("/daftar-online/TEST/", form(ktp=png())).status_code == 302


def test_invalid_attempts_do_not_use_up_the_quota(client, permit_type, settings):
    settings.BOOKING_THROTTLE_LIMIT = 1
    for _ in range(3):
        assert client.post("/daftar-online/TEST/", {**form(), "applicant.nik": "1"}).status_code == 422
    assert client.post("/daftar-online/TEST/", form()).status_code == 302


def test_throttle_reads_the_configured_proxy_header(permit_type, settings):
    settings.BOOKING_THROTTLE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert proxy.post("/daftar-online/TEST/", form(), HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.1").status_code == 302
    # a forged first hop does not make a new client: the proxy's own (last) entry counts
    assert proxy.post("/daftar-online/TEST/", form(), HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.1").status_code == 429
    assert proxy.post("/daftar-online/TEST/", form(), HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_front_desk_opens_ticks_and_registers_booking_to_receipt(client, frontdesk, booking):
    client.force_login(frontdesk)
    assert 'action="/loket/booking/"' in client.get("/loket/").content.decode()
    opened = client.get("/loket/booking/", {"code": booking.code_display.lower()})
    assert opened.status_code == 302 and opened["Location"] == f"/loket/booking/{booking.code}/"
    page = client.get(opened["Location"]).content.decode()
    assert VALID_APPLICANT["address"] in page and "120.5" in page and "sertifikat tanah.pdf" in page
    doc = booking.documents.get(requirement__code="sertifikat")
    assert f"/loket/booking/{booking.code}/dokumen/{doc.pk}/" in page
    res = client.post(opened["Location"], {"doc.ktp": "1", "doc.sertifikat": "1"})
    app = Application.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/loket/tanda-terima/{app.registration_number}/"
    receipt = client.get(res["Location"]).content.decode()
    assert receipt.split('class="pin">')[1][:6].isdigit()
    assert {d.requirement.code for d in app.documents.all() if d.file} == {"ktp", "sertifikat"}
    booking.refresh_from_db()
    assert booking.status == "registered" and booking.application == app
    again = client.post(opened["Location"], {"doc.ktp": "1", "doc.sertifikat": "1"})
    assert again.status_code == 409 and "sudah didaftarkan" in again.content.decode()
    assert Application.objects.count() == 1


def test_front_desk_gets_printable_missing_list_for_incomplete_booking(client, frontdesk, booking):
    client.force_login(frontdesk)
    res = client.post(f"/loket/booking/{booking.code}/", {"doc.ktp": "1"})
    html = res.content.decode()
    assert res.status_code == 422 and "Berkas belum lengkap" in html and "Sertifikat tanah" in html
    booking.refresh_from_db()
    assert booking.status == "open"


def test_expired_booking_is_refused_at_the_desk_with_a_message(client, frontdesk, booking):
    Booking.objects.filter(pk=booking.pk).update(expires_at=booking.created_at)
    client.force_login(frontdesk)
    page = client.get(f"/loket/booking/{booking.code}/").content.decode()
    assert "sudah kedaluwarsa" in page and "Periksa kelengkapan" not in page
    res = client.post(f"/loket/booking/{booking.code}/", {"doc.ktp": "1", "doc.sertifikat": "1"})
    assert res.status_code == 409 and "kedaluwarsa" in res.content.decode()
    assert Application.objects.count() == 0


def test_unknown_booking_code_at_the_desk(client, frontdesk, permit_type):
    client.force_login(frontdesk)
    res = client.get("/loket/booking/ZZZZZZZZ/")
    assert res.status_code == 404 and "tidak ditemukan" in res.content.decode()


def test_booking_desk_pages_refuse_other_roles_and_anonymous(client, verifier, booking):
    assert client.get(f"/loket/booking/{booking.code}/").status_code == 302  # to login
    client.force_login(verifier)
    assert client.get(f"/loket/booking/{booking.code}/").status_code == 403
    assert client.post(f"/loket/booking/{booking.code}/", {"doc.ktp": "1"}).status_code == 403


def test_document_download_only_for_officers(client, verifier, booking):
    doc = booking.documents.get(requirement__code="sertifikat")
    url = f"/loket/booking/{booking.code}/dokumen/{doc.pk}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/masuk/" in anonymous["Location"]
    client.force_login(make_user())  # an account without an office role
    assert client.get(url).status_code == 403
    client.force_login(verifier)
    res = client.get(url)
    assert res.status_code == 200 and b"".join(res.streaming_content) == PDF_BYTES
    assert res["Content-Type"] == "application/pdf" and res["X-Content-Type-Options"] == "nosniff"
    assert res["Content-Disposition"].startswith("inline") and "sertifikat tanah.pdf" in res["Content-Disposition"]
    attachment = client.get(url + "?unduh=1")
    assert attachment["Content-Disposition"].startswith("attachment")
    assert client.get(f"/loket/booking/AAAAAAAA/dokumen/{doc.pk}/").status_code == 404  # wrong booking


# --- a booking is reserved before the form is read (issue 16) ------------------------------------


def test_posts_refused_for_size_or_csrf_do_not_use_up_the_quota(permit_type, settings):
    settings.BOOKING_THROTTLE_LIMIT = 1
    settings.BOOKING_MAX_TOTAL_BYTES = 1024
    one = Client(REMOTE_ADDR="203.0.113.20")
    big = form(ktp=SimpleUploadedFile("ktp.pdf", PDF_BYTES + b"0" * 300_000, content_type="application/pdf"))
    assert one.post("/daftar-online/TEST/", big).status_code == 413
    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.20")
    assert strict.post("/daftar-online/TEST/", form()).status_code == 403
    assert one.post("/daftar-online/TEST/", form()).status_code == 302


def test_attack_overlapping_booking_posts_create_at_most_the_limit(permit_type, settings, monkeypatch):
    """A post that arrives while another is being created (as one on another thread would) finds the
    other's booking already counted."""
    from permits.booking import views

    settings.BOOKING_THROTTLE_LIMIT = 1
    real_create = views.booking_create
    overlapping = []

    def create_and_overlap(**kwargs):
        if not overlapping:
            overlapping.append(None)
            overlapping[0] = Client(REMOTE_ADDR="203.0.113.30").post("/daftar-online/TEST/", form()).status_code
        return real_create(**kwargs)

    monkeypatch.setattr(views, "booking_create", create_and_overlap)
    assert Client(REMOTE_ADDR="203.0.113.30").post("/daftar-online/TEST/", form()).status_code == 302
    assert overlapping == [429]
    assert Booking.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_attack_parallel_booking_posts_create_at_most_the_limit(counter_store_kind, permit_type, settings):
    from permits.core.tests.throttling import in_parallel, needs_postgres

    needs_postgres()
    settings.BOOKING_THROTTLE_LIMIT = 3
    answers = in_parallel(20, lambda i: Client(REMOTE_ADDR="203.0.113.40").post("/daftar-online/TEST/", form()))
    assert sorted(a.status_code for a in answers) == [302] * 3 + [429] * 17
    assert Booking.objects.count() == 3


def test_online_booking_names_the_wrong_part_of_a_nik(client, permit_type):
    res = client.post("/daftar-online/TEST/", {**form(), "applicant.nik": "6671046504870002"})
    assert res.status_code == 422
    assert "kode provinsi 66 tidak ada" in res.content.decode()
    assert Booking.objects.count() == 0
