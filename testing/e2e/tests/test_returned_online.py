"""An applicant without SMS credit fixes a returned file from a 360x640 phone, and Back and reload after
tracking just show the page again (issue 20: browser journeys). The verifier returns the file in the
browser, the applicant tracks it, uploads the corrected scan with the PIN, and the desk takes the file
back into processing in one action."""

import pytest
from playwright.sync_api import expect

from testing.e2e.journey import CHROMIUM, Journey, horizontal_overflow
from testing.e2e.tests.test_journey import TDUP_DATA, claim, notice, register, track

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]

# The smallest file the upload check takes for a PDF (it reads the magic bytes, not the name).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_applicant_fixes_a_returned_file_online_from_a_phone_and_back_just_works(journey: Journey, tmp_path):
    j = journey
    number, pin = register(j, "Tanda Daftar Usaha Pariwisata (TDUP)", TDUP_DATA)

    verifier = claim(j, "verifier", number)
    back = verifier.locator("details").filter(has_text="Waktu layanan dijeda")
    back.locator("summary").click()
    back.get_by_label("Yang harus dilengkapi atau diperbaiki (satu per baris)").fill("KTP pemohon terbaca jelas")
    back.get_by_role("button", name="Kembalikan ke pemohon").click()
    expect(notice(verifier)).to_contain_text("dikembalikan ke pemohon")

    phone = j.phone()
    track(j, phone, number, pin)
    assert phone.url.endswith(f"/lacak/{number}/"), phone.url  # the POST answered with a redirect to a GET page
    assert pin not in phone.url
    # Back to the form and forward again, then reload: plain GETs, no "confirm form resubmission".
    phone.go_back()
    phone.go_forward()
    again = phone.reload()
    assert again is not None and again.request.method == "GET" and again.status == 200
    expect(phone.get_by_role("heading", name="Status permohonan")).to_be_visible()

    fix = phone.locator("section", has=phone.get_by_role("heading", name="Kirim perbaikan secara online"))
    expect(fix).to_be_visible()
    scan = tmp_path / "ktp.pdf"
    scan.write_bytes(PDF)
    fix.locator("input[type=file]").first.set_input_files(str(scan))
    fix.get_by_label("Catatan untuk petugas (boleh kosong)").fill("KTP dipindai ulang")
    fix.get_by_label("PIN (6 angka)").fill(pin)
    fix.get_by_role("button", name="Kirim perbaikan").click()
    expect(phone.get_by_text("Sudah dikirim")).to_be_visible()
    assert phone.url.endswith(f"/lacak/{number}/")
    assert horizontal_overflow(phone) <= 0, "the tracking page scrolls sideways on a 360 px phone"
    j.shot(phone, "applicant-correction-sent")

    desk = j.officer("frontdesk")
    desk.goto(j.url("/kerja/"))
    row = desk.get_by_role("row").filter(has_text=number)
    expect(row.first).to_contain_text("perbaikan diterima online")
    expect(row.first.get_by_role("link").first).to_be_visible()  # the scan opens from the queue
    row.first.get_by_role("button", name="Terima perbaikan dan lanjutkan").click()

    track(j, phone, number, pin)
    expect(phone.get_by_role("heading", name="Kirim perbaikan secara online")).to_have_count(0)
    assert j.problems == []
