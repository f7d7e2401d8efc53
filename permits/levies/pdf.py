"""The SKRD/SKPD (and the STRD/STPD) as one A4 page (reportlab), with the content of the printable page:
selectors.assessment_document says what is printed, here only how. The document is Indonesian whatever
language the officer reads (translation.override), as decrees are."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from permits.core.money import rupiah
from permits.core.qr import qr_drawing

from .models import LevyAssessment, LevyClaim
from .selectors import assessment_document, claim_document

WIDTH = 174 * mm


def _styles():
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    normal.fontSize, normal.leading = 9, 11.5
    small = styles["BodyText"]
    small.fontSize, small.leading = 8, 10
    return styles, normal, small


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _facts(rows: list[tuple[str, str]], normal) -> Table:
    table = Table([[_p(a, normal), _p(b, normal)] for a, b in rows], colWidths=[48 * mm, WIDTH - 48 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _money_table(rows: list[list], normal, small, total_label: str, total) -> Table:
    head = [["No", "Uraian", "Dasar perhitungan", "Jumlah"]]
    body = [[str(i), _p(a, small), _p(b, small), rupiah(c)] for i, (a, b, c) in enumerate(rows, start=1)]
    table = Table(
        [*head, *body, ["", _p(total_label, normal), "", rupiah(total)]],
        colWidths=[9 * mm, 62 * mm, 72 * mm, 31 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ]
        )
    )
    return table


def _official(doc: dict, place_date: str, styles, normal, small) -> KeepTogether:
    """The same block decrees print: place and date, the position, 'signed electronically', the name, the NIP;
    the QR code to the public verification page on the left."""
    official = doc["official"]
    right = [
        _p(place_date, normal),
        Paragraph(f"<b>{escape((official['position'] or settings.DECREE_AUTHORITY).upper())},</b>", normal),
        Spacer(1, 8 * mm),
        Paragraph(f"<b><u>{escape(official['name'])}</u></b>", normal),
    ]
    if official["nip"]:
        right.append(_p(f"NIP. {official['nip']}", normal))
    left = (
        [qr_drawing(doc["verify_url"], 26 * mm), _p("Pindai untuk memeriksa keaslian", small)]
        if doc["verify_url"]
        else [""]
    )
    table = Table([[left, right]], colWidths=[40 * mm, WIDTH - 40 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 3 * mm), table])


def _document(story_of, title: str) -> bytes:
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=12 * mm, bottomMargin=12 * mm, title=title
    )
    with translation.override("id"):  # an Indonesian legal document, whoever prints it
        pdf.build(story_of())
    return buf.getvalue()


def _head(doc: dict, styles, small) -> list:
    return [
        _p(settings.OFFICE_NAME, styles["Heading4"]),
        _p(settings.OFFICE_ADDRESS, small),
        Spacer(1, 2 * mm),
        _p(f"{doc['title']} ({doc['kind']})", styles["Heading3"]),
        _p(f"Nomor: {doc['number']}", styles["Heading4"]),
    ]


def _payer_facts(doc: dict) -> list[tuple[str, str]]:
    """The period, the payer and the object, as an SKRD/SKPD and its STRD/STPD both print them."""
    return [
        ("Masa pajak" if doc["is_tax"] else "Masa retribusi", doc["period"]),
        ("Wajib Pajak" if doc["is_tax"] else "Wajib Retribusi", doc["payer_name"]),
        ("NIK/NIB", doc["payer_ids"] or "-"),
        ("Alamat", doc["payer_address"]),
        (doc["payer_reg_label"], doc["payer_reg_no"] or "belum terdaftar"),
        ("Objek", f"{doc['object']} (nomor pendaftaran {doc['registration_number']})"),
        ("Lokasi objek", doc["object_location"] or "-"),
    ]


def skrd_pdf(assessment: LevyAssessment) -> bytes:
    """The SKRD or SKPD of an assessment (assessment_get's prefetches)."""

    def story():
        styles, normal, small = _styles()
        doc = assessment_document(assessment)
        facts = [("Tanggal", f"{doc['issued_on']:%d/%m/%Y}"), *_payer_facts(doc)]
        story = [*_head(doc, styles, small)]
        if doc["cancelled"]:
            story.append(_p(f"DIBATALKAN: {doc['cancel_reason']}", styles["Heading4"]))
        story += [_facts(facts, normal), Spacer(1, 3 * mm)]
        rows = [(ln.description, ln.basis, ln.amount) for ln in doc["lines"]]
        story += [_money_table(rows, normal, small, "JUMLAH", doc["total"]), Spacer(1, 1.5 * mm)]
        story.append(_p(f"Terbilang: {doc['total_words']}", normal))
        story.append(Spacer(1, 2 * mm))
        pay = [("Jatuh tempo", f"{doc['due_date']:%d/%m/%Y}")]
        if doc["bill"]:
            pay.append(("Virtual Account Bank BJB", doc["bill"].virtual_account_no))
        story += [_facts(pay, normal), Spacer(1, 1 * mm)]
        if doc["how_to_pay"]:
            story.append(_p(f"Cara dan tempat pembayaran: {doc['how_to_pay']}", small))
        story.append(_p(f"Sanksi: {doc['sanction_clause']}", small))
        story.append(_p(f"Keberatan: {doc['objection_clause']}", small))
        if doc["legal_basis"]:
            story.append(_p(f"Dasar hukum: {doc['legal_basis']} (tarif versi {doc['rule_version']})", small))
        place_date = f"{settings.DECREE_PLACE}, {doc['issued_on']:%d/%m/%Y}"
        story.append(_official(doc, place_date, styles, normal, small))
        if doc["is_sample"]:
            story.append(_p("DATA CONTOH - bukan ketetapan resmi.", styles["Heading4"]))
        return story

    return _document(story, f"{assessment.document_kind} {assessment.number}")


def strd_pdf(claim: LevyClaim) -> bytes:
    """The STRD (levy) or STPD (tax) of a bill left unpaid past its due date (claim_get's prefetches)."""

    def story():
        styles, normal, small = _styles()
        doc = claim_document(claim)
        basis = f"{doc['assessment_kind']} {doc['assessment_number']} tanggal {doc['assessment_date']:%d/%m/%Y}"
        facts = [
            ("Tanggal", f"{doc['issued_on']:%d/%m/%Y}"),
            ("Dasar penagihan", basis),
            *_payer_facts(doc),
            ("Jatuh tempo", f"{doc['due_date']:%d/%m/%Y}"),
        ]
        story = [*_head(doc, styles, small)]
        if doc["cancelled"]:
            story.append(_p(f"DIBATALKAN: {doc['cancel_reason']}", styles["Heading4"]))
        story += [_facts(facts, normal), Spacer(1, 3 * mm)]
        rows = [
            (
                f"Pokok {doc['assessment_kind']} yang belum dibayar",
                f"{doc['assessment_kind']} {doc['assessment_number']}",
                doc["principal"],
            ),
            (
                "Sanksi administratif berupa bunga",
                f"{doc['rate']}% x {doc['months']} bulan x {rupiah(doc['principal'])} (bulan yang telah dimulai sejak "
                f"jatuh tempo, paling lama {doc['max_months']} bulan)",
                doc["sanction"],
            ),
        ]
        story += [_money_table(rows, normal, small, "JUMLAH YANG HARUS DIBAYAR", doc["total"]), Spacer(1, 1.5 * mm)]
        story.append(_p(f"Terbilang: {doc['total_words']}", normal))
        story.append(Spacer(1, 2 * mm))
        if doc["bill"]:
            story += [_facts([("Virtual Account Bank BJB", doc["bill"].virtual_account_no)], normal), Spacer(1, 1 * mm)]
        story.append(_p(f"Cara dan tempat pembayaran: {doc['how_to_pay']}", small))
        later = "; ".join(f"sampai {row['until']:%d/%m/%Y}: {rupiah(row['total'])}" for row in doc["schedule"])
        story.append(
            _p(
                f"Sanksi: bunga {doc['rate']}% per bulan bertambah setiap awal bulan keterlambatan sampai dibayar, "
                f"paling lama {doc['max_months']} bulan. Jumlah yang harus dibayar: {later}. "
                "Jumlah yang berlaku pada hari pembayaran juga tampil di halaman lacak permohonan dan pada layar bank.",
                small,
            )
        )
        story.append(_p(f"Keberatan: {doc['objection_clause']}", small))
        place_date = f"{settings.DECREE_PLACE}, {doc['issued_on']:%d/%m/%Y}"
        story.append(_official(doc, place_date, styles, normal, small))
        if doc["is_sample"]:
            story.append(_p("DATA CONTOH - bukan tagihan resmi.", styles["Heading4"]))
        return story

    return _document(story, f"{claim.kind} {claim.number}")
