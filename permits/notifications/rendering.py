"""Rendering editable message texts, safely and within an SMS (pure Python, no database).

Texts are edited by administrators, so they are never given to a template engine or to
`str.format` (which can reach attributes: `{x.__class__}`). A text may only name placeholders
from `PLACEHOLDERS`, written `{name}`; each value is cut to the placeholder's length so that a
rendered SMS stays within one 160-character GSM-7 part whatever the data (`check_text` proves
it with the long samples below, in the admin and in the tests).

A list-like value (what to bring, a rejection's reason and note) is never cut mid-word: its items
travel in the context separated by `ITEM_SEP`, and `shorten_items` keeps as many WHOLE items as the
channel's budget leaves room for ("A; B dan 2 lainnya"). One rule, used by every channel: an SMS
gets the room its 160 characters leave after the rest of the text (the tracking link included),
WhatsApp its body limit, email the whole list.
"""

import datetime
import re
import string
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    max_len: int  # a longer value is cut with "..." (URLs are never cut: their max is a promise)
    sample: str  # a realistic long value, used to prove that a text fits an SMS
    cut: bool = True
    # A list-like value: its items (ITEM_SEP in the context) are shown joined by `joiner` and shortened by
    # whole items; `max_len` is then the least room a text must leave it (sms_errors proves that).
    joiner: str = ""
    count_rest: bool = True  # the left-out items are counted ("dan 2 lainnya"); else "..." (a reason's sentences)


PLACEHOLDERS: dict[str, Placeholder] = {
    "office": Placeholder(30, "DPMPTSP Kota Contoh Sejahtera"),
    "number": Placeholder(21, "DPMPTSP-KC-2026-00123"),  # REGISTRATION_NUMBER_FORMAT fits (checks.py)
    "permit": Placeholder(40, "Persetujuan Bangunan Gedung (PBG) Usaha"),
    "name": Placeholder(30, "Raden Ajeng Siti Nur'aini Putri"),
    "url": Placeholder(64, "https://perizinan.kotacontohsejahtera.go.id/lacak/2026-000123/", cut=False),
    "date": Placeholder(20, "Selasa, 29/12/2026"),  # date_id: the longest day names (Selasa, Minggu) + date
    "due": Placeholder(10, "31/12/2026"),  # due_text: the date alone, whoever sets it
    "items": Placeholder(
        30, "Surat kuasa bermeterai\ngambar denah lantai 2 ditandatangani\nfoto lokasi terbaru", joiner="; "
    ),
    "reason": Placeholder(
        30,
        "Lokasi bangunan tidak sesuai rencana tata ruang wilayah (RTRW) kota tahun 2024.",
        joiner=" ",
        count_rest=False,
    ),
    "amount": Placeholder(22, "Rp 999.999.999.999.999"),  # rupiah() of the largest amount a bill holds (15 digits)
    "va": Placeholder(20, "88880120260001234567"),
    "place": Placeholder(35, "Loket 3, Jl. Merdeka No. 1, Kota Contoh"),
    "hours": Placeholder(30, "Senin-Jumat 08.00-16.00 WIB"),
    "step": Placeholder(25, "Survei lapangan dan BAP"),
    "overdue": Placeholder(15, "12 hari kerja"),
    "officer": Placeholder(30, "Bambang Sutrisno Wibisono, S.T."),
}
SMS_LIMIT = 160  # septets in one GSM-7 part; a longer text costs two messages and may arrive split
WHATSAPP_LIMIT = 1024  # characters in a WhatsApp template's body: room for every item of a list
EMAIL_VALUE_LIMIT = 2000  # email shows values whole (a rejection's full reason), within reason
ITEM_SEP = "\n"  # between the items of a list-like value in a message's context
_MORE = {"id": " dan {n} lainnya", "en": " and {n} more"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

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


def join_items(items) -> str:
    """A list-like value as the context carries it (the callers' side of `shorten_items`)."""
    return ITEM_SEP.join(" ".join(str(item).split()) for item in items if item and str(item).strip())


def sentences(text: str) -> list[str]:
    """A free text's sentences, so that a long note is shortened by whole sentences."""
    return [part for part in _SENTENCE_END.split(" ".join(str(text or "").split())) if part]


def _first_words(text: str, room: int, measure) -> str:
    """The words of `text` that fit in `room` with "..." (never part of a word; "..." alone if none fits)."""
    words = text.split()
    while words and measure(" ".join(words) + "...") > room:
        words.pop()
    return " ".join(words).rstrip(".,;:") + "..."


def shorten_items(
    items: list[str], room: int, *, joiner: str = "; ", language: str = "id", count_rest: bool = True, measure=len
) -> str:
    """THE rule for list-like values: the items joined, or as many WHOLE items as fit in `room` followed
    by how many were left out ("A; B dan 2 lainnya" / "A; B and 2 more"; "..." when `count_rest` is off).
    When not even the first item fits, its first whole words. `measure` is `sms_length` for an SMS."""
    items = [" ".join(str(i).split()) for i in items if i and str(i).strip()]
    if not items:
        return "-"

    def rest(n: int) -> str:
        if not n:
            return ""
        return _MORE.get(language, _MORE["id"]).format(n=n) if count_rest else "..."

    whole = joiner.join(items)
    if measure(whole) <= room:
        return whole
    for keep in range(len(items) - 1, 0, -1):
        shown = joiner.join(items[:keep]).rstrip(" .,;:" if not count_rest else " ") + rest(len(items) - keep)
        if measure(shown) <= room:
            return shown
    tail = rest(len(items) - 1) if count_rest else ""
    return _first_words(items[0], room - measure(tail), measure) + tail


def _items(raw) -> list[str]:
    return str(raw).split(ITEM_SEP) if raw not in (None, "") else []


def _value(name: str, context: dict, limit: bool) -> str:
    raw = context.get(name)
    value = " ".join(str(raw).split()) if raw not in (None, "") else "-"
    spec = PLACEHOLDERS.get(name)
    cap = spec.max_len if (limit and spec and spec.cut) else EMAIL_VALUE_LIMIT
    if len(value) > cap:
        value = _first_words(value, cap, len)
    return value


def render(
    text: str, context: dict, *, limit: bool = True, budget: int | None = None, sms: bool = False, language: str = "id"
) -> str:
    """Fill the placeholders of `text` from `context`; a missing value shows as "-", an unknown
    placeholder as nothing. When `limit` (SMS, WhatsApp) values are cut to their length by whole words,
    and list-like values (Placeholder.joiner) share what `budget` leaves after the rest of the text
    (whole items, `shorten_items`), or their `max_len` without a budget. Without `limit` (email) list
    values are whole. `sms`: the budget is one SMS, counted in GSM-7 septets."""
    try:
        parts = parse(text)
    except ValueError:
        return text  # an unvalidated text: send it as written rather than not at all
    measure = sms_length if sms else len
    if sms and budget is None:
        budget = SMS_LIMIT
    fixed, lists = [], []
    for literal, field in parts:
        fixed.append(literal)
        spec = PLACEHOLDERS.get(field) if field is not None else None
        if spec is None:
            continue
        if spec.joiner:
            lists.append((len(fixed), field, spec))
            fixed.append("")
        else:
            fixed.append(_value(field, context, limit))
    left = budget - measure("".join(fixed)) if budget is not None else None
    for count, (index, field, spec) in enumerate(lists):
        if not limit:
            room = EMAIL_VALUE_LIMIT
        elif left is None:
            room = spec.max_len
        else:  # share the room left between the list values of the text (usually one)
            room = max(left // (len(lists) - count), 0)
        kw = {"joiner": spec.joiner, "language": language, "count_rest": spec.count_rest, "measure": measure}
        fixed[index] = shorten_items(_items(context.get(field)), room, **kw)
        if left is not None:
            left -= measure(fixed[index])
    return "".join(fixed)


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
    """The longest realistic values (list values keep their items apart, ITEM_SEP)."""
    return {name: p.sample for name, p in PLACEHOLDERS.items()}


def sms_errors(text: str) -> list[str]:
    """[] when `text`, filled with the long samples, fits one SMS; else the reason (Indonesian)."""
    length = sms_length(render(text, sample_context()))
    if length > SMS_LIMIT:
        return [f"Teks SMS terlalu panjang: {length} karakter dengan isian terpanjang (maks. {SMS_LIMIT})."]
    return []
