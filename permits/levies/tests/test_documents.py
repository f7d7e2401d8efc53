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
from permits.core.errors import ServiceError
from permits.core.models import AuditEvent, OfficialProfile
from permits.levies import documents
from permits.levies.models import Bill, LevyAssessment, LevyClaim, TariffRule
from permits.levies.pdf import skrd_pdf, strd_pdf
from permits.levies.selectors import assessment_get, claim_get, levy_for_tracking
from permits.levies.services import (
    claim_issue,
    claims_issue_overdue,
    due_date_for,
    payment_post,
    payment_post_teller,
)
from permits.portal.tests.conftest import PIN, set_pin

from .conftest import JKT, MONDAY

pytestmark = pytest.mark.django_db


def _make_tax(rule: TariffRule) -> None:
    # The test permit type becomes a tax. Its version may already be used by an SKRD, which the model
    # refuses to change (an office copies it as a new version), so the fixture writes the row directly.
    TariffRule.objects.filter(pk=rule.pk).update(document_kind="SKPD")


def test_a_copied_tariff_version_keeps_its_document_kind(awaiting):
    awaiting()
    rule = TariffRule.objects.get(permit_type__code="TEST")
    _make_tax(rule)
    rule.refresh_from_db()
    new = rule.copy_as_version(version="v2", effective_from=rule.effective_from + datetime.timedelta(days=1))
    assert new.document_kind == "SKPD"


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


# --- late payment: the sanction and the STRD/STPD -----------------------------------------------


def test_the_sanction_is_one_percent_per_started_month_on_the_principal():
    due = datetime.date(2027, 1, 4)
    principal = Decimal(1250000)
    assert documents.sanction(principal, due, due).amount == 0  # paid on the due date: nothing extra
    assert documents.sanction(principal, due, datetime.date(2027, 1, 5)).amount == Decimal(12500)  # 1 month begun
    assert documents.sanction(principal, due, datetime.date(2027, 2, 4)).months == 1  # still the first month
    three = documents.sanction(principal, due, datetime.date(2027, 3, 5))  # the third month has begun
    assert (three.months, three.amount, three.total) == (3, Decimal(37500), Decimal(1287500))


def test_the_sanction_stops_growing_after_24_months_and_rounds_down_to_the_rupiah():
    due = datetime.date(2027, 1, 4)
    capped = documents.sanction(Decimal(1250000), due, datetime.date(2030, 6, 1))
    assert (capped.months, capped.amount) == (24, Decimal(300000))  # 24% of Rp 1.250.000
    odd = documents.sanction(Decimal(333333), due, datetime.date(2027, 1, 5))  # 1% of 333.333 = 3.333,33
    assert odd.amount == Decimal(3333)


def test_a_month_begins_on_the_day_after_the_same_date_clamped_to_short_months():
    due = datetime.date(2027, 1, 31)
    assert documents.months_started(due, datetime.date(2027, 2, 28)) == 1  # 31 Jan + 1 month = 28 Feb
    assert documents.months_started(due, datetime.date(2027, 3, 1)) == 2
    assert documents.months_started(due, datetime.date(2027, 3, 31)) == 2
    assert documents.months_started(due, datetime.date(2027, 4, 1)) == 3


def _overdue(bill, days_after_due: int):
    """Move the bill's due date into the past (days_after_due days before today)."""
    due = timezone.localdate() - datetime.timedelta(days=days_after_due)
    expires = datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(0), tzinfo=JKT)
    created = expires - datetime.timedelta(days=31)
    Bill.objects.filter(pk=bill.pk).update(due_date=due, expires_at=expires, created_at=created)
    bill.refresh_from_db()
    return bill


def test_the_worker_issues_one_strd_per_overdue_bill_audited_and_in_its_own_series(awaiting):
    _app, on_time = awaiting()
    app, bill = awaiting()
    _overdue(bill, 3)
    assert claims_issue_overdue() == 1
    assert claims_issue_overdue() == 0  # idempotent: one claim per bill
    claim = LevyClaim.objects.get()
    year = timezone.localtime(claim.issued_at).year
    assert claim.bill == bill and claim.kind == "STRD" and claim.number == f"STRD/{year}/00001"
    assert (claim.principal, claim.months, claim.sanction, claim.total) == (
        Decimal(1500000),
        1,
        Decimal(15000),
        Decimal(1515000),
    )
    bill.refresh_from_db()
    assert bill.state == "open"  # still payable on the same virtual account
    event = AuditEvent.objects.get(action="levy.claim_issue")
    assert event.after["number"] == claim.number and event.actor_label == "sistem"
    assert not LevyClaim.objects.filter(bill=on_time).exists()


def test_a_tax_gets_an_stpd(awaiting):
    awaiting()
    _make_tax(TariffRule.objects.get(permit_type__code="TEST"))
    _app, bill = awaiting()
    _overdue(bill, 40)  # the second month has begun: 2% of Rp 1.500.000
    claim = claim_issue(bill_id=bill.pk)
    assert claim.kind == "STPD" and claim.number.startswith("STPD/") and claim.sanction == Decimal(30000)


def test_paying_the_old_amount_late_at_the_teller_is_refused_and_the_amount_due_is_accepted(awaiting, officers):
    app, bill = awaiting()
    _overdue(bill, 3)
    with pytest.raises(ServiceError) as refused:
        payment_post_teller(actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1500000")
    assert refused.value.code == "wrong_amount" and "Rp 1.515.000" in refused.value.text()
    result = payment_post_teller(actor=officers["treasurer"], bill_id=bill.pk, reference="R1", amount="1515000")
    assert result.outcome == "posted" and result.payment.amount == Decimal(1515000)
    assert claims_issue_overdue() == 0  # a paid bill gets no claim


def test_a_teller_receipt_dated_on_the_due_date_owes_no_sanction(awaiting, officers):
    app, bill = awaiting()
    _overdue(bill, 1)  # due yesterday, recorded today from a receipt of yesterday
    result = payment_post_teller(
        actor=officers["treasurer"],
        bill_id=bill.pk,
        reference="R9",
        amount="1500000",
        paid_on=bill.due_date.isoformat(),
    )
    assert result.outcome == "posted"


def test_the_strd_pdf_states_principal_sanction_total_and_the_same_virtual_account(awaiting, official, tmp_path):
    app, bill = awaiting()
    _overdue(bill, 3)
    claim = claim_get(claim_issue(bill_id=bill.pk).pk)
    text = " ".join(pdf_text(strd_pdf(claim), tmp_path).split())
    assessment = claim.assessment
    for expected in (
        "SURAT TAGIHAN RETRIBUSI DAERAH (STRD)",
        f"Nomor: {claim.number}",
        f"SKRD {assessment.number}",
        "Rp 1.500.000",
        "1% x 1 bulan",
        "Rp 15.000",
        "JUMLAH YANG HARUS DIBAYAR Rp 1.515.000",
        "Terbilang: satu juta lima ratus lima belas ribu rupiah",
        bill.virtual_account_no,
        "NIP. 19800512 200604 2 002",
    ):
        assert expected in text, expected


def test_the_strd_page_and_its_public_verification(awaiting, client, officers):
    app, bill = awaiting()
    _overdue(bill, 3)
    claim = claim_issue(bill_id=bill.pk)
    assert client.get(f"/verify/levy/{claim.token}").status_code == 200
    client.force_login(officers["treasurer"])
    page = client.get(f"/retribusi/strd/{claim.pk}/").content.decode()
    assert claim.number in page and "Rp 1.515.000" in page
    bill_page = client.get(f"/retribusi/tagihan/{bill.pk}/").content.decode()
    assert claim.number in bill_page and "Rp 1.515.000" in bill_page


def test_the_tracking_page_shows_the_amount_due_today(awaiting, client):
    app, bill = awaiting()
    _overdue(bill, 3)
    claim = claim_issue(bill_id=bill.pk)
    html = track_page(client, app)
    assert "Rp 1.515.000" in html and claim.number in html and "Jatuh tempo sudah lewat" in html
