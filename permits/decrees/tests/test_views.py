"""The pages: signing queue (one or a batch), revocation, public verification with the PDF check,
download with the PIN, draft preview."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from permits.core.models import AuditEvent
from permits.decrees import services
from permits.decrees.models import Decree
from permits.intake.pins import pin_hash

from .conftest import active, complete
from .test_issue import _tiny_pdf

pytestmark = pytest.mark.django_db
PIN = "482913"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def stored(decree: Decree) -> bytes:
    with default_storage.open(decree.file.name, "rb") as handle:
        return handle.read()


def with_pin(app):
    app.pin_hash = pin_hash(app.registration_number, PIN)
    app.save(update_fields=["pin_hash"])
    return app


def upload(client, decree, data: bytes, name="sk.pdf", **extra):
    url = reverse("decrees:verify", args=[decree.token])
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}, **extra)


# --- the head's signing queue -------------------------------------------------------------------


def test_queue_lists_waiting_decrees_and_signs_a_batch(client, officers, approved):
    first, second, third = approved(), approved(), approved()
    client.force_login(officers["head"])
    page = client.get(reverse("decrees:queue"))
    assert page.status_code == 200
    for app in (first, second, third):
        assert app.registration_number in page.content.decode()
    response = client.post(reverse("decrees:sign"), {"task": [active(first).pk, active(third).pk]}, follow=True)
    assert response.status_code == 200
    assert "2 SK ditandatangani" in response.content.decode()
    assert set(Decree.objects.values_list("application_id", flat=True)) == {first.pk, third.pk}
    second.refresh_from_db()
    assert second.status == "approved"


def test_batch_reports_a_failure_without_undoing_the_others(client, officers, approved):
    good, gone = approved(), approved()
    gone_task = active(gone).pk
    client.force_login(officers["head"])
    client.post(reverse("decrees:sign"), {"task": [gone_task]})  # signed once already
    response = client.post(reverse("decrees:sign"), {"task": [gone_task, active(good).pk]}, follow=True)
    text = response.content.decode()
    assert "1 SK ditandatangani" in text and "Gagal ditandatangani" in text
    assert Decree.objects.count() == 2


def test_only_the_head_may_sign_from_the_queue(client, officers, approved):
    app = approved()
    client.force_login(officers["supervisor"])
    assert client.get(reverse("decrees:queue")).status_code == 200  # may look
    assert client.post(reverse("decrees:sign"), {"task": [active(app).pk]}).status_code == 403
    client.force_login(officers["frontdesk"])
    assert client.get(reverse("decrees:queue")).status_code == 403
    assert not Decree.objects.exists()


def test_draft_preview_is_a_pdf_without_a_number(client, officers, approved):
    app = approved()
    client.force_login(officers["head"])
    response = client.get(reverse("decrees:draft", args=[active(app).pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert not Decree.objects.exists()


# --- revocation ---------------------------------------------------------------------------------


def test_head_revokes_from_the_decree_page_and_verification_shows_it(client, officers, issued):
    decree = Decree.objects.get(application=issued)
    verify = reverse("decrees:verify", args=[decree.token])
    assert "BERLAKU" in client.get(verify).content.decode()
    client.force_login(officers["head"])
    page = client.get(reverse("decrees:detail", args=[decree.pk]))
    assert page.status_code == 200 and "Cabut SK" in page.content.decode()
    refused = client.post(reverse("decrees:revoke", args=[decree.pk]), {"reason": ""})
    assert refused.status_code == 422 and "wajib" in refused.content.decode()
    client.post(reverse("decrees:revoke", args=[decree.pk]), {"reason": "Bangunan tidak sesuai izin"})
    client.logout()
    text = client.get(verify).content.decode()
    assert "DICABUT" in text and "Bangunan tidak sesuai izin" in text


def test_other_officers_cannot_revoke(client, officers, issued):
    decree = Decree.objects.get(application=issued)
    client.force_login(officers["supervisor"])
    assert client.post(reverse("decrees:revoke", args=[decree.pk]), {"reason": "x"}).status_code == 403
    decree.refresh_from_db()
    assert not decree.revoked


# --- public verification ------------------------------------------------------------------------


def test_verification_page_shows_the_public_facts(client, issued):
    decree = Decree.objects.get(application=issued)
    response = client.get(f"/verify/{decree.token}")  # the exact path printed in the QR
    text = response.content.decode()
    assert response.status_code == 200
    for fact in (decree.number, "Siti Nur&#x27;aini", "Izin Uji TEST", "Luas bangunan", decree.sha256, "BERLAKU"):
        assert fact in text
    assert "3271046504870002" not in text  # the NIK is not public
    assert decree.valid_until.strftime("%Y") in text


def test_qr_in_the_pdf_points_to_the_verification_page(issued, settings):
    decree = Decree.objects.get(application=issued)
    assert services.verify_url(decree.token) == f"{settings.PUBLIC_BASE_URL}/verify/{decree.token}"


def test_verification_shows_expired_after_valid_until(client, issued):
    decree = Decree.objects.get(application=issued)
    Decree.objects.filter(pk=decree.pk).update(valid_until=datetime.date(2020, 1, 1))
    assert "MASA BERLAKU HABIS" in client.get(f"/verify/{decree.token}").content.decode()


def test_unknown_token_is_404_with_a_clear_message(client, issued):
    response = client.get("/verify/not-a-real-token")
    assert response.status_code == 404 and "tidak dikenal" in response.content.decode()


def test_upload_of_the_issued_file_is_authentic(client, issued):
    decree = Decree.objects.get(application=issued)
    text = upload(client, decree, stored(decree)).content.decode()
    assert "ASLI" in text and "Sidik SHA-256 cocok" in text and "TIDAK ASLI" not in text


def _result_box(html: str) -> str:
    """The opening tag of the upload check's answer box (its class is its colour)."""
    return re.search(r'<div class="[^"]*" role="status" id="v-result">', html).group(0)


def test_attack_upload_of_a_revoked_decree_is_not_answered_genuine_alone(client, officers, issued):
    """Issue 16 item 8: the revoked decree's own file got the green "ASLI" box under the red DICABUT status."""
    decree = Decree.objects.get(application=issued)
    services.decree_revoke(actor=officers["head"], decree_id=decree.pk, reason="Bangunan tidak sesuai izin")
    text = upload(client, decree, stored(decree)).content.decode()
    assert "ASLI TETAPI DICABUT" in text and "tidak berlaku lagi" in text
    assert 'class="errors"' in _result_box(text) and 'class="notice"' not in _result_box(text)
    assert "ASLI: berkas ini sama persis" not in text and "Sidik SHA-256 cocok" in text
    client.cookies["django_language"] = "en"
    english = upload(client, decree, stored(decree)).content.decode()
    assert "GENUINE BUT REVOKED" in english and "AUTHENTIC:" not in english


def test_upload_of_an_expired_decree_says_genuine_but_expired(client, issued):
    decree = Decree.objects.get(application=issued)
    Decree.objects.filter(pk=decree.pk).update(valid_until=datetime.date(2020, 1, 1))
    text = upload(client, decree, stored(decree)).content.decode()
    assert "ASLI TETAPI MASA BERLAKU HABIS" in text and 'class="errors"' in _result_box(text)


def test_upload_of_the_issued_file_of_a_decree_in_force_gets_the_green_box(client, issued):
    decree = Decree.objects.get(application=issued)
    text = upload(client, decree, stored(decree)).content.decode()
    assert "ASLI: berkas ini sama persis" in text and 'class="notice"' in _result_box(text)


def test_upload_of_a_tampered_copy_fails_clearly(client, issued):
    decree = Decree.objects.get(application=issued)
    data = bytearray(stored(decree))
    at = data.find(b"/Author")
    data[at + 10] ^= 0x01
    text = upload(client, decree, bytes(data)).content.decode()
    assert "TIDAK ASLI" in text and "Sidik SHA-256 berbeda" in text and "tidak sah" in text


def test_upload_of_another_decree_is_not_this_one(client, officers, approved):
    one, two = approved(), approved()
    for app in (one, two):
        complete(officers, app, "head")
    first, second = Decree.objects.get(application=one), Decree.objects.get(application=two)
    text = upload(client, first, stored(second)).content.decode()
    assert "TIDAK COCOK" in text


def test_upload_of_an_unsigned_pdf_or_a_non_pdf(client, issued):
    decree = Decree.objects.get(application=issued)
    assert "TIDAK ASLI" in upload(client, decree, _tiny_pdf()).content.decode()
    response = upload(client, decree, b"\x89PNG\r\n\x1a\n" + b"0" * 100, name="sk.pdf")
    assert response.status_code == 422 and "bukan PDF" in response.content.decode()


def test_upload_size_limit(client, issued, settings):
    settings.DECREE_VERIFY_MAX_BYTES = 1024
    decree = Decree.objects.get(application=issued)
    assert upload(client, decree, b"%PDF-1.7\n" + b"0" * 2000).status_code == 413


def test_uploads_are_throttled_per_client_address(client, issued, settings):
    settings.DECREE_VERIFY_UPLOADS_PER_HOUR = 2
    decree = Decree.objects.get(application=issued)
    data = stored(decree)
    assert upload(client, decree, data).status_code == 200
    assert upload(client, decree, data).status_code == 200
    throttled = upload(client, decree, data)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert upload(client, decree, data, REMOTE_ADDR="10.9.9.9").status_code == 200  # another address


# --- download with the PIN ----------------------------------------------------------------------


def test_download_with_the_pin_returns_the_signed_file(client, issued):
    with_pin(issued)
    decree = Decree.objects.get(application=issued)
    url = reverse("portal:decree_download", args=[issued.registration_number])
    assert url == f"/lacak/{issued.registration_number}/sk.pdf"
    assert client.get(url).status_code == 200  # the PIN form
    response = client.post(url, {"pin": PIN})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stored(decree)
    assert "attachment" in response["Content-Disposition"]
    decree.refresh_from_db()
    assert decree.downloads == 1 and decree.first_downloaded_at
    assert AuditEvent.objects.filter(action="decree.download").count() == 1


def test_download_without_or_with_a_wrong_pin_is_refused(client, issued):
    with_pin(issued)
    url = reverse("portal:decree_download", args=[issued.registration_number])
    for data in ({}, {"pin": "000000"}):
        response = client.post(url, data)
        assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert Decree.objects.get(application=issued).downloads == 0


def test_download_is_throttled_with_the_tracking_limits(client, issued, settings):
    settings.TRACKING_MAX_FAILS_PER_NUMBER = 2
    with_pin(issued)
    url = reverse("portal:decree_download", args=[issued.registration_number])
    client.post(url, {"pin": "000000"})
    client.post(url, {"pin": "000001"})
    locked = client.post(url, {"pin": PIN})  # locked even for the right PIN
    assert locked.status_code == 429


def test_download_before_the_decree_or_when_switched_off(client, officers, approved, settings):
    app = with_pin(approved())
    url = reverse("portal:decree_download", args=[app.registration_number])
    assert client.post(url, {"pin": PIN}).status_code == 404
    settings.DECREE_DIGITAL_DELIVERY = False
    assert client.get(url).status_code == 404


def test_a_revoked_decree_is_not_downloadable(client, officers, issued):
    with_pin(issued)
    decree = Decree.objects.get(application=issued)
    services.decree_revoke(actor=officers["head"], decree_id=decree.pk, reason="Dicabut")
    response = client.post(reverse("portal:decree_download", args=[issued.registration_number]), {"pin": PIN})
    assert response.status_code == 409


def test_officer_file_and_detail_need_login(client, officers, issued):
    decree = Decree.objects.get(application=issued)
    assert client.get(reverse("decrees:file", args=[decree.pk])).status_code == 302
    client.force_login(officers["frontdesk"])
    response = client.get(reverse("decrees:file", args=[decree.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored(decree)
    assert re.search(r"SK-503-0001-TEST-DPMPTSP-2026\.pdf", response["Content-Disposition"])


# --- the download reserves its PIN guess like tracking (issue 16) ---------------------------------


def test_attack_overlapping_download_pin_guesses_compare_at_most_five(client, issued, monkeypatch):
    """Each download with a wrong PIN starts the next while its PIN is being compared (as a request on
    another thread would): the sixth finds the five before it counted and is refused."""
    from django.test import Client

    from permits.core.tests.throttling import Counted
    from permits.portal import selectors

    with_pin(issued)
    url = reverse("portal:decree_download", args=[issued.registration_number])
    compared = Counted(selectors.pin_matches)
    answers = []

    def compare_and_overlap(*args):
        if len(answers) < 10:
            mine = len(answers)
            answers.append(None)
            answers[mine] = Client().post(url, {"pin": "000000"}).status_code
        return compared(*args)

    monkeypatch.setattr(selectors, "pin_matches", compare_and_overlap)
    assert client.post(url, {"pin": "000001"}).status_code == 404
    assert compared.calls == 5
    assert answers == [404, 404, 404, 404, 429]
    assert Client().post(url, {"pin": PIN}).status_code == 429  # locked even for the right PIN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_attack_parallel_download_pin_guesses_compare_at_most_five(counter_store_kind, issued, monkeypatch):
    from django.test import Client

    from permits.core.tests.throttling import Counted, in_parallel, needs_postgres
    from permits.portal import selectors

    needs_postgres()
    with_pin(issued)
    url = reverse("portal:decree_download", args=[issued.registration_number])
    compared = Counted(selectors.pin_matches)
    monkeypatch.setattr(selectors, "pin_matches", compared)
    answers = in_parallel(60, lambda i: Client(REMOTE_ADDR=f"198.51.100.{i + 1}").post(url, {"pin": f"{i:06d}"}))
    assert compared.calls == 5
    assert sorted(a.status_code for a in answers) == [404] * 5 + [429] * 55
    assert Client().post(url, {"pin": PIN}).status_code == 429
    assert Decree.objects.get(application=issued).downloads == 0


def test_the_verify_page_names_the_signing_official(client, issued):
    decree = Decree.objects.get(application=issued)
    text = client.get(reverse("decrees:verify", args=[decree.token])).content.decode()
    assert "Dr. Ir. H. Ahmad Santoso, M.Si." in text
    assert "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu" in text
    assert "197203151998031004" in text
