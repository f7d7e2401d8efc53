"""Issue 18: what the office issues. A tax is assessed with an SKPD and a levy with an SKRD, each in its own
gap-free yearly series; the due date falls on a working day at least SKRD_DUE_DAYS on; the document carries
the period, payer, object, lines, total in words, payment, sanction, objection, official and a QR code."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from permits.core.calendar import office_calendar
from permits.core.models import OfficialProfile
from permits.levies import documents
from permits.levies.models import LevyAssessment, TariffRule
from permits.levies.pdf import skrd_pdf
from permits.levies.selectors import assessment_get, levy_for_tracking
from permits.levies.services import due_date_for, payment_post
from permits.portal.tests.conftest import PIN, set_pin

from .conftest import JKT, MONDAY

pytestmark = pytest.mark.django_db


def _make_tax(rule: TariffRule) -> None:
    rule.document_kind = "SKPD"
    rule.save()


def test_a_tax_is_assessed_with_an_skpd_in_its_own_series_and_a_levy_with_an_skrd(awaiting):
    levy_app, _bill = awaiting()
    first = LevyAssessment.objects.get(application=levy_app)
    assert first.document_kind == "SKRD" and first.number.startswith("SKRD/")
    _make_tax(TariffRule.objects.get(permit_type__code="TEST"))
    tax_app, _bill = awaiting()
    tax = LevyAssessment.objects.get(application=tax_app)
    year = timezone.localtime(tax.issued_at).year
    assert tax.document_kind == "SKPD"
    assert tax.number == f"SKPD/{year}/00001"  # its own series starts at 1, whatever the SKRDs used
    assert first.number == f"SKRD/{year}/00001"


def test_the_skpd_number_follows_its_own_format_setting(awaiting, settings):
    settings.SKPD_NUMBER_FORMAT = "973/{seq:04d}/SKPD/{year}"
    app, _bill = awaiting()  # creates the tariff (an SKRD)
    rule = TariffRule.objects.get(permit_type__code="TEST")
    _make_tax(rule)
    app, _bill = awaiting()
    tax = LevyAssessment.objects.get(application=app)
    assert tax.number == f"973/0001/SKPD/{timezone.localtime(tax.issued_at).year}"


def test_tracking_names_the_document_kind_and_number(awaiting):
    app, _bill = awaiting()
    _make_tax(TariffRule.objects.get(permit_type__code="TEST"))
    tax_app, _bill = awaiting()
    levy, tax = levy_for_tracking(app), levy_for_tracking(tax_app)
    assert (levy["document_kind"], levy["document_number"]) == ("SKRD", levy["skrd_number"])
    assert tax["document_kind"] == "SKPD" and tax["document_number"].startswith("SKPD/")


def track_page(client, app) -> str:
    set_pin(app)
    res = client.post("/lacak/", {"number": app.registration_number, "pin": PIN}, follow=True)
    assert res.status_code == 200
    return res.content.decode()


def test_the_tracking_page_of_a_tax_says_skpd_and_pajak(awaiting, client):
    awaiting()
    _make_tax(TariffRule.objects.get(permit_type__code="TEST"))
    tax_app, _bill = awaiting()
    html = track_page(client, tax_app)
    assert "SKPD/" in html and "Pajak daerah" in html and "SKRD" not in html


# --- due dates on working days ------------------------------------------------------------------


def test_the_due_date_is_rolled_past_new_year_and_the_weekend():
    # issued Wednesday 2 December 2026: + 30 days = Friday 1 January 2027 (New Year), then Sat 2, Sun 3
    assert due_date_for(datetime.date(2026, 12, 2)) == datetime.date(2027, 1, 4)


def test_a_due_date_on_a_working_day_stays(settings):
    # issued Monday 23 November 2026: + 30 days = Wednesday 23 December 2026, a working day
    assert due_date_for(datetime.date(2026, 11, 23)) == datetime.date(2026, 12, 23)


def test_the_due_date_is_never_before_the_minimum_period(settings):
    settings.SKRD_DUE_DAYS = 14
    # issued Friday 4 December 2026: + 14 days = Friday 18 December 2026
    assert due_date_for(datetime.date(2026, 12, 4)) == datetime.date(2026, 12, 18)
    assert datetime.datetime(2026, 12, 18, tzinfo=JKT).weekday() == 4


# --- complete documents -------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler's pdftotext is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_total_in_words_is_num2words_indonesian():
    assert documents.words(Decimal(3066000), "id") == "tiga juta enam puluh enam ribu rupiah"
    assert documents.words(Decimal(1537500), "id") == "satu juta lima ratus tiga puluh tujuh ribu lima ratus rupiah"


def test_the_objection_deadline_is_three_months_after_the_document_clamped_to_the_month():
    assert documents.objection_deadline(datetime.date(2026, 11, 30)) == datetime.date(2027, 2, 28)
    assert documents.objection_deadline(datetime.date(2026, 11, 23)) == datetime.date(2027, 2, 23)


def test_a_billboard_tax_period_covers_its_months_and_a_levy_its_year():
    assert documents.period_text("SKPD", datetime.date(2026, 11, 23), {"durasi_bulan": "6"}) == (
        "23/11/2026 - 22/05/2027"
    )
    assert documents.period_text("SKPD", datetime.date(2026, 11, 23), {}) == "11/2026"
    assert documents.period_text("SKRD", datetime.date(2026, 11, 23), {"durasi_bulan": "6"}) == "2026"


@pytest.fixture
def official(officers):
    return OfficialProfile.objects.create(
        user=officers["treasurer"],
        full_name="Sri Wahyuni, S.E.",
        position="Kepala Bidang Pendapatan",
        nip="198005122006042002",
    )


def test_the_skrd_pdf_carries_what_the_law_requires(awaiting, official, tmp_path):
    app, bill = awaiting()
    app.data = {**app.data, "alamat_lokasi": "Jl. Melati No. 5", "kelurahan": "Sukamaju"}
    app.save(update_fields=["data"])
    assessment = assessment_get(LevyAssessment.objects.get(application=app).pk)
    text = " ".join(pdf_text(skrd_pdf(assessment), tmp_path).split())
    issued = timezone.localtime(assessment.issued_at).date()
    expected = [
        "SURAT KETETAPAN RETRIBUSI DAERAH (SKRD)",
        f"Nomor: {assessment.number}",
        f"Tanggal {issued:%d/%m/%Y}",
        f"Masa retribusi {issued.year}",
        app.applicant.display_name,
        app.applicant.id_label,
        "NPWRD belum terdaftar",
        "Lokasi objek Jl. Melati No. 5, Sukamaju",
        "150 m2",  # the line's basis of calculation (the surveyed area)
        "Rp 1.500.000",
        "Terbilang: satu juta lima ratus ribu rupiah",
        f"Jatuh tempo {bill.due_date:%d/%m/%Y}",
        bill.virtual_account_no,
        "bunga sebesar 1% per bulan",
        "paling lama 24 bulan",
        "ditagih dengan STRD",
        "paling lama 3 bulan",
        f"sampai dengan {documents.objection_deadline(issued):%d/%m/%Y}",
        "KEPALA BIDANG PENDAPATAN",
        "Sri Wahyuni, S.E.",
        "NIP. 19800512 200604 2 002",
        "Pindai untuk memeriksa keaslian",
    ]
    missing = [x for x in expected if x not in text]
    assert missing == [], text


def test_an_skpd_prints_the_payers_npwpd_and_the_tax_words(awaiting, official, tmp_path):
    awaiting()
    _make_tax(TariffRule.objects.get(permit_type__code="TEST"))
    app, _bill = awaiting()
    app.data = {**app.data, "npwpd": "P.2.0001234.01.05"}
    app.save(update_fields=["data"])
    # the registration number is copied when issued: issue again with the NPWPD in the data
    assessment = LevyAssessment.objects.get(application=app)
    assessment.payer_reg_no = documents.payer_reg_no("SKPD", app.data)
    assessment.save(update_fields=["payer_reg_no"])
    text = " ".join(pdf_text(skrd_pdf(assessment_get(assessment.pk)), tmp_path).split())
    for expected in ("SURAT KETETAPAN PAJAK DAERAH (SKPD)", "Wajib Pajak", "NPWPD P.2.0001234.01.05", "Masa pajak"):
        assert expected in text
    assert "SKRD" not in text and "Wajib Retribusi" not in text


def test_the_issuer_without_an_official_profile_falls_back_to_the_configured_official(
    awaiting, officers, settings, django_user_model
):
    head = officers["head"]
    OfficialProfile.objects.update_or_create(
        user=head,
        defaults={"full_name": "Dr. A. Santoso", "position": "Kepala Dinas", "nip": "197203151998031004"},
    )
    settings.LEVY_OFFICIAL_USERNAME = head.username
    app, _bill = awaiting()
    assessment = LevyAssessment.objects.get(application=app)
    assert (assessment.official_name, assessment.official_nip) == ("Dr. A. Santoso", "197203151998031004")


def test_the_qr_opens_a_public_page_that_tells_the_document_apart(awaiting, client):
    app, bill = awaiting()
    assessment = LevyAssessment.objects.get(application=app)
    page = client.get(f"/verify/levy/{assessment.token}")
    assert page.status_code == 200
    html = page.content.decode()
    assert assessment.number in html and "Belum dibayar" in html and "Rp 1.500.000" in html
    assert client.get("/verify/levy/not-a-token").status_code == 404


def test_the_service_standard_clock_does_not_run_while_waiting_for_payment(awaiting):
    app, bill = awaiting(now=MONDAY)  # the SKRD is issued Monday 23/11/2026 09:00
    before, paused = app.promised_completion_at, app.paused_seconds
    wednesday = MONDAY + datetime.timedelta(days=2)  # paid Wednesday 09:00: two working days (16 h) later
    result = payment_post(
        virtual_account_no=bill.virtual_account_no,
        partner="12345678",
        payment_request_id="wait-1",
        amount=bill.amount,
        channel="snap",
        now=wednesday,
    )
    assert result.outcome == "posted"
    app.refresh_from_db()
    assert app.paused_seconds - paused == 16 * 3600
    assert app.promised_completion_at == office_calendar().add_working_time(before, datetime.timedelta(hours=16))
