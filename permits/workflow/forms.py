"""The officers' HTML forms, turned into the engine's payloads (and payloads back into readable rows).

Plain functions over `request.POST`, not Django forms: the engine validates (payloads.py) and keys
its field errors by the same names the forms use, so a page only has to put each message back
under its input. Two kinds post repeated rows (survey measurements, levy lines); their rows are
numbered in the form and the engine's errors are mapped back to those numbers here.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from permits.catalog.models import Step
from permits.catalog.rules import parse_decimal
from permits.core.money import rupiah

K = Step.Kind
MEASUREMENT_ROWS = 4
LEVY_ROWS = 5


def _s(post, key: str) -> str:
    return (post.get(key) or "").strip()


def _measurement_rows(post) -> list[tuple[int, str, str]]:
    rows = [(i, _s(post, f"m.name.{i}"), _s(post, f"m.value.{i}")) for i in range(MEASUREMENT_ROWS)]
    return [row for row in rows if row[1] or row[2]]


def _levy_rows(post) -> list[tuple[int, str, str]]:
    rows = [(i, _s(post, f"lines.{i}.description"), _s(post, f"lines.{i}.amount")) for i in range(LEVY_ROWS)]
    return [row for row in rows if row[1] or row[2]]


def completion_payload(kind: str, post, data_fields=()) -> tuple[dict[str, Any], dict[str, str]]:
    """(payload for task_complete, errors the form itself can see before the engine does)."""
    errors: dict[str, str] = {}
    if kind == K.VERIFICATION:
        payload = {k: _s(post, k) for k in ("documents_valid", "survey_required", "notes")}
        if not payload["survey_required"]:
            del payload["survey_required"]
        return payload, errors
    if kind == K.SURVEY:
        measurements = {}
        for i, name, value in _measurement_rows(post):
            if not name:
                errors[f"m.{i}"] = _("Pilih data objek yang diukur.")
            measurements[name[:60]] = value
        payload = {k: _s(post, k) for k in ("visit_date", "findings", "result", "latitude", "longitude")}
        return {**payload, "measurements": measurements}, errors
    if kind == K.DATA_ENTRY:
        return {"data": {f.code: _s(post, f"data.{f.code}") for f in data_fields}}, errors
    if kind == K.TECHNICAL_REVIEW:
        return {k: _s(post, k) for k in ("recommendation", "reasons", "reason_code")}, errors
    if kind == K.LEVY_ASSESSMENT:
        return {"lines": [{"description": d, "amount": a} for _i, d, a in _levy_rows(post)]}, errors
    if kind == K.PAYMENT:
        return {k: _s(post, k) for k in ("reference", "amount")}, errors
    if kind == K.APPROVAL:
        return {"decision": "approve", "notes": _s(post, "notes")}, errors
    if kind == K.SIGNING:
        return {"notes": _s(post, "notes")}, errors
    if kind == K.HANDOVER:
        payload = {k: _s(post, k) for k in ("collected_by", "relation", "id_type", "id_number")}
        if payload["relation"] == "representative":
            payload["authorisation_letter"] = "true" if post.get("authorisation_letter") else "false"
        return payload, errors
    return {}, errors


def form_errors(kind: str, post, errors: dict[str, str]) -> dict[str, str]:
    """The engine's field errors keyed by the form's own input names (row numbers for repeated rows)."""
    out = dict(errors)
    if kind == K.SURVEY:
        by_name = {name[:60]: i for i, name, _v in _measurement_rows(post)}
        for key, message in errors.items():
            if key.startswith("measurements.") and key[13:] in by_name:
                out[f"m.{by_name[key[13:]]}"] = message
    elif kind == K.LEVY_ASSESSMENT:
        rows = _levy_rows(post)
        for key, message in errors.items():
            parts = key.split(".")
            if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
                out[f"lines.{rows[int(parts[1])][0]}.{parts[2]}"] = message
    return out


def levy_total(post) -> str:
    """The sum of the levy lines entered so far, for the 'compute total' button (no JavaScript)."""
    total = Decimal(0)
    for _i, _d, amount in _levy_rows(post):
        try:
            total += parse_decimal(amount)
        except (InvalidOperation, ValueError):
            continue
    return rupiah(total)


# --- reading a finished step back ----------------------------------------------------------------

_LABELS = {
    "documents_valid": _l("Dokumen sah"),
    "survey_required": _l("Perlu survei lapangan"),
    "notes": _l("Catatan"),
    "schedule": _l("Jadwal survei"),
    "visit_date": _l("Tanggal kunjungan"),
    "findings": _l("Temuan"),
    "result": _l("Hasil"),
    "measurements": _l("Ukuran"),
    "latitude": _l("Lintang"),
    "longitude": _l("Bujur"),
    "data": _l("Data objek"),
    "recommendation": _l("Rekomendasi"),
    "reasons": _l("Alasan"),
    "reason_code": _l("Kode alasan"),
    "lines": _l("Rincian retribusi"),
    "total": _l("Total"),
    "reference": _l("Referensi bayar"),
    "amount": _l("Jumlah"),
    "decision": _l("Keputusan"),
    "collected_by": _l("Diambil oleh"),
    "relation": _l("Hubungan"),
    "id_type": _l("Jenis identitas"),
    "id_number": _l("Nomor identitas"),
    "authorisation_letter": _l("Surat kuasa"),
    "surveyor": _l("Petugas survei"),
    "note": _l("Catatan"),
}
_VALUES = {
    "pass": _l("sesuai"),
    "fail": _l("tidak sesuai"),
    "approve": _l("setuju"),
    "reject": _l("tolak"),
    "holder": _l("pemegang izin"),
    "representative": _l("kuasa"),
}
OUTCOMES = {
    "valid": _l("berkas sah"),
    "pass": _l("survei: sesuai"),
    "fail": _l("survei: tidak sesuai"),
    "entered": _l("data dimasukkan"),
    "approve": _l("rekomendasi setuju"),
    "reject": _l("rekomendasi tolak"),
    "assessed": _l("retribusi ditetapkan"),
    "paid": _l("dibayar"),
    "approved": _l("disetujui"),
    "signed": _l("ditandatangani"),
    "collected": _l("SK diambil"),
    "returned": _l("dikembalikan ke pemohon"),
    "skipped": _l("dilewati"),
    "rejected": _l("permohonan ditolak"),
    "withdrawn": _l("dicabut pemohon"),
    "rework": _l("dikerjakan ulang"),
}


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if key in ("total", "amount") and value not in (None, ""):
        return rupiah(value)
    if key == "lines" and isinstance(value, list):
        return "; ".join(f"{line.get('description', '')} {rupiah(line.get('amount', 0))}" for line in value)
    if isinstance(value, dict):
        return ", ".join(f"{_LABELS.get(k, k)}: {_value(k, v)}" for k, v in value.items()) or "-"
    return str(_VALUES[value]) if isinstance(value, str) and value in _VALUES else str(value)


def _object_data(value: dict, fields: dict) -> str:
    """Object data (or survey measurements) by field code, worded as the catalogue words it: the field's
    label, a choice and the unit in the active language (the stored values stay as they are)."""
    parts = []
    for code, raw in value.items():
        field = fields.get(code)
        if field is None:
            parts.append(f"{code}: {raw}")
            continue
        shown = field.value_label(raw) if raw not in (None, "") else "-"
        unit = f" {field.unit_label}" if field.unit and raw not in (None, "") else ""
        parts.append(f"{field.label}: {shown}{unit}")
    return ", ".join(parts) or "-"


def payload_rows(payload: dict, data_fields=()) -> list[tuple[str, str]]:
    """(label, value) pairs of what a finished step recorded, for the pages. `data_fields`: the permit
    type's object data fields, to word the recorded object data and measurements."""
    fields = {f.code: f for f in data_fields}
    return [
        (
            str(_LABELS.get(key, key)),
            _object_data(value, fields)
            if key in ("data", "measurements") and isinstance(value, dict) and fields
            else _value(key, value),
        )
        for key, value in (payload or {}).items()
        if value not in (None, "", {}, [])
    ]
