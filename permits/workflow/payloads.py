"""What an officer submits when finishing each kind of step: validated here, without the database.

Each validator takes the raw payload (dict from a form or JSON) and returns (clean, errors),
errors keyed by field with an Indonesian message.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from permits.catalog.rules import FieldSpec, parse_decimal, validate_object_data
from permits.core.identity import clean_foreign_id, clean_nik

Result = tuple[dict[str, Any], dict[str, str]]


def _text(raw: dict, key: str, errors: dict, *, required: bool = True, limit: int = 4000) -> str:
    value = str(raw.get(key) or "").strip()
    if required and not value:
        errors[key] = "Wajib diisi."
    elif len(value) > limit:
        errors[key] = f"Terlalu panjang (maks. {limit} karakter)."
    return value[:limit]


def _bool(raw: dict, key: str, errors: dict, *, required: bool = True) -> bool | None:
    value = raw.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "1", "ya", "yes", "on"}:
        return True
    if isinstance(value, str) and value.lower() in {"false", "0", "tidak", "no", "off"}:
        return False
    if required:
        errors[key] = "Pilih ya atau tidak."
    return None


def _date(raw: dict, key: str, errors: dict, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value in (None, ""):
        if required:
            errors[key] = "Tanggal wajib diisi."
        return None
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        errors[key] = "Tanggal harus berformat YYYY-MM-DD."
        return None


def _rupiah(value: Any) -> Decimal:
    """Whole rupiah, positive; accepts "1.500.000" and 1500000."""
    amount = parse_decimal(value)
    if amount <= 0 or amount != amount.to_integral_value() or amount > Decimal("1e13"):
        raise InvalidOperation
    return amount


def verification(raw: dict, *, survey_decided_here: bool) -> Result:
    errors: dict[str, str] = {}
    valid = _bool(raw, "documents_valid", errors)
    if valid is False:
        errors["documents_valid"] = "Dokumen tidak sah: kembalikan berkas ke pemohon atau tolak permohonan."
    clean: dict[str, Any] = {"documents_valid": True}
    if survey_decided_here:
        clean["survey_required"] = _bool(raw, "survey_required", errors)
    clean["notes"] = _text(raw, "notes", errors, required=False)
    return clean, errors


def survey_schedule(raw: dict, *, today: datetime.date, latest: datetime.date) -> Result:
    """The visit is set for a day from `today` to `latest` (the service standard's horizon,
    `services.survey_visit_latest`): never in the past, never years ahead."""
    errors: dict[str, str] = {}
    visit = _date(raw, "visit_date", errors)
    if visit and datetime.date.fromisoformat(visit) < today:
        errors["visit_date"] = "Jadwal survei tidak boleh di masa lalu."
    elif visit and datetime.date.fromisoformat(visit) > latest:
        errors["visit_date"] = (
            f"Jadwal survei paling lambat {latest.isoformat()} (dalam standar pelayanan jenis izin ini)."
        )
    return {"visit_date": visit, "note": _text(raw, "note", errors, required=False, limit=500)}, errors


def numeric_fields(fields) -> list:
    """The object-data fields a surveyor can measure: the permit type's numbers (integer or decimal)."""
    return [f for f in fields if f.type in ("integer", "decimal")]


def _measurements(raw: Any, numbers: list[FieldSpec] | None, errors: dict) -> dict[str, str]:
    """Measurements by field code. With `numbers` (the permit type's numeric fields) each name must be one
    of them and each value a number of its type and range, so a misspelt name cannot be ignored by the
    tariff, which would then silently take the declared value instead."""
    if not isinstance(raw, dict):
        errors["measurements"] = "Ukuran harus berupa pasangan nama dan angka."
        return {}
    by_code = {f.code: f for f in numbers} if numbers is not None else None
    clean: dict[str, str] = {}
    for name, value in raw.items():
        name = str(name)[:60]
        if by_code is not None and name not in by_code:
            choices = ", ".join(f"{f.code} ({f.label_id})" for f in numbers) or "-"
            errors[f"measurements.{name}"] = (
                f"Ukuran '{name}' bukan data objek berupa angka untuk jenis izin ini. Pilih salah satu: {choices}."
            )
            continue
        try:
            number = parse_decimal(value)
        except (InvalidOperation, ValueError):
            errors[f"measurements.{name}"] = "Ukuran harus berupa angka."
            continue
        if by_code is not None:
            checked, problems = validate_object_data([by_code[name]], {name: value})
            if problems:
                errors[f"measurements.{name}"] = problems[name]
                continue
            number = Decimal(str(checked[name]))
        clean[name] = f"{number.normalize():f}"
    return clean


def survey_report(
    raw: dict,
    *,
    today: datetime.date,
    earliest: datetime.date,
    scheduled: bool,
    numbers: list[FieldSpec] | None = None,
) -> Result:
    """The report of a visit that took place: its date is not after `today` and not before `earliest`
    (the scheduled visit day, or the day the survey step opened when no visit was scheduled). Its
    measurements are the permit type's numeric fields (`numbers`, see `_measurements`)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "visit_date": _date(raw, "visit_date", errors),
        "findings": _text(raw, "findings", errors),
        "result": str(raw.get("result") or ""),
    }
    visit = clean["visit_date"] and datetime.date.fromisoformat(clean["visit_date"])
    if visit and visit > today:
        errors["visit_date"] = "Tanggal kunjungan tidak boleh setelah hari ini: laporkan survei setelah kunjungan."
    elif visit and visit < earliest:
        errors["visit_date"] = (
            f"Tanggal kunjungan tidak boleh sebelum jadwal survei ({earliest.isoformat()}). "
            "Bila kunjungan dimajukan, ubah jadwalnya dahulu."
            if scheduled
            else f"Tanggal kunjungan tidak boleh sebelum langkah survei dimulai ({earliest.isoformat()})."
        )
    if clean["result"] not in ("pass", "fail"):
        errors["result"] = "Hasil survei harus sesuai (pass) atau tidak sesuai (fail)."
    clean["measurements"] = _measurements(raw.get("measurements") or {}, numbers, errors)
    for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = raw.get(key)
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value).strip().replace(",", "."))  # coordinates: always a decimal mark
            if not number.is_finite() or not low <= number <= high:
                raise InvalidOperation
            clean[key] = f"{number:f}"
        except (InvalidOperation, ValueError):
            errors[key] = f"Koordinat harus angka antara {low} dan {high}."
    return clean, errors


def technical_review(raw: dict) -> Result:
    errors: dict[str, str] = {}
    recommendation = str(raw.get("recommendation") or "")
    if recommendation not in ("approve", "reject"):
        errors["recommendation"] = "Rekomendasi harus setuju (approve) atau tolak (reject)."
    clean = {"recommendation": recommendation, "reasons": _text(raw, "reasons", errors)}
    if recommendation == "reject":
        clean["reason_code"] = _text(raw, "reason_code", errors, limit=40)
    return clean, errors


def levy_assessment(raw: dict) -> Result:
    errors: dict[str, str] = {}
    lines = raw.get("lines")
    if not isinstance(lines, list) or not lines:
        return {}, {"lines": "Isi minimal satu baris retribusi (uraian dan jumlah)."}
    clean_lines = []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            errors[f"lines.{i}"] = "Baris retribusi tidak valid."
            continue
        description = str(line.get("description") or "").strip()[:250]
        if not description:
            errors[f"lines.{i}.description"] = "Uraian wajib diisi."
        try:
            amount = _rupiah(line.get("amount"))
        except (InvalidOperation, ValueError, TypeError):
            errors[f"lines.{i}.amount"] = "Jumlah harus rupiah bulat lebih dari 0."
            continue
        clean_lines.append({"description": description, "amount": str(int(amount))})
    total = sum((Decimal(line["amount"]) for line in clean_lines), Decimal(0))
    return {"lines": clean_lines, "total": str(int(total))}, errors


def payment(raw: dict, *, expected_total: str | None) -> Result:
    errors: dict[str, str] = {}
    clean = {"reference": _text(raw, "reference", errors, limit=100)}
    try:
        amount = _rupiah(raw.get("amount"))
        clean["amount"] = str(int(amount))
        if expected_total is not None and amount != Decimal(expected_total):
            errors["amount"] = (
                f"Jumlah harus sama dengan retribusi yang ditetapkan (Rp {int(expected_total):,}).".replace(",", ".")
            )
    except (InvalidOperation, ValueError, TypeError):
        errors["amount"] = "Jumlah harus rupiah bulat lebih dari 0."
    return clean, errors


def approval(raw: dict) -> Result:
    errors: dict[str, str] = {}
    if str(raw.get("decision") or "approve") != "approve":
        errors["decision"] = "Untuk menolak gunakan tombol Tolak dengan alasan."
    return {"decision": "approve", "notes": _text(raw, "notes", errors, required=False)}, errors


def signing(raw: dict) -> Result:
    return {"notes": _text(raw, "notes", {}, required=False)}, {}


def handover(raw: dict) -> Result:
    """Who collects the decree and the identity they show: a NIK, or a foreigner's passport/KITAS (`id_type`);
    whose it must be: `decrees.services.handover_identity_check`."""
    errors: dict[str, str] = {}
    clean = {
        "collected_by": _text(raw, "collected_by", errors, limit=200),
        "relation": str(raw.get("relation") or "holder"),
        "id_type": str(raw.get("id_type") or "nik"),
        "id_number": _text(raw, "id_number", errors, limit=40),
    }
    if clean["id_type"] not in ("nik", "passport", "kitas"):
        errors["id_type"] = "Jenis identitas harus nik, passport atau kitas."
    elif clean["id_number"]:
        try:
            cleaner = clean_nik if clean["id_type"] == "nik" else clean_foreign_id
            clean["id_number"] = cleaner(clean["id_number"])
        except ValueError as exc:
            errors["id_number"] = str(exc)
    if clean["relation"] not in ("holder", "representative"):
        errors["relation"] = "Pengambil harus pemegang izin (holder) atau kuasa (representative)."
    if clean["relation"] == "representative":
        clean["authorisation_letter"] = _bool(raw, "authorisation_letter", errors)
        if clean["authorisation_letter"] is False:
            errors["authorisation_letter"] = "Kuasa wajib menunjukkan surat kuasa."
    return clean, errors
