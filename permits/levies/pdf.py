"""The SKRD as a one-page A4 PDF (reportlab), with the same content as the printable HTML page."""

import io

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from permits.core.money import rupiah

from . import documents
from .models import LevyAssessment


def _p(text: str, style) -> Paragraph:
    from xml.sax.saxutils import escape

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def skrd_pdf(assessment: LevyAssessment) -> bytes:
    styles = getSampleStyleSheet()
    normal, small = styles["Normal"], styles["BodyText"]
    small.fontSize = 8
    app = assessment.application
    bill = next(iter(assessment.bills.all()), None)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{assessment.document_kind} {assessment.number}",
    )
    story = [
        _p(settings.OFFICE_NAME, styles["Heading3"]),
        _p(settings.OFFICE_ADDRESS, small),
        Spacer(1, 4 * mm),
        _p(f"{documents.TITLES[assessment.document_kind]} ({assessment.document_kind})", styles["Title"]),
        _p(f"Nomor: {assessment.number}", styles["Heading4"]),
    ]
    facts = [
        ["Nomor pendaftaran", app.registration_number],
        ["Jenis izin", app.permit_type.name_id],
        ["Wajib pajak" if assessment.is_tax else "Wajib retribusi", app.applicant.display_name],
        ["Alamat", app.applicant.address],
        ["Tanggal terbit", f"{timezone.localtime(assessment.issued_at):%d/%m/%Y}"],
        ["Jatuh tempo", f"{(bill.due_date if bill else assessment.due_date):%d/%m/%Y}"],
    ]
    if bill:
        facts.append(["Nomor Virtual Account Bank BJB", bill.virtual_account_no])
    story.append(Table([[_p(a, normal), _p(b, normal)] for a, b in facts], colWidths=[55 * mm, 115 * mm]))
    story.append(Spacer(1, 5 * mm))
    rows = [["No", "Uraian", "Dasar perhitungan", "Jumlah"]]
    rows += [
        [str(ln.order), _p(ln.description, small), _p(ln.basis, small), rupiah(ln.amount)]
        for ln in assessment.lines.all()
    ]
    rows.append(["", _p("JUMLAH", normal), "", rupiah(assessment.total)])
    table = Table(rows, colWidths=[10 * mm, 70 * mm, 60 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ]
        )
    )
    story += [table, Spacer(1, 5 * mm)]
    if assessment.rule_snapshot:
        story.append(_p(f"Dasar hukum: {assessment.rule_snapshot.get('legal_basis', '')}", small))
    if bill:
        story.append(
            _p(
                f"Cara bayar: teller, ATM, mobile atau internet banking Bank BJB, menu Virtual Account, nomor "
                f"{bill.virtual_account_no}, sejumlah {rupiah(bill.amount)}, paling lambat {bill.due_date:%d/%m/%Y}.",
                normal,
            )
        )
    if app.permit_type.is_sample:
        story.append(_p("DATA CONTOH - bukan ketetapan resmi.", styles["Heading4"]))
    doc.build(story)
    return buf.getvalue()
