"""The whole journey in a real browser: people click and type through the pages of a live server.

1. A building permit (PBG) with a field survey and a levy: the front desk registers it, the officers
   process it through the survey branch, the treasurer issues the SKRD, the applicant reads the
   virtual account on a phone and the bank simulator pays it, the supervisor approves, the head
   signs; the applicant tracks the file on a 360x640 phone, downloads the signed decree with the
   PIN and checks it on the verification page; the front desk records the handover.
2. A tourism registration (TDUP) rejected at verification: the applicant's tracking page gives the reason.

Every page is photographed in order (tmp dir, and var/e2e-screenshots/<test>/ for a developer to see).
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from permits.conftest import VALID_APPLICANT
from testing.e2e.journey import CHROMIUM, Journey, horizontal_overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]

PBG_DATA = {  # label on the form -> value typed or chosen
    "Luas tanah": "200",
    "Luas bangunan": "140",  # declared; the surveyor measures 150 m2 on site
    "Jumlah lantai": "2",
    "Fungsi bangunan": "Usaha",
    "Kompleksitas bangunan": "Tidak sederhana",
    "Permanensi bangunan": "Permanen",
    "Kepemilikan bangunan": "Perorangan/Badan usaha",
    "Jenis pembangunan": "Bangunan baru",
    "Alamat lokasi": "Jl. Pajajaran No. 12",
    "Kelurahan": "Baranangsiang",
}
# PP 16/2021 (docs/LEVY.md): 150 m2 (surveyed) x It 1,0815 x Ibg 1 x Ilo 0,005 x SHST Rp 5.800.000
# = 4.704.525, rounded up to Rp 1.000
PBG_LEVY = "Rp 4.705.000"
TDUP_DATA = {
    "Nama usaha": "Kedai Kopi Nur'aini",
    "Bidang usaha pariwisata": "Jasa makanan dan minuman",
    "Kapasitas": "40",
    "Jumlah tenaga kerja": "6",
    "Alamat tempat usaha": "Jl. Suryakencana No. 5",
    "Kelurahan": "Babakan Pasar",
}


# --- steps, as the people at each desk do them --------------------------------------------------


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name=name, exact=True).click()


def notice(page: Page):
    return page.get_by_role("status").first


def register(j: Journey, permit_name: str, data: dict[str, str], *, first: bool = False) -> tuple[str, str]:
    """The front desk checks the file, registers it and reads the receipt: (registration number, PIN)."""
    desk = j.officer("frontdesk")
    nav(desk, "Loket")
    if first:
        j.shot(desk, "frontdesk-choose-permit-type")
    desk.locator(".card").filter(has=desk.get_by_role("heading", name=permit_name)).get_by_role(
        "link", name="Periksa berkas & daftar"
    ).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(permit_name)
    mandatory = desk.locator(".check").filter(has=desk.locator(".badge", has_text=re.compile(r"^wajib$")))
    assert mandatory.count() >= 3
    for row in mandatory.all():
        row.get_by_role("checkbox").check()
    desk.get_by_label("Nama lengkap (sesuai KTP)").fill(VALID_APPLICANT["name"])
    desk.get_by_label("NIK", exact=True).fill(VALID_APPLICANT["nik"])
    desk.get_by_label("Nomor HP / WhatsApp").fill(VALID_APPLICANT["phone"])
    desk.get_by_label("Email").fill(VALID_APPLICANT["email"])
    desk.get_by_label("Alamat", exact=True).fill(VALID_APPLICANT["address"])
    for label, value in data.items():
        field = desk.get_by_label(re.compile("^" + re.escape(label)))
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    j.shot(desk, "frontdesk-register-filled")
    desk.get_by_role("button", name="Periksa kelengkapan & daftarkan").click()
    expect(desk.get_by_role("heading", name="TANDA TERIMA PENDAFTARAN")).to_be_visible()
    number = desk.locator(".receipt dt:text-is('Nomor pendaftaran') + dd").inner_text().strip()
    pin = desk.locator(".receipt .pin").inner_text().strip()
    assert re.fullmatch(r"[\w-]+", number) and re.fullmatch(r"\d{6}", pin), (number, pin)
    expect(desk.locator(".receipt .qr")).to_contain_text(j.url(f"/lacak/{number}/"))  # the QR's target
    j.shot(desk, "frontdesk-receipt")
    return number, pin


def claim(j: Journey, role: str, number: str, *, shot: bool = False) -> Page:
    """An officer opens the work queue and takes the file's task: the task page."""
    page = j.officer(role)
    nav(page, "Antrian kerja")
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_have_count(1)
    if shot:
        j.shot(page, f"{role}-queue")
    row.get_by_role("button", name="Ambil").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(notice(page)).to_contain_text("sudah Anda ambil")
    return page


def choose(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def finish(j: Journey, page: Page, button: str, name: str) -> None:
    j.shot(page, name)
    page.get_by_role("button", name=button).click()
    expect(notice(page)).to_contain_text("selesai")


def track(j: Journey, phone: Page, number: str, pin: str) -> None:
    """The applicant opens the receipt's link and enters the PIN (or is still let in by the session)."""
    phone.goto(j.url(f"/lacak/{number}/"))
    pin_field = phone.get_by_label("PIN (6 angka)")
    if pin_field.count():
        pin_field.fill(pin)
        phone.get_by_role("button", name="Lacak").click()
    expect(phone.get_by_role("heading", name="Status permohonan")).to_be_visible()


def phone_shot(j: Journey, phone: Page, name: str) -> None:
    """The applicant's page fits the 360 px screen (nothing to scroll sideways), then its screenshot."""
    assert horizontal_overflow(phone) <= 0, f"{phone.url} scrolls sideways on a 360 px phone"
    j.shot(phone, name)


# --- the journeys ---------------------------------------------------------------------------------


def test_building_permit_with_survey_and_levy_from_desk_to_decree_in_hand(journey: Journey, db_turns):
    j = journey
    today = timezone.localdate().isoformat()

    number, pin = register(j, "Persetujuan Bangunan Gedung (PBG)", PBG_DATA, first=True)

    # verification (PBG is always surveyed; where the verifier decides, the survey is chosen here)
    page = claim(j, "verifier", number, shot=True)
    choose(page, "Apakah dokumen sah dan sesuai?", "Ya")
    if page.get_by_role("group", name="Perlu survei lapangan?").count():
        choose(page, "Perlu survei lapangan?", "Ya")
    page.get_by_label("Catatan verifikasi").fill("Dokumen asli sesuai dengan salinan.")
    finish(j, page, "Selesaikan verifikasi", "verifier-verification")

    # the survey: schedule the visit, then the report with the measured floor area
    page = claim(j, "surveyor", number)
    schedule = page.locator("form").filter(has=page.get_by_role("button", name="Jadwalkan survei"))
    schedule.get_by_label("Tanggal kunjungan").fill(today)
    schedule.get_by_label("Catatan untuk pemohon").fill("Pemohon atau kuasanya hadir di lokasi pukul 09.00.")
    schedule.get_by_role("button", name="Jadwalkan survei").click()
    expect(notice(page)).to_contain_text("Survei dijadwalkan")
    report = page.locator("form").filter(has=page.get_by_role("button", name="Simpan laporan & selesaikan survei"))
    report.get_by_label("Tanggal kunjungan").fill(today)
    report.get_by_label("Temuan di lapangan").fill("Bangunan sesuai gambar; luas terukur 150 m2.")
    choose(page, "Hasil survei", "Sesuai")
    report.get_by_label("Nama ukuran 1").select_option(label="Luas bangunan (m2)")
    report.get_by_label("Nilai 1").fill("150")
    report.get_by_label("Lintang (GPS)").fill("-6,6011")
    report.get_by_label("Bujur (GPS)").fill("106,8050")
    finish(j, page, "Simpan laporan & selesaikan survei", "surveyor-report")

    page = claim(j, "data_entry", number)
    expect(page.get_by_label(re.compile("^Fungsi bangunan"))).to_have_value("Usaha")  # from the registration
    finish(j, page, "Simpan data & selesaikan", "data-entry")

    page = claim(j, "technical", number)
    choose(page, "Rekomendasi", "Setujui")
    page.get_by_label("Pertimbangan teknis").fill("Memenuhi standar teknis bangunan gedung; GSB dan KDB sesuai.")
    finish(j, page, "Kirim rekomendasi", "technical-review")

    # the treasurer issues the SKRD computed by the tariff from the surveyed area
    treasurer = j.officer("treasurer")
    nav(treasurer, "Retribusi")
    j.shot(treasurer, "treasurer-levies")
    row = treasurer.get_by_role("row").filter(has_text=number)
    row.get_by_role("link", name="Hitung & terbitkan SKRD/SKPD").click()
    expect(treasurer.locator(".total")).to_contain_text(PBG_LEVY)
    j.shot(treasurer, "treasurer-assess")
    treasurer.get_by_role("button", name="Terbitkan SKRD dan tagihan virtual account").click()
    expect(treasurer.get_by_role("heading", name=re.compile("SURAT KETETAPAN RETRIBUSI DAERAH"))).to_be_visible()
    skrd_va = treasurer.locator("dt:text-is('Virtual account Bank BJB') + dd").inner_text().strip()
    assert skrd_va.isdigit(), skrd_va
    j.shot(treasurer, "treasurer-skrd")

    # the applicant reads the virtual account on the phone...
    phone = j.phone()
    phone.goto(j.url(f"/lacak/{number}/"))
    phone_shot(j, phone, "applicant-track-form")
    track(j, phone, number, pin)
    expect(phone.get_by_text("Menunggu pembayaran retribusi").first).to_be_visible()
    va = phone.locator("dt:text-is('Nomor virtual account (Bank BJB)') + dd").inner_text().strip()
    assert va == skrd_va
    expect(phone.locator("section[aria-labelledby=pt-levy]")).to_contain_text(PBG_LEVY)
    phone_shot(j, phone, "applicant-levy-to-pay")

    # ...and pays it at the bank (the simulator makes the bank's signed SNAP calls to this server)
    bank = j.new_page()
    bank.goto(j.url("/dev/bank/"))
    bank.get_by_label("Nomor virtual account").fill(va)
    bank.get_by_role("button", name="Bayar").click()
    expect(bank.get_by_role("heading", name=re.compile(r"payment: HTTP 200 · 2002500"))).to_be_visible()
    j.shot(bank, "bank-paid")

    page = claim(j, "supervisor", number)
    finish(j, page, "Setujui permohonan", "supervisor-approval")

    head = j.officer("head")
    nav(head, "Tanda tangan SK")
    head.get_by_label(f"Pilih {number}").check()
    j.shot(head, "head-signing-queue")
    head.get_by_role("button", name="Tandatangani SK yang dipilih").click()
    expect(notice(head)).to_contain_text(f"1 SK ditandatangani: {number}")
    j.shot(head, "head-signed")

    # the applicant, on the phone: ready, download with the PIN, check it is genuine
    track(j, phone, number, pin)
    expect(phone.locator("#pt-status")).to_have_text("SK siap diambil")
    expect(phone.locator("section[aria-labelledby=pt-levy]")).to_contain_text("Lunas")
    phone_shot(j, phone, "applicant-decree-ready")
    phone.get_by_label(re.compile("Unduh SK .*masukkan PIN")).fill(pin)
    with phone.expect_response(re.compile(r"/sk\.pdf$")) as answer, phone.expect_download() as download:
        phone.get_by_role("button", name="Unduh SK").click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    pdf = j.shots_dir.parent / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")

    phone.get_by_role("link", name="Periksa keaslian SK").click()
    expect(phone.get_by_role("heading", name="Verifikasi Surat Keputusan")).to_be_visible()
    expect(phone.locator("#v-status")).to_contain_text("BERLAKU")
    expect(phone.locator("#v-status")).to_contain_text("SK ini diterbitkan oleh kantor kami dan berlaku.")
    phone_shot(j, phone, "applicant-verify-valid")
    phone.get_by_label("Berkas PDF", exact=True).set_input_files(pdf)
    phone.get_by_role("button", name="Periksa").click()
    expect(phone.locator("#v-result")).to_contain_text("Sidik SHA-256 cocok dengan SK yang diterbitkan.")
    expect(phone.locator("#v-result")).to_contain_text("Tanda tangan elektronik utuh")
    phone_shot(j, phone, "applicant-verify-upload")

    # the applicant comes to the counter for the original: the front desk records the handover
    desk = claim(j, "frontdesk", number)
    desk.get_by_label("Nama pengambil").fill(VALID_APPLICANT["name"])
    choose(desk, "Pengambil adalah", "Pemegang izin sendiri")
    desk.get_by_label("Nomor identitas (NIK/KTP, paspor atau KITAS)").fill(VALID_APPLICANT["nik"])
    finish(j, desk, "Serahkan SK", "frontdesk-handover")

    track(j, phone, number, pin)
    expect(phone.locator("#pt-status")).to_have_text("SK sudah diambil")
    phone_shot(j, phone, "applicant-collected")

    with db_turns:  # what the clicks left in the database
        from permits.decrees.models import Decree
        from permits.levies.models import Bill
        from permits.workflow.models import Application

        app = Application.objects.get(registration_number=number)
        bill = Bill.objects.get(application=app)
        assert app.status == "collected"
        assert bill.state == "paid" and bill.amount == Decimal(4705000) and bill.virtual_account_no == va
        assert Decree.objects.filter(application=app).count() == 1
    assert j.problems == []


def test_rejected_at_verification_applicant_reads_the_reason(journey: Journey):
    j = journey
    number, pin = register(j, "Tanda Daftar Usaha Pariwisata (TDUP)", TDUP_DATA)

    page = claim(j, "verifier", number)
    refuse = page.locator("details").filter(has_text="Penolakan bersifat final")
    refuse.locator("summary").click()
    refuse.get_by_label("Alasan penolakan").select_option(label="Bidang usaha tidak sesuai KBLI pada NIB")
    refuse.get_by_label("Keterangan").fill("KBLI pada NIB untuk perdagangan eceran, bukan jasa makanan dan minuman.")
    j.shot(page, "verifier-reject")
    refuse.get_by_role("button", name="Tolak permohonan").click()
    expect(notice(page)).to_contain_text(f"Permohonan {number} ditolak.")
    j.shot(page, "verifier-application-rejected")

    phone = j.phone()
    track(j, phone, number, pin)
    expect(phone.locator("#pt-status")).to_have_text("Permohonan ditolak")
    reason = phone.locator("section[aria-labelledby=pt-reject]")
    expect(reason).to_contain_text("Bidang usaha tidak sesuai KBLI pada NIB")
    expect(reason).to_contain_text("KBLI pada NIB untuk perdagangan eceran")
    phone_shot(j, phone, "applicant-rejected")
    assert j.problems == []
