"""What the levy documents (SKRD, SKPD and their late-payment claims STRD/STPD) say, as plain Python: titles,
number formats, the period, the total in words, the sanction for late payment and the objection deadline.

No database here: the services and the PDF/page read these so that the figures a document prints and the
amount the bank collects come from one place. Rates, caps and periods are settings (docs/LEVY.md cites the
rule behind each default).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from num2words import num2words

SKRD, SKPD, STRD, STPD = "SKRD", "SKPD", "STRD", "STPD"
CLAIM_OF = {SKRD: STRD, SKPD: STPD}  # the claim (surat tagihan) that follows an unpaid assessment

TITLES = {
    SKRD: "SURAT KETETAPAN RETRIBUSI DAERAH",
    SKPD: "SURAT KETETAPAN PAJAK DAERAH",
    STRD: "SURAT TAGIHAN RETRIBUSI DAERAH",
    STPD: "SURAT TAGIHAN PAJAK DAERAH",
}


def is_tax(kind: str) -> bool:
    return kind in (SKPD, STPD)


def number_format(kind: str) -> str:
    """The number format setting of a kind (each kind its own gap-free yearly series)."""
    return {
        SKRD: settings.SKRD_NUMBER_FORMAT,
        SKPD: settings.SKPD_NUMBER_FORMAT,
        STRD: settings.STRD_NUMBER_FORMAT,
        STPD: settings.STPD_NUMBER_FORMAT,
    }[kind]


def sequence_key(kind: str, year: int) -> str:
    return f"{kind.lower()}:{year}"  # "skrd:2026" is the series SKRDs always used


def words(amount: Decimal, lang: str | None = None) -> str:
    """'tiga juta enam puluh enam ribu rupiah' (terbilang), by num2words, never hand-written; in English on an
    English page ('three million, sixty-six thousand rupiah'); the PDF is always Indonesian."""
    lang = "en" if (lang or get_language() or "id").startswith("en") else "id"
    return f"{num2words(int(amount), lang=lang)} rupiah"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_text(kind: str, issued_on: datetime.date, data: dict) -> str:
    """The period (masa retribusi / masa pajak) printed on the document.

    A permit levy is charged once for the permit (masa retribusi: the year of issue). A tax with a duration
    in the object data (billboard: `durasi_bulan`) covers that many months from the day of issue; any other
    tax, the month of issue (groundwater tax is assessed per month)."""
    if not is_tax(kind):
        return str(issued_on.year)  # the year of the permit's one-off levy
    try:
        months = int(Decimal(str((data or {}).get("durasi_bulan") or 0)))
    except (ArithmeticError, ValueError):
        months = 0
    if months > 0:
        end = add_months(issued_on, months) - datetime.timedelta(days=1)
        return f"{issued_on:%d/%m/%Y} - {end:%d/%m/%Y}"
    return f"{issued_on:%m/%Y}"


def payer_reg_no(kind: str, data: dict) -> str:
    """The payer's NPWPD (tax) or NPWRD (levy) when the object data carries one; else blank ('belum terdaftar')."""
    key = "npwpd" if is_tax(kind) else "npwrd"
    return str((data or {}).get(key) or "").strip()[:40]


def objection_deadline(issued_on: datetime.date) -> datetime.date:
    """The last day to object (keberatan): LEVY_OBJECTION_MONTHS after the document's date."""
    return add_months(issued_on, settings.LEVY_OBJECTION_MONTHS)


@dataclass(frozen=True)
class Sanction:
    """The interest owed on a late principal at a moment: `months` started since the due date (capped)."""

    principal: Decimal
    months: int
    amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.amount


def months_started(due_date: datetime.date, day: datetime.date) -> int:
    """How many months have started since the due date when paying on `day` (0 on or before the due date).

    Month n covers the days after due + (n-1) months up to due + n months: due 31/01, paid 01/02 -> 1;
    paid 29/02 (leap year) -> 1; paid 01/03 -> 2."""
    if day <= due_date:
        return 0
    n = (day.year - due_date.year) * 12 + day.month - due_date.month
    n = max(n, 1)
    while add_months(due_date, n) < day:
        n += 1
    while n > 1 and add_months(due_date, n - 1) >= day:
        n -= 1
    return n


def sanction(principal: Decimal, due_date: datetime.date, day: datetime.date) -> Sanction:
    """LEVY_SANCTION_PERCENT per started month on the principal, at most LEVY_SANCTION_MAX_MONTHS months,
    rounded down to whole rupiah (never a fraction charged). Rp 1.250.000, 3 months: Rp 37.500."""
    months = min(months_started(due_date, day), settings.LEVY_SANCTION_MAX_MONTHS)
    rate = Decimal(str(settings.LEVY_SANCTION_PERCENT)) / 100
    amount = (principal * rate * months).quantize(Decimal(1), rounding=ROUND_DOWN)
    return Sanction(principal, months, amount)


_LOCATION_KEYS = ("lokasi", "alamat_lokasi", "alamat_praktik", "alamat_usaha", "kelurahan", "kecamatan")


def object_location(data: dict) -> str:
    """Where the object is, from the application's object data: the location and address fields the demo
    permit types use (and any other field named alamat_* or lokasi_*), in that order, without repeats."""
    data = data or {}
    keys = [*_LOCATION_KEYS, *sorted(k for k in data if k.startswith(("alamat_", "lokasi_")))]
    seen: list[str] = []
    for key in keys:
        value = str(data.get(key) or "").strip()
        if value and value not in seen:
            seen.append(value)
    return ", ".join(seen)


def sanction_clause(kind: str) -> str:
    """The late-payment clause printed on an SKRD/SKPD (rate and cap from the settings), in the active
    language (the PDF is rendered in Indonesian)."""
    params = {
        "kind": kind,
        "claim": CLAIM_OF.get(kind, kind),
        "rate": settings.LEVY_SANCTION_PERCENT,
        "months": settings.LEVY_SANCTION_MAX_MONTHS,
    }
    if is_tax(kind):
        return (
            _(
                "Apabila %(kind)s ini tidak atau kurang dibayar setelah lewat jatuh tempo, dikenakan sanksi "
                "administratif berupa bunga sebesar %(rate)s%% per bulan dari pajak yang tidak atau kurang dibayar, "
                "dihitung per bulan yang telah dimulai sejak jatuh tempo, paling lama %(months)s bulan, dan "
                "ditagih dengan %(claim)s."
            )
            % params
        )
    return (
        _(
            "Apabila %(kind)s ini tidak atau kurang dibayar setelah lewat jatuh tempo, dikenakan sanksi "
            "administratif berupa bunga sebesar %(rate)s%% per bulan dari retribusi yang tidak atau kurang "
            "dibayar, dihitung per bulan yang telah dimulai sejak jatuh tempo, paling lama %(months)s bulan, dan "
            "ditagih dengan %(claim)s."
        )
        % params
    )


def objection_clause(kind: str, issued_on: datetime.date) -> str:
    """The right to object (keberatan) and its last day, in the active language."""
    params = {
        "kind": kind,
        "months": settings.LEVY_OBJECTION_MONTHS,
        "until": f"{objection_deadline(issued_on):%d/%m/%Y}",
    }
    if is_tax(kind):
        return (
            _(
                "Wajib Pajak dapat mengajukan keberatan secara tertulis dalam bahasa Indonesia dengan alasan yang "
                "jelas kepada Kepala Daerah atau pejabat yang ditunjuk paling lama %(months)s bulan sejak tanggal "
                "%(kind)s ini, yaitu sampai dengan %(until)s. Pengajuan keberatan tidak menunda kewajiban membayar."
            )
            % params
        )
    return (
        _(
            "Wajib Retribusi dapat mengajukan keberatan secara tertulis dalam bahasa Indonesia dengan alasan yang "
            "jelas kepada Kepala Daerah atau pejabat yang ditunjuk paling lama %(months)s bulan sejak tanggal "
            "%(kind)s ini, yaitu sampai dengan %(until)s. Pengajuan keberatan tidak menunda kewajiban membayar."
        )
        % params
    )
