"""Drafting a decree: the text from the permit type's template and the application, laid out as an A4
PDF with ReportLab (pure Python wheel, mature, exact placement of letterhead, tables and the QR).

`decree_draft(...)` gathers everything printed (reads the database); `render_pdf(draft)` only lays
it out, so the layout is tested without a database and the same code renders the head's preview.
"""

import datetime
import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.platypus import (
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from permits.catalog.models import DataField
from permits.core.identity import nip_printed
from permits.core.qr import qr_drawing
from permits.workflow.models import Applicant, Application

from .models import DecreeTemplate

_WORDS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"]
_WORDS += [f"{w} belas" for w in _WORDS[2:10]] + ["dua puluh"]
OBJECT_TABLE = "{object_table}"

DEFAULT_BODY = "\n".join(
    [
        (
            "Menimbang: a. bahwa {holder} telah mengajukan permohonan {permit_type} dengan nomor pendaftaran"
            " {registration_number} tanggal {registered_date};"
        ),
        (
            "b. bahwa berdasarkan hasil pemeriksaan berkas dan kajian teknis, permohonan tersebut telah "
            "memenuhi persyaratan sesuai ketentuan peraturan perundang-undangan;"
        ),
        (
            "c. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu "
            "menetapkan Keputusan tentang Pemberian {permit_type};"
        ),
        "Mengingat: {legal_basis}",
        "MEMUTUSKAN:",
        "Menetapkan: KEPUTUSAN {authority_upper} TENTANG PEMBERIAN {permit_type_upper}.",
        "KESATU: Memberikan {permit_type} kepada pemegang izin dengan data sebagai berikut:",
        "{object_table}",
        "KEDUA: Izin sebagaimana dimaksud dalam Diktum KESATU {validity}.",
        (
            "KETIGA: Pemegang izin wajib mematuhi ketentuan peraturan perundang-undangan; izin ini dapat "
            "dicabut apabila pemegang izin melanggar ketentuan tersebut atau data yang diberikan ternyata "
            "tidak benar."
        ),
        "KEEMPAT: Keputusan ini mulai berlaku pada tanggal ditetapkan.",
    ]
)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_LABELLED = re.compile(r"^([A-Za-z][A-Za-z ]{0,24}):\s*(.*)$")
_ITEM = re.compile(r"^([a-z]|\d{1,2})\.\s+")


@dataclass
class DecreeDraft:
    """Everything printed on one decree."""

    number: str
    subject: str  # the line after TENTANG
    authority: str  # "Kepala Dinas ..." (the office whose head decides)
    body: str  # the template with its placeholders filled in
    holder_rows: list[tuple[str, str]]
    object_rows: list[tuple[str, str]]
    place: str
    issued_on: datetime.date
    signer_name: str
    verify_url: str
    signer_position: str = ""  # the official's jabatan; blank: the authority
    signer_nip: str = ""
    office_name: str = ""
    office_address: str = ""
    logo_path: str = ""
    draft: bool = False  # a preview: watermark, no QR target yet
    electronic_note: str = ""
    extra: dict = field(default_factory=dict)


# --- text ---------------------------------------------------------------------------------------


def date_id(day: datetime.date) -> str:
    """'23 November 2026', with Django's Indonesian month names whatever language the officer reads: the
    decree is an Indonesian legal document."""
    with translation.override("id"):
        return date_format(day, "j F Y")


def years_words(n: int) -> str:
    return f"{n} ({_WORDS[n]})" if 0 <= n < len(_WORDS) else str(n)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def valid_until(issued_on: datetime.date, validity_years: int | None) -> datetime.date | None:
    """The last day of validity: the day before the same date `validity_years` later."""
    if not validity_years:
        return None
    return add_years(issued_on, validity_years) - datetime.timedelta(days=1)


def validity_text(validity_years: int | None, until: datetime.date | None) -> str:
    if not validity_years or until is None:
        return (
            "berlaku selama pemegang izin memenuhi ketentuan peraturan perundang-undangan dan tidak ada perubahan data"
        )
    return (
        f"berlaku selama {years_words(validity_years)} tahun sejak tanggal ditetapkan, "
        f"sampai dengan tanggal {date_id(until)}"
    )


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {name} for known names only (admin-edited text: no attribute access, no format spec)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def format_value(data_field: DataField | None, value) -> str:
    if value in (None, ""):
        return "-"
    text = str(value)
    if data_field is not None:
        if data_field.type == DataField.Type.DECIMAL:
            text = text.replace(".", ",")
        elif data_field.type == DataField.Type.DATE:
            try:
                text = date_id(datetime.date.fromisoformat(text))
            except ValueError:
                pass
        if data_field.unit:
            text = f"{text} {data_field.unit}"
    return text


def object_rows(application: Application) -> list[tuple[str, str]]:
    """The object data as printed: the permit type's fields in order, with their Indonesian labels."""
    data = application.data or {}
    rows = []
    for data_field in application.permit_type.data_fields.all():
        if data_field.code in data and data[data_field.code] not in (None, ""):
            rows.append((data_field.label_id, format_value(data_field, data[data_field.code])))
    return rows


def holder_rows(applicant: Applicant, registration_number: str) -> list[tuple[str, str]]:
    rows = [("Nama pemegang izin", applicant.display_name)]
    if applicant.kind == Applicant.Kind.COMPANY:
        if applicant.nib:
            rows.append(("NIB", applicant.nib))
        rows.append(("Penanggung jawab", applicant.name))
    rows.append(("Alamat", applicant.address))
    rows.append(("Nomor pendaftaran", registration_number))
    return rows


def legal_basis_text(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return "peraturan perundang-undangan yang berlaku."
    if len(lines) == 1:
        return lines[0]
    return "\n".join(f"{i}. {_ITEM.sub('', line)}" for i, line in enumerate(lines, start=1))


def decree_draft(
    *,
    application: Application,
    number: str,
    issued_at: datetime.datetime,
    verify_url: str,
    signer_name: str,
    signer_position: str = "",
    signer_nip: str = "",
    draft: bool = False,
) -> DecreeDraft:
    """The decree of `application` as it will be printed (reads its type's template and data fields)."""
    permit_type = application.permit_type
    template = DecreeTemplate.objects.filter(permit_type=permit_type).first()
    issued_on = timezone.localtime(issued_at).date()
    until = valid_until(issued_on, permit_type.validity_years)
    authority = settings.DECREE_AUTHORITY
    values = {
        "holder": application.applicant.display_name,
        "holder_address": application.applicant.address,
        "permit_type": permit_type.name_id,
        "permit_type_upper": permit_type.name_id.upper(),
        "registration_number": application.registration_number,
        "registered_date": date_id(timezone.localtime(application.registered_at).date()),
        "legal_basis": legal_basis_text(permit_type.legal_basis),
        "validity": validity_text(permit_type.validity_years, until),
        "office": settings.OFFICE_NAME,
        "place": settings.DECREE_PLACE,
        "authority": authority,
        "authority_upper": authority.upper(),
        "number": number,
    }
    subject = fill(template.subject if template and template.subject else f"Pemberian {permit_type.name_id}", values)
    return DecreeDraft(
        number=number,
        subject=subject.upper(),
        authority=authority,
        body=fill(template.body if template else DEFAULT_BODY, values),
        holder_rows=holder_rows(application.applicant, application.registration_number),
        object_rows=object_rows(application),
        place=settings.DECREE_PLACE,
        issued_on=issued_on,
        signer_name=signer_name,
        signer_position=signer_position,
        signer_nip=signer_nip,
        verify_url=verify_url,
        office_name=settings.OFFICE_NAME,
        office_address=settings.OFFICE_ADDRESS,
        logo_path=getattr(settings, "OFFICE_LOGO_PATH", "") or "",
        draft=draft,
        electronic_note=settings.DECREE_ELECTRONIC_NOTE,
        extra={"valid_until": until},
    )


# --- layout -------------------------------------------------------------------------------------

FONT, BOLD = "Times-Roman", "Times-Bold"
_BASE = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=13.5, alignment=TA_JUSTIFY)
_CENTER = ParagraphStyle("center", parent=_BASE, alignment=TA_CENTER)
_TITLE = ParagraphStyle("title", parent=_CENTER, fontName=BOLD, fontSize=12, leading=15.5)
_HEAD = ParagraphStyle("head", parent=_CENTER, fontName=BOLD, fontSize=14, leading=17)
_SMALL = ParagraphStyle("small", parent=_CENTER, fontSize=9, leading=11.5)
_ITEM_STYLE = ParagraphStyle("item", parent=_BASE, leftIndent=14, firstLineIndent=-14)
_CELL = ParagraphStyle("cell", parent=_BASE, alignment=0, fontSize=10, leading=12.5)
_SIGN = ParagraphStyle("sign", parent=_BASE, alignment=0)
_NOTE = ParagraphStyle("note", parent=_BASE, fontSize=8.5, leading=10.5, textColor=colors.HexColor("#333333"))
CONTENT_WIDTH = A4[0] - 4.5 * cm


def _p(text: str, style: ParagraphStyle = _BASE) -> Paragraph:
    return Paragraph(escape(text), style)


def _letterhead(draft: DecreeDraft) -> list:
    head = [_p(draft.office_name.upper(), _HEAD), _p(draft.office_address, _SMALL)]
    logo = Path(draft.logo_path) if draft.logo_path else None
    if logo is not None and logo.is_file():
        image = Image(str(logo), width=2.2 * cm, height=2.2 * cm, kind="proportional")
        table = Table([[image, head]], colWidths=[2.6 * cm, CONTENT_WIDTH - 2.6 * cm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        top = [table]
    else:
        top = head
    return [
        *top,
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=2, color=colors.black, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceAfter=10),
    ]


def _rows_table(rows: list[tuple[str, str]]) -> Table:
    table = Table(
        [[_p(label, _CELL), _p(value, _CELL)] for label, value in rows],
        colWidths=[5 * cm, CONTENT_WIDTH - 5.6 * cm],
        hAlign="RIGHT",
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
            ]
        )
    )
    return table


def _body(draft: DecreeDraft) -> list:
    """The template's lines: 'Label: text' rows, 'a.'/'1.' items under them, centred headings, the table."""
    flow: list = []
    rows: list[list] = []

    def flush():
        if rows:
            table = Table(rows, colWidths=[2.8 * cm, 0.4 * cm, CONTENT_WIDTH - 3.2 * cm])
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            flow.append(table)
            rows.clear()

    table_done = False
    for raw in draft.body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line == OBJECT_TABLE:
            flush()
            flow += [Spacer(1, 3), _rows_table(draft.holder_rows + draft.object_rows), Spacer(1, 6)]
            table_done = True
            continue
        labelled = _LABELLED.match(line)
        if labelled and labelled.group(2):
            style = _ITEM_STYLE if _ITEM.match(labelled.group(2)) else _BASE
            rows.append([_p(labelled.group(1)), _p(":"), _p(labelled.group(2), style)])
        elif _ITEM.match(line) and rows:
            rows.append(["", "", _p(line, _ITEM_STYLE)])
        else:
            flush()
            heading = labelled.group(1) + ":" if labelled else line
            style = _TITLE if heading.upper() == heading else _BASE
            flow += [Spacer(1, 4), _p(heading, style), Spacer(1, 4)]
    flush()
    if not table_done:
        flow += [Spacer(1, 6), _rows_table(draft.holder_rows + draft.object_rows)]
    return flow


def _signature(draft: DecreeDraft, last: list) -> KeepTogether:
    right = [
        _p(f"Ditetapkan di {draft.place}", _SIGN),
        _p(f"pada tanggal {date_id(draft.issued_on)}", _SIGN),
        Spacer(1, 4),
        Paragraph(f"<b>{escape((draft.signer_position or draft.authority).upper())},</b>", _SIGN),
        Spacer(1, 6),
        Paragraph("<i>Ditandatangani secara elektronik</i>", _SIGN),
        Spacer(1, 6),
        Paragraph(f"<b><u>{escape(draft.signer_name)}</u></b>", _SIGN),
    ]
    if draft.signer_nip:
        right.append(_p(f"NIP. {nip_printed(draft.signer_nip)}", _SIGN))
    caption = "Pindai untuk memeriksa keaslian" if not draft.draft else "QR verifikasi dibuat saat ditandatangani"
    left = [qr_drawing(draft.verify_url, 3.2 * cm), _p(caption, _NOTE)]
    table = Table([[left, right]], colWidths=[4.2 * cm, CONTENT_WIDTH - 4.2 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([*last, Spacer(1, 14), table])  # never a signature alone on a page


def _page(draft: DecreeDraft):
    def decorate(canvas, doc):
        canvas.saveState()
        width, _height = A4
        if draft.draft:
            canvas.setFont(BOLD, 60)
            canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.15))
            canvas.translate(width / 2, A4[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, 0, "DRAF")
            canvas.rotate(-45)
            canvas.translate(-width / 2, -A4[1] / 2)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.drawString(2.5 * cm, 1.55 * cm, draft.electronic_note[:170])
        canvas.drawString(2.5 * cm, 1.2 * cm, f"Periksa keaslian: {draft.verify_url}"[:170])
        canvas.drawRightString(width - 2 * cm, 0.85 * cm, f"SK nomor {draft.number} - halaman {doc.page}"[:100])
        canvas.restoreState()

    return decorate


def render_pdf(draft: DecreeDraft) -> bytes:
    """The decree as an A4 PDF (unsigned)."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2 * cm,
        topMargin=1.5 * cm,
        bottomMargin=2.2 * cm,
        title=f"Keputusan {draft.number}",
        author=draft.office_name,
        subject=draft.subject,
        creator="SMART",
    )
    story: list = [
        *_letterhead(draft),
        _p(f"KEPUTUSAN {draft.authority.upper()}", _TITLE),
        _p(f"NOMOR {draft.number}", _TITLE),
        Spacer(1, 6),
        _p("TENTANG", _TITLE),
        _p(draft.subject, _TITLE),
        Spacer(1, 10),
        _p(f"{draft.authority.upper()},", _TITLE),
        Spacer(1, 8),
    ]
    body = _body(draft)
    story += [*body[:-1], _signature(draft, body[-1:])]
    doc.build(story, onFirstPage=_page(draft), onLaterPages=_page(draft))
    return buffer.getvalue()
