"""What the decree says: template filling, validity, object data labels; the PDF is A4 and lays out."""

import datetime

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from permits.decrees import drafting
from permits.decrees.models import DecreeTemplate


def test_validity_runs_to_the_day_before_the_anniversary():
    assert drafting.valid_until(datetime.date(2026, 11, 28), 5) == datetime.date(2031, 11, 27)
    assert drafting.valid_until(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 27)
    assert drafting.valid_until(datetime.date(2026, 11, 28), None) is None
    assert "5 (lima) tahun" in drafting.validity_text(5, datetime.date(2031, 11, 27))
    assert "27 November 2031" in drafting.validity_text(5, datetime.date(2031, 11, 27))


def test_fill_replaces_known_names_only():
    text = drafting.fill("{holder} / {holder.__class__} / {unknown} / {0}", {"holder": "Siti"})
    assert text == "Siti / {holder.__class__} / {unknown} / {0}"


def test_legal_basis_becomes_a_numbered_list():
    assert drafting.legal_basis_text("Perda 1/2024\n\n2. Perwali 2/2025") == "1. Perda 1/2024\n2. Perwali 2/2025"
    assert drafting.legal_basis_text("") == "peraturan perundang-undangan yang berlaku."


@pytest.mark.django_db
def test_draft_uses_the_permit_types_template_and_data_labels(approved):
    app = approved()
    now = datetime.datetime(2026, 11, 30, 3, 0, tzinfo=datetime.UTC)
    draft = drafting.decree_draft(
        application=app,
        number="503/0009/TEST/DPMPTSP/2026",
        issued_at=now,
        verify_url="https://x/verify/t",
        signer_name="H",
    )
    assert "Siti Nur'aini" in draft.body and app.registration_number in draft.body
    assert "1. Perda Kota Contoh 1/2024\n2. Perwali 2/2025" in draft.body
    assert "sampai dengan tanggal 29 November 2031" in draft.body
    assert draft.subject == "PEMBERIAN IZIN UJI TEST"
    assert ("Luas bangunan", "120,5 m2") in draft.object_rows and ("Fungsi", "Hunian") in draft.object_rows
    DecreeTemplate.objects.create(
        permit_type=app.permit_type, subject="Izin khusus {holder}", body="KESATU: Untuk {holder}."
    )
    custom = drafting.decree_draft(
        application=app, number="N", issued_at=now, verify_url="https://x/verify/t", signer_name="H"
    )
    assert custom.body == "KESATU: Untuk Siti Nur'aini." and custom.subject == "IZIN KHUSUS SITI NUR'AINI"


def _draft(**overrides) -> drafting.DecreeDraft:
    values = dict(
        number="503/0001/PBG/DPMPTSP/2026",
        subject="PEMBERIAN PERSETUJUAN BANGUNAN GEDUNG",
        authority="Kepala Dinas Contoh",
        body=drafting.fill(drafting.DEFAULT_BODY, {"holder": "A & B <C>", "legal_basis": "1. UU\n2. PP"}),
        holder_rows=[("Nama pemegang izin", "A & B <C>")],
        object_rows=[("Luas", "10 m2")] * 40,  # long enough for a second page
        place="Kota Contoh",
        issued_on=datetime.date(2026, 11, 30),
        signer_name="Dr. Kepala",
        verify_url="https://smart.example/verify/abc",
        office_name="Dinas Contoh",
        office_address="Jl. Contoh 1",
    )
    values.update(overrides)
    return drafting.DecreeDraft(**values)


def test_render_pdf_is_a4_and_survives_markup_characters(tmp_path):
    pdf = drafting.render_pdf(_draft())
    path = tmp_path / "sk.pdf"
    path.write_bytes(pdf)
    with path.open("rb") as handle:
        reader = PdfFileReader(handle)
        pages = reader.root["/Pages"]["/Kids"]
        assert len(pages) >= 2
        box = [float(v) for v in pages[0]["/MediaBox"]]
        assert box[2:] == pytest.approx([595.27, 841.89], abs=0.1)
        assert reader.trailer_view["/Info"]["/Title"] == "Keputusan 503/0001/PBG/DPMPTSP/2026"


def test_render_pdf_with_a_missing_logo_and_as_a_draft(tmp_path):
    assert drafting.render_pdf(_draft(logo_path=str(tmp_path / "none.png"), draft=True)).startswith(b"%PDF-")


def test_qr_drawing_encodes_the_url():
    drawing = drafting.qr_drawing("https://smart.example/verify/abc", 100)
    assert drawing.width == 100 and len(drawing.contents) > 20
