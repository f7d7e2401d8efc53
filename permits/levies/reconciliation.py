"""Reconciliation with the bank's daily settlement statement (CSV, columns in docs/LEVY.md).

Import is idempotent: a line is unique by (bank reference, statement date), so importing the same
file again adds nothing. A line matches our payment through its VA number (a bill is paid at most
once). The report of a day lists what matches, what only the bank has, what only we posted, and
amount differences; the treasurer resolves each mismatch with a note (audited).
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from permits.core.audit import audit_record
from permits.core.clock import now_or
from permits.core.errors import Conflict, Invalid, ServiceError

from .models import Payment, ReconciliationNote, StatementLine
from .services import _require_treasurer, normalise_va

COLUMNS = ("tanggal", "waktu_transaksi", "no_va", "referensi_bank", "payment_request_id", "jumlah")
REQUIRED = ("tanggal", "no_va", "referensi_bank", "jumlah")
KINDS = ("bank_only", "ours_only", "amount_diff")


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    dates: set = field(default_factory=set)


def _amount(text: str) -> Decimal:
    value = Decimal(text.strip().replace(" ", ""))
    if not value.is_finite() or value <= 0 or value != value.to_integral_value():
        raise InvalidOperation
    return value.quantize(Decimal(1))


def _row(row: dict) -> dict:
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise ValueError(f"kolom kosong: {', '.join(missing)}")
    try:
        day = datetime.date.fromisoformat(row["tanggal"].strip())
    except ValueError:
        raise ValueError("tanggal harus YYYY-MM-DD") from None
    trx_at = None
    if (row.get("waktu_transaksi") or "").strip():
        try:
            trx_at = datetime.datetime.fromisoformat(row["waktu_transaksi"].strip())
        except ValueError:
            raise ValueError("waktu_transaksi harus ISO-8601") from None
        if trx_at.tzinfo is None:
            trx_at = trx_at.replace(tzinfo=timezone.get_default_timezone())
    try:
        amount = _amount(row["jumlah"])
    except (InvalidOperation, ValueError):
        raise ValueError("jumlah harus rupiah bulat") from None
    return {
        "statement_date": day,
        "trx_at": trx_at,
        "virtual_account_no": normalise_va(row["no_va"])[:28],
        "bank_reference": row["referensi_bank"].strip()[:128],
        "payment_request_id": (row.get("payment_request_id") or "").strip()[:128],
        "amount": amount,
    }


def _reader(text: str) -> csv.DictReader:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    return reader


def statement_import(*, actor, content: bytes | str, filename: str = "", now=None) -> ImportResult:
    """Import the bank's statement CSV; lines already imported are counted, not added again."""
    _require_treasurer(actor)
    now = now_or(now)
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError:
        raise ServiceError("invalid", _l("Berkas harus CSV teks (UTF-8)."), status=422) from None
    reader = _reader(text)
    absent = [c for c in REQUIRED if c not in reader.fieldnames]
    if absent:
        raise Invalid(
            {"file": "Kolom CSV tidak sesuai."},
            _l("Kolom wajib tidak ada: %(columns)s. Lihat docs/LEVY.md."),
            params={"columns": ", ".join(absent)},
        )
    result = ImportResult()
    for number, row in enumerate(reader, start=2):
        try:
            values = _row(row)
        except ValueError as exc:
            result.errors.append((number, str(exc)))
            continue
        with transaction.atomic():
            if StatementLine.objects.filter(
                bank_reference=values["bank_reference"], statement_date=values["statement_date"]
            ).exists():
                result.already += 1
                continue
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .filter(bill__virtual_account_no=values["virtual_account_no"], statement_lines__isnull=True)
                .first()
            )
            try:
                with transaction.atomic():
                    StatementLine.objects.create(
                        **values, payment=payment, raw=dict(row), imported_at=now, imported_by=actor
                    )
            except IntegrityError:
                result.already += 1
                continue
        result.added += 1
        result.dates.add(values["statement_date"])
    for day in sorted(result.dates):
        audit_record(
            actor=actor,
            action="levy.statement_import",
            obj=f"statement:{day.isoformat()}",
            after={"file": filename[:200], "added": result.added, "already": result.already},
            stream=f"levies.statement:{day.isoformat()}",
            at=now,
        )
    return result


@dataclass
class Mismatch:
    kind: str  # bank_only / ours_only / amount_diff
    key: str
    line: StatementLine | None = None
    payment: Payment | None = None
    note: ReconciliationNote | None = None


@dataclass
class Report:
    day: datetime.date
    matched: list[StatementLine]
    mismatches: list[Mismatch]

    def of(self, kind: str) -> list[Mismatch]:
        return [m for m in self.mismatches if m.kind == kind]

    @property
    def open_count(self) -> int:
        return sum(1 for m in self.mismatches if m.note is None)


def reconciliation_report(day: datetime.date) -> Report:
    """Matched lines and mismatches of one statement date (with any resolution note)."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    lines = list(
        StatementLine.objects.filter(statement_date=day).select_related("payment__bill__application").order_by("id")
    )
    matched, mismatches = [], []
    for line in lines:
        if line.payment is None:
            mismatches.append(Mismatch("bank_only", f"bank_only:line:{line.pk}", line=line))
        elif line.payment.amount != line.amount:
            mismatches.append(Mismatch("amount_diff", f"amount_diff:line:{line.pk}", line=line, payment=line.payment))
        else:
            matched.append(line)
    ours = (
        Payment.objects.filter(paid_at__gte=start, paid_at__lt=start + datetime.timedelta(days=1))
        .filter(statement_lines__isnull=True)
        .select_related("bill__application")
        .order_by("paid_at")
    )
    mismatches += [Mismatch("ours_only", f"ours_only:payment:{p.pk}", payment=p) for p in ours]
    notes = {n.key: n for n in ReconciliationNote.objects.filter(key__in=[m.key for m in mismatches])}
    for m in mismatches:
        m.note = notes.get(m.key)
    return Report(day, matched, mismatches)


def reconciliation_resolve(*, actor, key: str, day: datetime.date, note: str, now=None) -> ReconciliationNote:
    """Record how a mismatch was settled (once); the note joins the day's audit stream."""
    _require_treasurer(actor)
    now = now_or(now)
    note = (note or "").strip()
    if not note:
        raise Invalid({"note": "Wajib diisi."}, _l("Catatan penyelesaian wajib diisi."))
    report = reconciliation_report(day)
    mismatch = next((m for m in report.mismatches if m.key == key), None)
    if mismatch is None:
        raise ServiceError("not_found", _l("Selisih tersebut tidak ada pada tanggal ini."), status=404)
    with transaction.atomic():
        try:
            with transaction.atomic():
                resolution = ReconciliationNote.objects.create(
                    key=key,
                    statement_date=day,
                    kind=mismatch.kind,
                    note=note[:4000],
                    resolved_by=actor,
                    resolved_at=now,
                )
        except IntegrityError:
            raise Conflict("already_resolved", _l("Selisih ini sudah diselesaikan.")) from None
        audit_record(
            actor=actor,
            action="levy.reconciliation_resolve",
            obj=resolution,
            after={"key": key, "kind": mismatch.kind},
            note=note,
            stream=f"levies.statement:{day.isoformat()}",
            at=now,
        )
    return resolution
