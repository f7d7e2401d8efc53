"""Rendering editable message texts, safely and within an SMS (pure Python, no database).

Texts are edited by administrators, so they are never given to a template engine or to
`str.format` (which can reach attributes: `{x.__class__}`). A text may only name placeholders
from `PLACEHOLDERS`, written `{name}`; each value is cut to the placeholder's length so that a
rendered SMS stays within one 160-character GSM-7 part whatever the data (`check_text` proves
it with the long samples below, in the admin and in the tests).
"""

import datetime
import string
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    max_len: int  # a longer value is cut with "..." (URLs are never cut: their max is a promise)
    sample: str  # a realistic long value, used to prove that a text fits an SMS
    cut: bool = True


PLACEHOLDERS: dict[str, Placeholder] = {
    "office": Placeholder(30, "DPMPTSP Kota Contoh Sejahtera"),
    "number": Placeholder(21, "DPMPTSP-KC-2026-00123"),  # REGISTRATION_NUMBER_FORMAT fits (checks.py)
    "permit": Placeholder(40, "Persetujuan Bangunan Gedung (PBG) Usaha"),
    "name": Placeholder(30, "Raden Ajeng Siti Nur'aini Putri"),
    "url": Placeholder(64, "https://perizinan.kotacontohsejahtera.go.id/lacak/2026-000123/", cut=False),
    "date": Placeholder(20, "Selasa, 29/12/2026"),  # date_id: the longest day names (Selasa, Minggu) + date
    "due": Placeholder(10, "31/12/2026"),  # due_text: the date alone, whoever sets it
    "items": Placeholder(75, "Surat kuasa bermeterai; gambar denah lantai 2 ditandatangani; foto lokasi terbaru"),
    "reason": Placeholder(70, "Lokasi bangunan tidak sesuai rencana tata ruang wilayah (RTRW) kota tahun 2024"),
    "amount": Placeholder(22, "Rp 999.999.999.999.999"),  # rupiah() of the largest amount a bill holds (15 digits)
    "va": Placeholder(20, "88880120260001234567"),
    "place": Placeholder(35, "Loket 3, Jl. Merdeka No. 1, Kota Contoh"),
    "hours": Placeholder(30, "Senin-Jumat 08.00-16.00 WIB"),
    "step": Placeholder(25, "Survei lapangan dan BAP"),
    "overdue": Placeholder(15, "12 hari kerja"),
    "officer": Placeholder(30, "Bambang Sutrisno Wibisono, S.T."),
}
SMS_LIMIT = 160  # septets in one GSM-7 part; a longer text costs two messages and may arrive split
EMAIL_VALUE_LIMIT = 2000  # email shows values whole (a rejection's full reason), within reason

# GSM 03.38: the basic table (1 septet each) and the extension table (2 septets: escape + char).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "})


def due_text(day: datetime.date) -> str:
    """The one form of `{due}` ("05/12/2026"): a registration's promised date and a bill's due date alike.
    The day name is `{date}`'s (date_id); `{due}` has room for the date only."""
    return day.strftime("%d/%m/%Y")


def parse(text: str) -> list[tuple[str, str | None]]:
    """[(literal, placeholder name or None)]; ValueError when braces do not pair up."""
    return [(literal, field) for literal, field, _spec, _conv in string.Formatter().parse(text)]


def text_errors(text: str) -> list[str]:
    """What is wrong with an editable text (Indonesian, for the admin form); [] when it is fine."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return ["Kurung kurawal { } tidak berpasangan. Tulis {{ atau }} untuk tanda kurung biasa."]
    errors = []
    for _literal, field, spec, conv in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conv:
            known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
            errors.append(f"Isian {{{field}}} tidak dikenal. Yang boleh dipakai: {known}.")
    return errors


def _value(name: str, context: dict, limit: bool) -> str:
    raw = context.get(name)
    value = " ".join(str(raw).split()) if raw not in (None, "") else "-"
    spec = PLACEHOLDERS.get(name)
    cap = spec.max_len if (limit and spec and spec.cut) else EMAIL_VALUE_LIMIT
    if len(value) > cap:
        value = value[: cap - 3].rstrip() + "..."
    return value


def render(text: str, context: dict, *, limit: bool = True) -> str:
    """Fill the placeholders of `text` from `context`. Values are cut to their length when `limit`
    (SMS, WhatsApp); a missing value shows as "-", an unknown placeholder as nothing."""
    try:
        parts = parse(text)
    except ValueError:
        return text  # an unvalidated text: send it as written rather than not at all
    out = []
    for literal, field in parts:
        out.append(literal)
        if field is not None and field in PLACEHOLDERS:
            out.append(_value(field, context, limit))
    return "".join(out)


def to_gsm7(text: str) -> str:
    """The text in the GSM-7 alphabet, so that one SMS holds 160 characters (not 70 in UCS-2):
    typographic quotes and dashes become plain ones, accents are dropped, the rest becomes "?"."""
    out = []
    for char in text.translate(_TYPOGRAPHY):
        if char in GSM_BASIC or char in GSM_EXTENDED:
            out.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(plain if plain and all(c in GSM_BASIC for c in plain) else "?")
    return "".join(out)


def sms_length(text: str) -> int:
    """Septets the text takes in GSM-7 (extension characters count twice)."""
    return sum(2 if c in GSM_EXTENDED else 1 for c in to_gsm7(text))


def sample_context() -> dict[str, str]:
    return {name: p.sample for name, p in PLACEHOLDERS.items()}


def sms_errors(text: str) -> list[str]:
    """[] when `text`, filled with the long samples, fits one SMS; else the reason (Indonesian)."""
    length = sms_length(render(text, sample_context()))
    if length > SMS_LIMIT:
        return [f"Teks SMS terlalu panjang: {length} karakter dengan isian terpanjang (maks. {SMS_LIMIT})."]
    return []
