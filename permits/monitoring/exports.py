"""Exports for reports (to the mayor, the inspectorate): applications and their steps with their
times, for a range of registration dates, as CSV (streamed) or XLSX (openpyxl write-only mode).

Rows are read with `.iterator()` in chunks, so memory stays flat whatever the range. No personal
data: registration numbers, permit types, officers' usernames and instants only. Times are local
(Asia/Jakarta); durations are working hours.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterator
from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from permits.catalog.models import Step
from permits.core.errors import ServiceError
from permits.workflow.models import Application, Task

from .selectors import JAKARTA, local_midnight

MAX_DAYS = 366
CHUNK = 2000

APPLICATION_COLUMNS = [
    "nomor_pendaftaran",
    "jenis_izin",
    "status",
    "terdaftar",
    "janji_selesai",
    "diputus",
    "tepat_waktu",
    "selesai",
    "jeda_jam_kerja",
    "dikembalikan_kali",
    "langkah_sekarang",
]
STEP_COLUMNS = [
    "nomor_pendaftaran",
    "jenis_izin",
    "urutan",
    "langkah",
    "jenis_langkah",
    "peran",
    "petugas",
    "keadaan",
    "mulai",
    "batas_waktu",
    "selesai",
    "batas_jam_kerja",
    "waktu_kerja_jam",
    "tepat_waktu",
    "hasil",
]


def export_range(start: str, end: str, *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """(first, last) local dates from the form (YYYY-MM-DD); default: this month up to today."""
    today = today or timezone.localdate()
    try:
        first = datetime.date.fromisoformat(start) if start else today.replace(day=1)
        last = datetime.date.fromisoformat(end) if end else today
    except ValueError:
        raise ServiceError(
            "invalid",
            _l("Tanggal tidak valid (format TTTT-BB-HH)."),
            fields={"dari": "Format TTTT-BB-HH."},
            status=422,
        ) from None
    if last < first:
        raise ServiceError("invalid", _l("Tanggal akhir sebelum tanggal awal."), fields={"sampai": "?"}, status=422)
    if (last - first).days >= MAX_DAYS:
        raise ServiceError(
            "invalid",
            _l("Rentang paling panjang %(days)s hari; ekspor per tahun."),
            params={"days": MAX_DAYS},
            fields={"sampai": f"Maks. {MAX_DAYS} hari."},
            status=422,
        )
    return first, last


def _bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    """Local wall-clock time without tzinfo (what a spreadsheet cell holds)."""
    return timezone.localtime(value, JAKARTA).replace(tzinfo=None, microsecond=0) if value else None


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def application_rows(first: datetime.date, last: datetime.date) -> Iterator[list]:
    start, end = _bounds(first, last)
    signed = Task.objects.filter(application=OuterRef("pk"), kind=Step.Kind.SIGNING, state=Task.State.DONE)
    current = Task.objects.filter(application=OuterRef("pk"), state__in=Task.ACTIVE_STATES)
    qs = (
        Application.objects.filter(registered_at__gte=start, registered_at__lt=end)
        .annotate(
            signed_at=Subquery(signed.order_by("-finished_at").values("finished_at")[:1]),
            current_kind=Subquery(current.order_by("-started_at").values("kind")[:1]),
        )
        .values_list(
            "registration_number",
            "permit_type__code",
            "status",
            "registered_at",
            "promised_completion_at",
            "signed_at",
            "finished_at",
            "paused_seconds",
            "returns_count",
            "current_kind",
        )
        .order_by("registered_at", "id")
    )
    for number, code, status, registered, promised, signed_at, finished, paused, returns, kind in qs.iterator(CHUNK):
        decided = finished if status == Application.Status.REJECTED else signed_at
        on_time = "" if decided is None else ("ya" if decided <= promised else "tidak")
        yield [
            number,
            code,
            status,
            _local(registered),
            _local(promised),
            _local(decided),
            on_time,
            _local(finished),
            _hours(paused),
            returns,
            kind or "",
        ]


def step_rows(first: datetime.date, last: datetime.date) -> Iterator[list]:
    start, end = _bounds(first, last)
    qs = (
        Task.objects.filter(application__registered_at__gte=start, application__registered_at__lt=end)
        .values_list(
            "application__registration_number",
            "application__permit_type__code",
            "step__order",
            "step__name_id",
            "kind",
            "role",
            "assignee__username",
            "state",
            "started_at",
            "due_at",
            "finished_at",
            "bound_seconds",
            "working_seconds",
            "outcome",
        )
        .order_by("application__registered_at", "application_id", "started_at", "id")
    )
    for row in qs.iterator(CHUNK):
        number, code, order, name, kind, role, who, state, started, due, finished, bound, worked, outcome = row
        on_time = ("ya" if worked <= bound else "tidak") if state == Task.State.DONE and worked is not None else ""
        yield [
            number,
            code,
            order,
            name,
            kind,
            role,
            who or "",
            state,
            _local(started),
            _local(due),
            _local(finished),
            _hours(bound),
            _hours(worked),
            on_time,
            outcome,
        ]


EXPORTS = {
    "permohonan": (APPLICATION_COLUMNS, application_rows),
    "langkah": (STEP_COLUMNS, step_rows),
}


class _Echo:
    """A write-only file for csv.writer: each write returns the line for the streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def csv_lines(columns: list[str], rows: Iterator[list]) -> Iterator[str]:
    """The CSV text line by line (UTF-8 with BOM so that spreadsheets read the accents right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def xlsx_file(title: str, columns: list[str], rows: Iterator[list]):
    """A temporary file holding the workbook (write-only mode: rows are streamed to disk)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(columns)
    for row in rows:
        ws.append(row)
    out = tempfile.TemporaryFile()
    wb.save(out)
    out.seek(0)
    return out
