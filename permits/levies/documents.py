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


def words(amount: Decimal) -> str:
    """'tiga juta enam puluh enam ribu rupiah' (terbilang), by num2words: never hand-written."""
    return f"{num2words(int(amount), lang='id')} rupiah"


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
        return f"Tahun {issued_on.year}"
    try:
        months = int(Decimal(str((data or {}).get("durasi_bulan") or 0)))
    except (ArithmeticError, ValueError):
        months = 0
    if months > 0:
        end = add_months(issued_on, months) - datetime.timedelta(days=1)
        return f"{issued_on:%d/%m/%Y} s.d. {end:%d/%m/%Y}"
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
